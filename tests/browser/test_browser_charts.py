"""The chart pages with the partial plotly.js bundle (static/vendor/plotly-dx.min.js): the result page's
radar draws in Chinese and English without a script error, with the bundle's trace types and locale, and
the bundle arrives compressed. The bureau dashboard's charts: tests/browser/test_browser_bureau.py."""

from __future__ import annotations

from browser_support import drawn, sign_in, watch
from fixture_types import OpenPage
from tests_support import Factory, submitted


def test_result_radar_with_the_partial_bundle(new_page: OpenPage, live_server: str, make: Factory) -> None:
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(1280, 900)
    errors, bundles = watch(page)
    sign_in(page, live_server, user.email)
    for lang, locale in (("zh_CN", "zh-CN"), ("en", "en")):
        page.goto(f"{live_server}/company/assessments/{assessment.id}/result?lang={lang}")
        chart = drawn(page, "radar")
        assert chart == {"traces": ["bar", "scatter", "scatterpolar"], "locale": locale}
        assert page.locator("#radar .angularaxistick text").count() > 3
    assert bundles and bundles[0].get("content-encoding") == "br"
    assert not errors, errors


def test_the_radar_is_drawn_by_the_server_and_made_interactive_on_demand(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    """On a phone the result page shows its radar without any script (an SVG drawn by the server, named for
    screen readers, with every dimension); plotly.js (large) is fetched only when the person reaches for the
    chart, which then becomes the interactive one in the same place and height."""
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(390, 600)
    errors, bundles = watch(page)
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/company/assessments/{assessment.id}/result")
    page.wait_for_load_state("load")
    preview = page.locator("#radar svg.radar-preview")
    assert preview.get_attribute("role") == "img" and preview.get_attribute("aria-label") == "各维度得分"
    assert preview.locator("text").count() >= 5 and preview.locator("polygon.score").count() == 1
    radar = page.locator("#radar")
    radar.scroll_into_view_if_needed()
    height = radar.bounding_box()["height"]  # type: ignore[index]
    assert not bundles and page.locator("#radar .main-svg").count() == 0
    drawn(page, "radar")
    assert bundles and page.locator("#radar svg.radar-preview").count() == 0
    assert abs(radar.bounding_box()["height"] - height) < 1  # type: ignore[index]
    assert not errors, errors
