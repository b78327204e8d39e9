"""Autosave in a real browser: reload keeps answers, two colleagues at once, conflicts, phone view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from browser_support import screenshot, sign_in
from fixture_types import OpenPage
from tests_support import Factory

from portal.assessments import services
from portal.extensions import db
from portal.models import Answer, Role
from questionnaires import answer_value

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

MIIT = "miit-sme-digital"


def _item(page: Page, item_id: str) -> Locator:
    return page.locator(f'fieldset[data-item="{item_id}"]')


def _wait_saved(page: Page, item_id: str) -> None:
    _item(page, item_id).locator(".q-status.saved").wait_for()


def _stored() -> dict[str, Any]:
    db.session.expire_all()
    return {a.item_id: answer_value(a.value) for a in db.session.scalars(sa.select(Answer))}


def test_autosave_reload_concurrency_and_conflict(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    admin = make.user(Role.ENTERPRISE, name="陈志强")
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False, name="林晓燕")
    assessment = services.start(admin.company, MIIT, admin)
    url = f"{live_server}/company/assessments/{assessment.id}/modules/base"

    page = new_page()
    sign_in(page, live_server, admin.email, lands="/company/")
    page.goto(url)
    _item(page, "base.info_systems.coverage").locator("input[value='C']").check()
    _wait_saved(page, "base.info_systems.coverage")
    _item(page, "base.equipment.network").locator("input[value='B']").check()
    _item(page, "base.equipment.network").locator("input[value='D']").check()
    _wait_saved(page, "base.equipment.network")
    assert "已保存" in page.locator("#savebar").inner_text()

    page.reload()
    assert _item(page, "base.info_systems.coverage").locator("input[value='C']").is_checked()
    assert _item(page, "base.equipment.network").locator("input[value='D']").is_checked()
    screenshot(page, "questionnaire_desktop")

    # a colleague, in another browser, edits a different item at the same time
    other = new_page()
    sign_in(other, live_server, colleague.email, lands="/company/")
    other.goto(url)
    _item(other, "base.security.network").locator("input[value='B']").check()
    _item(page, "base.security.data").locator("input[value='C']").check()
    _wait_saved(other, "base.security.network")
    _wait_saved(page, "base.security.data")
    stored = _stored()
    assert stored["base.security.network"] == ["B"] and stored["base.security.data"] == ["C"]

    # both now change the same item; the later writer is shown the other value instead of overwriting it
    _item(other, "base.equipment.connectivity").locator("input[value='B']").check()
    _wait_saved(other, "base.equipment.connectivity")
    _item(page, "base.equipment.connectivity").locator("input[value='E']").check()
    conflict = _item(page, "base.equipment.connectivity").locator(".q-conflict")
    conflict.wait_for(state="visible")
    assert "林晓燕" in conflict.inner_text()
    assert _stored()["base.equipment.connectivity"] == "B"
    screenshot(page, "questionnaire_conflict")
    conflict.locator("button:has-text('采用对方的答案')").click()
    assert _item(page, "base.equipment.connectivity").locator("input[value='B']").is_checked()

    phone = new_page(390, 844)
    sign_in(phone, live_server, admin.email, lands="/company/")
    phone.goto(url)
    assert _item(phone, "base.info_systems.coverage").locator("input[value='C']").is_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "questionnaire_phone")


def test_offline_changes_are_kept_and_sent_later(new_page: OpenPage, live_server: str, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    assessment = services.start(admin.company, MIIT, admin)
    url = f"{live_server}/company/assessments/{assessment.id}/modules/base"
    page = new_page()
    sign_in(page, live_server, admin.email, lands="/company/")
    page.goto(url)
    page.context.set_offline(True)
    _item(page, "base.info_systems.coverage").locator("input[value='D']").check()
    page.locator("#savebar.offline").wait_for()
    assert "base.info_systems.coverage" not in _stored()
    page.context.set_offline(False)
    _wait_saved(page, "base.info_systems.coverage")
    assert _stored()["base.info_systems.coverage"] == "D"
