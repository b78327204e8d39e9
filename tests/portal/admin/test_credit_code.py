"""The platform administrator corrects a company's 统一社会信用代码: validated, unique, with old → new and
the reason in the audit log; nobody else can."""

from __future__ import annotations

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.extensions import db
from portal.models import PlatformEvent, Role
from scoring.reference import credit_code

RIGHT = credit_code.with_check_char("91445200MA4UXXXX0")


def test_admin_corrects_a_credit_code_with_a_reason(login_as: LoginAs, make: Factory) -> None:
    company = make.company(name="揭阳市宏达五金制品有限公司")
    old = company.credit_code
    admin = make.user(Role.ADMIN, name="平台管理员")
    client = login_as(admin)
    listing = client.get("/admin/companies", query_string={"q": "宏达"}).get_data(as_text=True)
    assert old in listing and f"/admin/companies/{company.id}/credit-code" in listing
    response = client.post(
        f"/admin/companies/{company.id}/credit-code",
        data={"credit_code": RIGHT.lower(), "reason": "注册时录入错误，已核对营业执照"},
        follow_redirects=True,
    )
    assert f"{old} → {RIGHT}" in response.get_data(as_text=True)
    db.session.refresh(company)
    assert company.credit_code == RIGHT  # normalised by the validator
    [event] = db.session.scalars(
        sa.select(PlatformEvent).where(PlatformEvent.action == "correct_credit_code")
    )
    assert event.actor_id == admin.id and event.company_id == company.id
    assert event.detail == f"{old} → {RIGHT}；注册时录入错误，已核对营业执照"
    audit_page = client.get("/admin/audit", query_string={"action": "correct_credit_code"})
    assert "更正统一社会信用代码" in audit_page.get_data(as_text=True)


def test_invalid_taken_or_unchanged_codes_and_a_missing_reason_are_refused(
    login_as: LoginAs, make: Factory
) -> None:
    company, other = make.company(), make.company()
    old = company.credit_code
    client = login_as(make.user(Role.ADMIN))
    path = f"/admin/companies/{company.id}/credit-code"
    cases = {
        "91445200MA4UXXXX01": ({"reason": "录入错误"}, "校验"),  # wrong check character
        other.credit_code: ({"reason": "录入错误"}, "已属于另一家企业"),
        old: ({"reason": "录入错误"}, "新代码与原代码相同"),
        RIGHT: ({"reason": ""}, "此项为必填项"),
        "x" * 5000: ({"reason": "录入错误"}, "18"),
    }
    for code, (data, message) in cases.items():
        response = client.post(path, data={"credit_code": code, **data})
        assert response.status_code == 200 and message in response.get_data(as_text=True), code[:20]
    long_reason = client.post(path, data={"credit_code": RIGHT, "reason": "理" * 201})
    assert "200" in long_reason.get_data(as_text=True)
    db.session.refresh(company)
    assert company.credit_code == old
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlatformEvent)) == 0


def test_only_the_platform_administrator_may_correct(app: Flask, login_as: LoginAs, make: Factory) -> None:
    company_admin = make.user(Role.ENTERPRISE)
    path = f"/admin/companies/{company_admin.company_id}/credit-code"
    assert login_as(company_admin).post(path, data={"credit_code": RIGHT, "reason": "x"}).status_code == 403
    assert login_as(make.user(Role.ADMIN)).get("/admin/companies/999999/credit-code").status_code == 404
    assert app.test_client().get(path).status_code == 302  # to the login page


def test_the_profile_page_says_how_to_ask_for_a_correction(
    app: Flask, login_as: LoginAs, make: Factory
) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    html = client.get("/company/profile/edit").get_data(as_text=True)
    assert "请联系平台管理员，提供企业名称、正确的代码和营业执照照片" in html
    app.config["SUPPORT_EMAIL"] = "help@dx.test"
    try:
        html = client.get("/company/profile/edit").get_data(as_text=True)
    finally:
        app.config["SUPPORT_EMAIL"] = None
    assert 'href="mailto:help@dx.test?subject=' in html
