"""A colleague's journey in a real browser: the company administrator (qiye@demo.dx) starts an assessment and
assigns one module to a colleague (yuangong@demo.dx); the colleague finds it on the workspace under
"分配给我的模块", answers every question of it through the form, and the administrator sees it complete."""

from __future__ import annotations

from browser_support import sign_in
from fixture_types import OpenPage
from flask import Flask
from journey_support import DESKTOP, Steps, answer_module

from portal.demo import DEMO_PASSWORD, seed

COLLEAGUE = "林晓燕"


def test_a_colleague_completes_an_assigned_module(new_page: OpenPage, live_server: str, app: Flask) -> None:
    seed(n_companies=4)
    steps = Steps("colleague")

    admin = new_page(*DESKTOP)
    sign_in(admin, live_server, "qiye@demo.dx", DEMO_PASSWORD)
    admin.goto(live_server + "/company/assessments/")
    admin.locator(".feature", has_text="广东制造业数字化转型成熟度评估").locator("button").first.click()
    admin.wait_for_url("**/company/assessments/*")
    module = admin.locator("tbody tr").first.locator("td a").first.inner_text()
    picker = admin.locator("fieldset.assign-row", has_text=module).first
    picker.locator("select").select_option(label=COLLEAGUE)
    admin.click("button:has-text('保存分工')")
    admin.wait_for_load_state()
    assert COLLEAGUE in admin.locator("tbody tr").first.inner_text()
    steps.shot(admin, "admin_assigns")

    colleague = new_page(*DESKTOP)
    sign_in(colleague, live_server, "yuangong@demo.dx", DEMO_PASSWORD)
    colleague.wait_for_url("**/company/")
    mine = colleague.locator("h3:has-text('分配给我的模块') + ul")
    assert module in mine.inner_text()
    steps.shot(colleague, "colleague_workspace")
    mine.locator("a", has_text=module).click()
    colleague.wait_for_url("**/modules/*")
    assert answer_module(colleague) > 0
    steps.shot(colleague, "colleague_module")
    colleague.goto(live_server + "/company/")
    done = colleague.locator("h3:has-text('分配给我的模块') + ul li", has_text=module).inner_text()
    answered, total = done.split()[-3], done.split()[-1]
    assert answered == total, f"the assigned module reads {done}"
    steps.shot(colleague, "colleague_done")

    admin.reload()
    shown = admin.locator("tbody tr").first.locator("progress + span").inner_text()
    answered, total = (part.strip() for part in shown.split("/"))
    assert answered == total, f"the administrator reads {shown} for the colleague's module"
    steps.shot(admin, "admin_sees_progress")
