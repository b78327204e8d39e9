"""Registration, sign-in, password change: bad input gets a clear message and loses nothing."""

from __future__ import annotations

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, csrf_token_from
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import Company, Role, User
from scoring.reference import credit_code

CODE = credit_code.with_check_char("91445200MA4X7Y2B3")


def _register(client: FlaskClient, **overrides: str) -> TestResponse:
    data = {
        "company_name": "揭阳市测试五金有限公司",
        "credit_code": CODE,
        "city": "揭阳市",
        "district": "揭东区",
        "name": "陈一",
        "email": "chen@test.dx",
        "password": "Abcdef-123",
        "password2": "Abcdef-123",
        "accept_terms": "y",
        "bureau_sharing": "y",
    }
    data.update(overrides)
    return client.post("/register", data=data)


def _verification_link(app: Flask) -> str:
    body = app.extensions["outbox"][-1]["body"]
    return "/register/verify/" + body.split("/register/verify/")[1].split()[0]


def test_register_creates_company_and_admin(app: Flask, client: FlaskClient) -> None:
    app.extensions["outbox"] = []
    response = _register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = db.session.scalar(sa.select(User).where(User.email == "chen@test.dx"))
    assert user is not None and user.role is Role.ENTERPRISE and user.is_company_admin
    assert user.company.credit_code == CODE and user.company.district == "揭东区"
    assert user.company.bureau_sharing is True and user.company.bureau_sharing_changed_at is not None
    assert user.password_hash != "Abcdef-123" and user.check_password("Abcdef-123")
    assert not user.email_verified
    assert client.get(_verification_link(app)).status_code == 302
    signed_in = client.post("/login", data={"email": "chen@test.dx", "password": "Abcdef-123"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/company/"


def test_wrong_check_character_says_which_and_keeps_input(client: FlaskClient) -> None:
    wrong = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    html = _register(client, credit_code=wrong).get_data(as_text=True)
    assert "校验码" in html and f"“{CODE[-1]}”" in html
    assert 'value="揭阳市测试五金有限公司"' in html and 'value="chen@test.dx"' in html
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 0


def test_wrong_length_and_illegal_letter_messages(client: FlaskClient) -> None:
    assert "18位" in _register(client, credit_code=CODE[:17]).get_data(as_text=True)
    illegal = CODE[:4] + "I" + CODE[5:]
    assert "“I”" in _register(client, credit_code=illegal).get_data(as_text=True)


def test_district_must_belong_to_city(client: FlaskClient) -> None:
    html = _register(client, city="揭阳市", district="梅江区").get_data(as_text=True)
    assert "所选区县不属于所选城市" in html


def test_weak_password_and_mismatch(client: FlaskClient) -> None:
    assert "同时包含字母和数字" in _register(client, password="short", password2="short").get_data(
        as_text=True
    )
    assert "两次输入的密码不一致" in _register(client, password2="Other-12345").get_data(as_text=True)


def test_duplicate_credit_code_and_email(client: FlaskClient, make: Factory) -> None:
    make.company(credit_code=CODE)
    assert "该统一社会信用代码已有企业注册" in _register(client).get_data(as_text=True)
    make.user(Role.PROVIDER, email="dup@test.dx")
    other = credit_code.with_check_char("91445200MA4X7Y2B4")
    # a taken address is answered like a new one (its owner gets a mail): nothing tells it is registered
    response = _register(client, credit_code=other, email="dup@test.dx")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert db.session.scalar(sa.select(sa.func.count(Company.id)).where(Company.credit_code == other)) == 0


def test_terms_must_be_accepted(client: FlaskClient) -> None:
    data_html = _register(client, accept_terms="").get_data(as_text=True)
    assert "请阅读并同意" in data_html


def test_login_failure_message_and_success(client: FlaskClient, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    html = client.post("/login", data={"email": user.email, "password": "wrong-1234"}).get_data(as_text=True)
    assert "邮箱或密码不正确" in html
    assert (
        client.post("/login", data={"email": user.email.upper(), "password": "Test-pass-1"}).status_code
        == 302
    )


def test_deactivated_account_cannot_sign_in(client: FlaskClient, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, active=False)
    assert client.post("/login", data={"email": user.email, "password": "Test-pass-1"}).status_code == 200


def test_next_parameter_only_redirects_locally(client: FlaskClient, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    response = client.post(
        "/login?next=//evil.example/", data={"email": user.email, "password": "Test-pass-1"}
    )
    assert response.headers["Location"] == "/company/"
    response = client.post("/logout")
    response = client.post(
        "/login?next=/company/members", data={"email": user.email, "password": "Test-pass-1"}
    )
    assert response.headers["Location"] == "/company/members"


def test_password_change(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    html = client.post(
        "/account/password",
        data={"current": "bad-pass-1", "password": "Newpass-123", "password2": "Newpass-123"},
    ).get_data(as_text=True)
    assert "当前密码不正确" in html
    response = client.post(
        "/account/password",
        data={"current": "Test-pass-1", "password": "Newpass-123", "password2": "Newpass-123"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("Newpass-123")


def test_provider_registration(app: Flask, client: FlaskClient) -> None:
    code = credit_code.with_check_char("91440300MA5F0000X")
    response = client.post(
        "/register/provider",
        data={
            "org_name": "深圳测试云服务有限公司",
            "credit_code": code,
            "city": "深圳市",
            "name": "周一",
            "email": "p@test.dx",
            "password": "Abcdef-123",
            "password2": "Abcdef-123",
            "accept_terms": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = db.session.scalar(sa.select(User).where(User.email == "p@test.dx"))
    assert user is not None and user.provider_org is not None and user.provider_org.credit_code == code
    assert client.get(_verification_link(app)).status_code == 302
    signed_in = client.post("/login", data={"email": "p@test.dx", "password": "Abcdef-123"})
    assert signed_in.headers["Location"] == "/provider/"


def test_forms_require_csrf_token(client: FlaskClient, csrf_on: None) -> None:
    response = _register(client)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    token = csrf_token_from(client.get("/register").get_data(as_text=True))
    assert _register(client, csrf_token=token).status_code == 302
