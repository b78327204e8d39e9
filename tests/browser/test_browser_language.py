"""The pages of the language change, in a real browser, in Chinese and English, on desktop and phone.

The screenshots (tests/artifacts/lang_*.png) are for looking at; the assertions check what a user relies
on: the autosave error is in the page's language (the server's ``message``, not a choice made in
JavaScript) and the English pages' headings are English.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from browser_support import screenshot, sign_in
from fixture_types import OpenPage
from tests_support import Factory, submitted

from portal.assessments import services
from portal.extensions import db
from portal.models import Role, User

if TYPE_CHECKING:
    from playwright.sync_api import Page

CJK = re.compile(r"[\u3400-\u9fff]")
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _as(new_page: OpenPage, base: str, user: User, lang: str, size: str) -> Page:
    user.locale = "en" if lang == "en" else "zh_CN"
    db.session.commit()
    page = new_page(*SIZES[size])
    sign_in(page, base, user.email)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_enterprise_pages_and_autosave_error_follow_the_language(
    new_page: OpenPage, live_server: str, make: Factory, lang: str, size: str
) -> None:
    _done, user = submitted(make)
    draft = services.start(user.company, "gd-mfg-dt", user)
    page = _as(new_page, live_server, user, lang, size)

    page.goto(f"{live_server}/company/assessments/{draft.id}/modules/cloud")
    field = page.locator('fieldset[data-item="cloud.spend"] input[type=number]').first
    with page.expect_response(lambda r: "/api/" in r.url and r.request.method != "GET") as refused:
        field.fill("1000001")  # above the item's declared maximum: refused by the server, per item
        field.blur()
    error = refused.value.json()["errors"][0]
    status = page.locator('fieldset[data-item="cloud.spend"] .q-status.failed')
    status.wait_for()
    # The script shows the server's words: `message` (in the request's language) where the server sends
    # it, else the default language's; it never picks message_en itself.
    assert status.inner_text() == error.get("message", error["message_zh"])
    if "message" in error:
        assert bool(CJK.search(error["message"])) is (lang == "zh"), error
    screenshot(page, f"lang_module_{lang}_{size}")

    for name, path in (
        ("dashboard", "/company/"),
        ("eligibility", "/company/eligibility"),
        ("conditions", "/company/eligibility/conditions/edit"),
        ("sharing", "/company/sharing/"),
    ):
        page.goto(live_server + path)
        heading = page.locator("h1").first.inner_text()
        assert bool(CJK.search(heading)) is (lang == "zh") or user.company.name in heading, heading
        screenshot(page, f"lang_{name}_{lang}_{size}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_provider_and_admin_pages_follow_the_language(
    new_page: OpenPage, live_server: str, make: Factory, lang: str
) -> None:
    provider = make.user(Role.PROVIDER)
    admin = make.user(Role.ADMIN)
    for size in SIZES:
        page = _as(new_page, live_server, provider, lang, size)
        page.goto(live_server + "/provider/")
        screenshot(page, f"lang_provider_{lang}_{size}")
        page = _as(new_page, live_server, admin, lang, size)
        for name, path in (("audit", "/admin/audit"), ("rules", "/admin/rules")):
            page.goto(live_server + path)
            heading = page.locator("h1").first.inner_text()
            assert bool(CJK.search(heading)) is (lang == "zh"), heading
            screenshot(page, f"lang_admin_{name}_{lang}_{size}")
