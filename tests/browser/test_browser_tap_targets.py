"""Header controls are big enough to tap: at least 24×24 px (WCAG 2.2 target size) on desktop and phone,
and the page loads with no Content-Security-Policy complaint (templates carry no inline styles)."""

from __future__ import annotations

import pytest
from browser_support import watch
from fixture_types import OpenPage
from tests_support import PASSWORD, Factory

from portal.models import Role

HEADER_CONTROLS = ".lang-switch button, .usermenu a, .usermenu button, .nav a"


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_header_controls_are_at_least_24_px(
    new_page: OpenPage, live_server: str, make: Factory, size: tuple[int, int]
) -> None:
    user = make.user(Role.ENTERPRISE)
    page = new_page(*size)
    errors, _ = watch(page)
    page.goto(live_server + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    boxes = page.eval_on_selector_all(
        HEADER_CONTROLS,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
             const r = e.getBoundingClientRect();
             return [e.textContent.trim(), Math.round(r.width), Math.round(r.height)];
           })""",
    )
    assert len(boxes) >= 5  # both language buttons, the sign-out button and the account links
    small = [box for box in boxes if box[1] < 24 or box[2] < 24]
    assert small == []
    assert errors == []
