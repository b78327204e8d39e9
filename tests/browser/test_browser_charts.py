"""The chart pages with the partial plotly.js bundle (static/vendor/plotly-dx.min.js): the result page's
radar draws in Chinese and English without a script error, with the bundle's trace types and locale, and
the bundle arrives compressed. The bureau dashboard's charts: tests/browser/test_browser_bureau.py."""

from __future__ import annotations

from typing import Any

from browser_support import drawn, watch
from fixture_types import OpenPage
from tests_support import PASSWORD, Factory, submitted


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def test_result_radar_with_the_partial_bundle(new_page: OpenPage, live_server: str, make: Factory) -> None:
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(1280, 900)
    errors, bundles = watch(page)
    _sign_in(page, live_server, user.email)
    for lang, locale in (("zh_CN", "zh-CN"), ("en", "en")):
        page.goto(f"{live_server}/company/assessments/{assessment.id}/result?lang={lang}")
        chart = drawn(page, "radar")
        assert chart == {"traces": ["bar", "scatter", "scatterpolar"], "locale": locale}
        assert page.locator("#radar .angularaxistick text").count() > 3
    assert bundles and bundles[0].get("content-encoding") == "br"
    assert not errors, errors


def test_plotly_is_fetched_when_a_chart_comes_into_view(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    """On a phone the page is painted and usable before plotly.js (large) is fetched: the radar, below the
    first screen, has its height from the start (nothing moves when it is drawn), drawn once scrolled to."""
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(390, 600)
    errors, bundles = watch(page)
    _sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/company/assessments/{assessment.id}/result")
    page.wait_for_load_state("load")
    radar = page.locator("#radar")
    assert radar.bounding_box()["y"] > 600  # type: ignore[index]
    height = radar.bounding_box()["height"]  # type: ignore[index]
    assert height >= 300
    assert not bundles and page.locator("#radar .main-svg").count() == 0
    drawn(page, "radar")
    assert bundles
    assert abs(radar.bounding_box()["height"] - height) < 1  # type: ignore[index]
    assert not errors, errors
