"""A company registers, verifies its e-mail, signs in (twice) and edits its profile — in a real browser
(Debian chromium)."""

from __future__ import annotations

from browser_support import screenshot
from fixture_types import OpenPage
from flask import current_app

from portal.extensions import db
from portal.models import Company
from scoring.reference import credit_code

VALID_CODE = credit_code.with_check_char("91445200MA4X7Y2B3")


def test_register_sign_in_and_edit_profile(new_page: OpenPage, live_server: str) -> None:
    page = new_page()
    page.goto(live_server + "/")
    assert "用户登录" in page.content()
    screenshot(page, "landing_zh")

    page.click("text=企业注册")
    page.fill("#company_name", "揭阳市浏览器测试五金有限公司")
    # a wrong check character is refused with a message that says which character is expected
    wrong = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")
    page.fill("#credit_code", wrong)
    page.select_option("#city", "揭阳市")
    page.select_option("#district", "揭东区")
    page.fill("#name", "测试管理员")
    page.fill("#email", "browser@test.dx")
    page.fill("#password", "Browser-2026")
    page.fill("#password2", "Browser-2026")
    page.check("#bureau_sharing")
    page.check("#accept_terms")
    page.click("button:has-text('注册')")
    error = page.locator("#credit_code-err").inner_text()
    assert "校验码" in error and VALID_CODE[-1] in error
    # entered values are kept
    assert page.input_value("#company_name") == "揭阳市浏览器测试五金有限公司"
    assert page.input_value("#district") == "揭东区"
    screenshot(page, "register_error_zh")

    page.fill("#credit_code", VALID_CODE)
    page.fill("#password", "Browser-2026")
    page.fill("#password2", "Browser-2026")
    current_app.extensions["outbox"] = []
    page.click("button:has-text('注册')")
    page.wait_for_url("**/login")
    assert "browser@test.dx" in page.locator(".flash-info").inner_text()
    # the account signs in once the link mailed to the address has been opened
    body = current_app.extensions["outbox"][-1]["body"]
    page.goto(live_server + "/register/verify/" + body.split("/register/verify/")[1].split()[0])
    page.wait_for_url("**/login")
    assert "邮箱已验证" in page.locator(".flash-success").inner_text()
    page.fill("#email", "browser@test.dx")
    page.fill("#password", "Browser-2026")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/company/")

    # sign out and in again
    page.click("button:has-text('退出')")
    page.goto(live_server + "/login")
    page.fill("#email", "browser@test.dx")
    page.fill("#password", "Browser-2026")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/company/")
    assert "揭阳市浏览器测试五金有限公司" in page.content()

    page.click("text=企业信息")
    page.select_option("#industry_section", "C")
    page.select_option("#industry_division", "33")
    page.select_option("#cluster", "c05")
    page.fill("#employees", "350")
    page.fill("#revenue_wan", "12000")
    page.fill("#total_assets_wan", "9000")
    page.click("button:has-text('保存企业信息')")
    page.wait_for_selector(".flash-success")
    assert "中型" in page.locator(".flash-success").inner_text()
    screenshot(page, "profile_edit_zh")

    company = db.session.query(Company).filter_by(credit_code=VALID_CODE).one()
    assert (company.employees, company.size_class, company.cluster) == (350, "medium", "c05")

    phone = new_page(390, 844)
    phone.goto(live_server + "/")
    screenshot(phone, "landing_phone")
    # the login form fits the phone's width: no horizontal scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
