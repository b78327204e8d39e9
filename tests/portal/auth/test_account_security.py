"""Account security: password reset tokens, API tokens with scopes, security headers and CSRF.
Sign-in sessions and throttling: tests/portal/auth/test_sign_in_security.py."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import PASSWORD, Factory, sign_in_session
from werkzeug.test import TestResponse

from portal.auth import security
from portal.extensions import db
from portal.models import PasswordResetToken, Role, User
from portal.models._common import utcnow


def _login(client: FlaskClient, email: str, password: str) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password})


def _reset_link(app: Flask, client: FlaskClient, email: str) -> str:
    app.extensions["outbox"] = []
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 302
    mails = app.extensions["outbox"]
    assert len(mails) == 1 and mails[0]["to"] == email
    return "/password/reset/" + mails[0]["body"].split("/password/reset/")[1].split()[0]


def test_password_reset_works_once_and_expires(app: Flask, make: Factory) -> None:
    user = make.user(Role.PROVIDER)
    client = app.test_client()
    link = _reset_link(app, client, user.email)
    assert client.post(link, data={"password": "Brand-new-1", "password2": "Brand-new-1"}).status_code == 302
    assert _login(app.test_client(), user.email, "Brand-new-1").status_code == 302
    reused = client.get(link)
    assert reused.status_code == 410 and "已使用" in reused.get_data(as_text=True)

    link2 = _reset_link(app, client, user.email)
    row = db.session.scalars(sa.select(PasswordResetToken).order_by(PasswordResetToken.id.desc())).first()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "已过期" in client.get(link2).get_data(as_text=True)


def test_reset_request_does_not_reveal_accounts(app: Flask) -> None:
    app.extensions["outbox"] = []
    response = app.test_client().post(
        "/password/forgot", data={"email": "nobody@test.dx"}, follow_redirects=True
    )
    assert "如果该邮箱已注册" in response.get_data(as_text=True)
    assert app.extensions["outbox"] == []


def _new_token(login_as: LoginAs, user: User, scopes: list[str]) -> str:
    html = (
        login_as(user)
        .post("/account/tokens", data={"name": "ERP 对接", "scopes": scopes})
        .get_data(as_text=True)
    )
    return html.split('id="token-secret" type="text" readonly value="')[1].split('"')[0]


def test_api_token_is_scoped_and_revocable(app: Flask, login_as: LoginAs, make: Factory) -> None:
    from portal.assessments.services import start

    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    secret = _new_token(login_as, user, ["assessments:read"])
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get(f"/api/v1/assessments/{assessment.id}/answers", headers=headers).status_code == 200
    # writing answers is not covered by the scope (and tokens never reach HTML pages)
    denied = api.post(f"/api/v1/assessments/{assessment.id}/answers", json={"answers": []}, headers=headers)
    assert denied.status_code == 403 and "权限范围" in denied.get_json()["errors"][0]["message_zh"]
    assert api.get("/company/", headers=headers).status_code == 302  # not signed in for pages
    # a wrong token is simply not a sign-in
    assert (
        api.get(
            f"/api/v1/assessments/{assessment.id}/answers", headers={"Authorization": "Bearer dxa_x"}
        ).status_code
        == 401
    )
    token = security.user_tokens(user)[0]
    login_as(user).post(f"/account/tokens/{token.id}/revoke")
    assert api.get(f"/api/v1/assessments/{assessment.id}/answers", headers=headers).status_code == 401


def test_tokens_of_others_cannot_be_revoked(login_as: LoginAs, make: Factory) -> None:
    owner = make.user(Role.PROVIDER)
    _new_token(login_as, owner, ["eligibility"])
    token = security.user_tokens(owner)[0]
    assert login_as(make.user(Role.PROVIDER)).post(f"/account/tokens/{token.id}/revoke").status_code == 404


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)  # no inline scripts anywhere


def test_session_requests_need_csrf_even_for_json(app: Flask, csrf_on: None, make: Factory) -> None:
    from portal.assessments.services import start

    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    client = app.test_client()
    sign_in_session(client, user)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        json={"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]},
    )
    assert response.status_code == 400 and "CSRF" in response.get_json()["errors"][0]["message_zh"]


def test_json_autosave_takes_the_csrf_token_from_its_header(app: Flask, csrf_on: None, make: Factory) -> None:
    """The page's script sends the token in X-CSRFToken (a JSON body has no form fields)."""
    from portal.assessments.services import start

    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    client = app.test_client()
    sign_in_session(client, user)
    page = client.get(f"/company/assessments/{assessment.id}/modules/base").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    url = f"/api/v1/assessments/{assessment.id}/answers"
    body = {"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]}
    assert client.post(url, json=body, headers={"X-CSRFToken": token.group(1)}).status_code == 200
    forged = client.post(url, json=body, headers={"X-CSRFToken": token.group(1)[:-2] + "xx"})
    assert forged.status_code == 400


def test_session_cookie_flags(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_bureau_token_reads_statistics_of_its_jurisdiction_only(
    app: Flask, login_as: LoginAs, make: Factory
) -> None:
    from portal.models import JurisdictionLevel

    officer = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市")
    secret = _new_token(login_as, officer, ["bureau:read"])
    api = app.test_client()
    response = api.get("/api/v1/bureau/summary", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert "揭阳市" in json.dumps(response.get_json(), ensure_ascii=False)
    # the same token cannot call the eligibility endpoint (another scope)
    refused = api.post("/api/v1/eligibility", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 403
