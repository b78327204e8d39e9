"""Helpers for browser tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests_support import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD, lands: str = "") -> None:
    """Sign in through the login form and wait until the browser has left it (for `lands`, if given)."""
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login" not in url)
    assert lands in page.url, f"{email} landed on {page.url}"


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def watch(page: Page) -> tuple[list[str], list[dict[str, str]]]:
    """Script errors of the page, and the plotly.js responses (their encoding and size)."""
    errors: list[str] = []
    bundles: list[dict[str, str]] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on(
        "response",
        lambda r: bundles.append(r.headers) if "/vendor/plotly.min.js" in r.url and r.status == 200 else None,
    )
    return errors, bundles


def shown(page: Page, chart: str) -> None:
    """Scroll to a chart and wait until plotly.js drew it (charts are drawn when they come into view, the
    result page's radar when the pointer reaches it)."""
    page.locator(f"#{chart}").scroll_into_view_if_needed()
    page.hover(f"#{chart}")  # a chart with a server-drawn preview becomes interactive when reached for
    page.wait_for_selector(f"#{chart} .main-svg")


def drawn(page: Page, chart: str) -> dict[str, Any]:
    shown(page, chart)
    return dict(
        page.evaluate(
            """(id) => ({
              traces: Object.keys(Plotly.PlotSchema.get().traces).sort(),
              locale: document.getElementById(id)._context.locale,
            })""",
            chart,
        )
    )
