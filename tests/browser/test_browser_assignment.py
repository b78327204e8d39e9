"""An administrator assigns a module to a colleague in a real browser; the colleague sees the count in the
top bar and the task, opens it and completes the module. Demo accounts (qiye@ and yuangong@demo.dx);
screenshots at 1366 and 390 px in both languages in tests/artifacts/assign_*.png and tasks_*.png."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from browser_support import screenshot, sign_in
from fixture_types import OpenPage

from portal import demo
from portal.assessments import services
from portal.extensions import db
from portal.models import User

if TYPE_CHECKING:
    from playwright.sync_api import Page

WIDTHS = (1366, 390)
LANGS = ("zh_CN", "en")


def _fits(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: {overflow}px wider than the screen"


def _shots(page: Page, url: str, name: str) -> None:
    """The page at both widths in both languages: nothing wider than the screen; a screenshot of each."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for lang in LANGS:
            page.goto(f"{url}?lang={lang}")
            _fits(page, f"{name} {lang} {width}px")
            screenshot(page, f"{name}_{lang}_{width}")


def test_assignee_sees_the_notice_and_the_task_and_completes_the_module(
    new_page: OpenPage, live_server: str
) -> None:
    demo.seed(n_companies=2)
    admin = db.session.scalars(sa.select(User).where(User.email == "qiye@demo.dx")).one()
    assessment = services.start(admin.company, "miit-sme-digital", admin)
    overview = f"{live_server}/company/assessments/{assessment.id}"
    due = services.china_today() + timedelta(days=10)

    page = new_page(width=390)  # the administrator assigns on a phone, without the page's scripts' help
    sign_in(page, live_server, "qiye@demo.dx", demo.DEMO_PASSWORD, lands="/company/")
    page.goto(overview)
    _fits(page, "picker 390px")
    page.select_option("#assignee-effect", label="林晓燕")
    page.fill("#due-effect", due.isoformat())
    page.click("button:has-text('保存分工')")
    assert "分工已保存（1 个模块有变化）" in page.inner_text(".flashes")
    _shots(page, overview, "assign")

    member = new_page(width=1366)
    sign_in(member, live_server, "yuangong@demo.dx", demo.DEMO_PASSWORD, lands="/company/")
    assert member.inner_text("#notifications-link .count") == "1"
    member.click("nav >> text=我的任务")
    row = member.inner_text("#tasks li")
    assert "数字化成效" in row and "T0 · 中小企业数字化水平评测指标（2024年版）" in row
    assert due.isoformat() in row and "0 / 4" in row
    _shots(member, f"{live_server}/company/tasks", "tasks")
    _shots(member, f"{live_server}/notifications/", "notifications")

    member.goto(f"{live_server}/notifications/?lang=zh_CN")
    assert "陈志强 把“数字化成效”" in member.inner_text(".notice-list")
    member.click(".notice-list button:has-text('打开')")
    member.wait_for_url(f"**/company/assessments/{assessment.id}/modules/effect")
    items = member.locator("fieldset[data-item]")
    for index in range(items.count()):
        item = items.nth(index)
        item.locator("input[type=radio]").first.check()
        item.locator(".q-status.saved").wait_for()

    member.goto(f"{live_server}/company/tasks?lang=zh_CN")
    row = member.inner_text("#tasks li")
    assert "4 / 4" in row and "已完成" in row
    assert member.locator("#notifications-link .count").count() == 0  # opened: read
    screenshot(member, "tasks_done_zh_CN_1366")
