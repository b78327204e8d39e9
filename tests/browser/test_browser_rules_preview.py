"""The administrator uploads the worked example of docs/rules.md in a real browser and sees its preview; a
company sees its computed MIIT level used on its eligibility page. Screenshots in tests/artifacts/
(rules_preview_worked_example.png, eligibility_computed_miit_level.png)."""

from __future__ import annotations

from browser_support import screenshot
from fixture_types import OpenPage
from flask import Flask
from tests_support import PASSWORD, Factory

from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Role
from tests.portal.admin.test_rules_doc import EXAMPLE, demo_with_miit_levels, submit_miit


def test_worked_example_preview_in_browser(new_page: OpenPage, live_server: str, app: Flask) -> None:
    demo_with_miit_levels()
    page = new_page(1366, 900)
    page.goto(live_server + "/login")
    page.fill("#email", "admin@demo.dx")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/admin/")
    page.goto(live_server + "/admin/rules")
    page.set_input_files("input[type=file]", str(EXAMPLE))
    page.click("button:has-text('校验并预览')")
    page.wait_for_selector("#preview-cities")
    text = page.locator("main").inner_text()
    assert "发布前预览" in text and "揭阳市" in text
    assert "gd_sme_dt_pilot_digital_level" not in text  # programmes are named in words
    # the shipped rule already applies what the example encodes: the preview says so in words
    # (tests/portal/admin/test_rules_doc.py checks the list against an independent evaluation)
    assert "结果改变的企业（0 家）" in text and "没有企业的结果发生变化。" in text
    screenshot(page, "rules_preview_worked_example")
    page.fill("#valid_from", "2026-12-06")
    page.click("form[action$='/publish'] button")
    page.wait_for_selector("text=已发布第 1 版")


def test_eligibility_page_uses_the_computed_miit_level(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    user = make.user(Role.ENTERPRISE, email="miit@test.dx")
    submit_miit(user.company, 2)
    db.session.commit()
    page = new_page(1366, 900)
    page.goto(live_server + "/login")
    page.fill("#email", "miit@test.dx")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/company/**")
    page.goto(live_server + "/company/eligibility")
    facts = page.locator("#computed-facts").inner_text()
    assert "中小企业数字化水平评测等级" in facts and "二级" in facts and "来自 2026-11-30 提交的评测" in facts
    assert "用于政策匹配" in facts
    assert "miit_digital_level" not in page.content()
    page.locator("#computed-facts").scroll_into_view_if_needed()
    screenshot(page, "eligibility_computed_miit_level")
