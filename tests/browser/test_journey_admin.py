"""The administrator's journey in a real browser: uploads the worked example rule file of docs/rules.md on
/admin/rules, reads the preview of its effect, publishes it from a date, and finds it in force."""

from __future__ import annotations

from browser_support import sign_in
from fixture_types import OpenPage
from flask import Flask
from journey_support import DESKTOP, Steps

from portal.demo import DEMO_PASSWORD, seed
from portal.providers.consent import local_today
from tests.portal.admin.test_rules_doc import EXAMPLE


def test_the_administrator_publishes_a_rule_file(new_page: OpenPage, live_server: str, app: Flask) -> None:
    seed(n_companies=8)
    steps = Steps("admin")
    page = new_page(*DESKTOP)
    sign_in(page, live_server, "admin@demo.dx", DEMO_PASSWORD)
    page.wait_for_url("**/admin/")
    steps.shot(page, "home")
    page.goto(live_server + "/admin/rules")
    page.set_input_files("input[type=file]", str(EXAMPLE))
    steps.shot(page, "upload")
    page.click("button:has-text('校验并预览')")
    page.wait_for_selector("#preview-cities")
    assert "发布前预览" in page.locator("main").inner_text()
    steps.shot(page, "preview")
    page.fill("#valid_from", local_today().isoformat())
    page.click("form[action$='/publish'] button")
    page.wait_for_selector("text=已发布第 1 版")
    steps.shot(page, "published")
    page.goto(live_server + "/admin/rules")
    in_force = page.locator("main").inner_text()
    assert "第 1 版" in in_force
    steps.shot(page, "in_force")
