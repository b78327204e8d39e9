"""The company's team in a real browser: the administrator removes a member and hands the administrator
role to a colleague, each after a confirmation page; the removed member's open browser is refused on its
next click. In Chinese and English, at 1366 and 390 px; screenshots in tests/artifacts/team_*.png."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import screenshot, watch
from fixture_types import OpenPage
from tests_support import PASSWORD, Factory

from portal.extensions import db
from portal.models import Role, User
from scoring.reference import credit_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

TEXT = {
    "zh": {"removed": "已移除 王五", "handed": "管理员角色已移交给 林晓"},
    "en": {"removed": "王五 was removed", "handed": "administrator role was handed to 林晓"},
}


def _sign_in(new_page: OpenPage, base: str, user: User, width: int) -> Page:
    page = new_page(width, 900)
    page.goto(base + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/company/")
    return page


def _confirm(page: Page, member: User, change: str, shot: str) -> None:
    page.locator(f"a[href$='/company/members/{member.id}/{change}']").click()
    page.wait_for_url(f"**/company/members/{member.id}/{change}")
    screenshot(page, shot)
    page.click("#confirm-change")
    page.wait_for_url("**/company/members")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1366, 390])
def test_admin_hands_over_and_removes_and_the_removed_member_is_out_at_once(
    new_page: OpenPage, live_server: str, make: Factory, lang: str, width: int
) -> None:
    company = make.company(name="揭阳市宏达五金制品有限公司")
    locale = "en" if lang == "en" else "zh_CN"
    admin = make.user(Role.ENTERPRISE, company=company, name="陈志强", email="qiye@test.dx", locale=locale)
    colleague = make.user(
        Role.ENTERPRISE, company=company, is_company_admin=False, name="林晓", email="yuangong@test.dx"
    )
    leaver = make.user(
        Role.ENTERPRISE,
        company=company,
        is_company_admin=False,
        name="王五",
        email="wangwu@test.dx",
        locale=locale,
    )
    words, tag = TEXT[lang], f"{lang}_{width}"

    away = _sign_in(new_page, live_server, leaver, width)  # the member's browser stays open meanwhile
    page = _sign_in(new_page, live_server, admin, width)
    errors, _bundles = watch(page)
    page.goto(live_server + "/company/members")
    screenshot(page, f"team_members_{tag}")

    _confirm(page, leaver, "remove", f"team_confirm_remove_{tag}")
    assert words["removed"] in page.locator(".flash").first.inner_text()
    assert page.locator("tr[data-member='wangwu@test.dx']").count() == 0

    _confirm(page, colleague, "handover", f"team_confirm_handover_{tag}")
    assert words["handed"] in page.locator(".flash").first.inner_text()
    row = page.locator("tr[data-member='yuangong@test.dx']")
    assert row.locator(".badge").count() == 1  # 林晓 is the administrator now
    assert page.locator("a[href*='/company/members/']").count() == 0  # and 陈志强 manages nobody
    screenshot(page, f"team_after_{tag}")
    assert errors == []

    # the removed member's next click, in the browser that was already signed in, ends on the sign-in page
    away.locator("main a[href^='/company']").first.click()
    away.wait_for_url("**/login**")
    assert away.locator("#email").is_visible()
    db.session.expire_all()
    db.session.refresh(leaver)
    db.session.refresh(colleague)
    assert leaver.active is False and colleague.is_company_admin


def test_the_only_administrator_sees_why_they_cannot_step_down(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    admin = make.user(Role.ENTERPRISE, email="solo@test.dx")
    page = _sign_in(new_page, live_server, admin, 390)
    page.goto(live_server + "/company/members")
    assert "唯一的管理员" in page.locator(f"tr[data-member='{admin.email}']").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_platform_admin_corrects_a_credit_code(
    new_page: OpenPage, live_server: str, make: Factory, lang: str
) -> None:
    company = make.company(name="揭阳市宏达五金制品有限公司")
    old = company.credit_code
    new = credit_code.with_check_char("91445200MA4UXXXX0")
    admin = make.user(Role.ADMIN, email="admin@test.dx", locale="en" if lang == "en" else "zh_CN")
    page = new_page(1366, 900)
    page.goto(live_server + "/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/")
    page.goto(live_server + "/admin/companies?q=" + old[-6:])
    page.locator(f"a[href$='/admin/companies/{company.id}/credit-code']").click()
    page.fill("#credit_code", new)
    page.fill("#reason", "注册时录入错误，已核对营业执照")
    screenshot(page, f"team_admin_credit_code_{lang}_1366")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/companies?q=*")
    assert f"{old} → {new}" in page.locator(".flash").first.inner_text()
    assert page.locator("#companies").inner_text().count(new) == 1
    screenshot(page, f"team_admin_companies_{lang}_1366")
