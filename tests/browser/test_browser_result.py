"""The result page in a real browser, as a company reads it: desktop and phone widths, Chinese and English.
The chart draws, nothing is wider than the screen, and the page states the levels in the chosen language."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import screenshot, shown, sign_in
from fixture_types import OpenPage
from tests_support import Factory, submitted

if TYPE_CHECKING:
    pass

WIDTHS = (1366, 390)


@pytest.mark.parametrize("width", WIDTHS)
def test_result_page_reads_well_in_both_languages(
    new_page: OpenPage, live_server: str, make: Factory, width: int
) -> None:
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(width=width, height=900)
    sign_in(page, live_server, user.email)
    for lang, heading, level in (
        ("zh_CN", "各维度等级与提升要点", "级"),
        ("en", "Dimension levels", "Level"),
    ):
        page.goto(f"{live_server}/company/assessments/{assessment.id}/result?lang={lang}")
        shown(page, "radar")  # plotly drew the radar
        body = page.inner_text("body")
        assert heading in body and level in body
        # every axis label of the radar inside its card (on a phone they once ran off the screen's edges)
        outside = page.evaluate(
            """() => {
              const card = document.getElementById('radar').getBoundingClientRect();
              const labels = [...document.querySelectorAll('#radar .angularaxistick text')];
              return [labels.length, labels.map(t => t.getBoundingClientRect())
                .filter(r => r.left < card.left - 1 || r.right > card.right + 1).length];
            }"""
        )
        assert outside[0] and not outside[1], f"{outside[1]} of {outside[0]} radar labels cut at {width}px"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px wider than a {width}px screen"
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        screenshot(page, f"result_{lang}_{width}")


def test_on_a_phone_the_result_reads_as_a_list_of_sections(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    """At 390 px the page is the scores and a table of contents; each section opens from its heading or from
    its entry in the contents (it was ~12,000 px tall with everything below the scores laid out)."""
    assessment, user = submitted(make, choice=1, cluster="c05")
    page = new_page(width=390, height=844)
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/company/assessments/{assessment.id}/result")
    page.wait_for_selector("#radar svg")  # the server-drawn radar: the page is laid out
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, f"the result page is {height}px tall at 390px with its sections closed"
    roadmap = page.locator("details#roadmap")
    assert roadmap.get_attribute("open") is None
    page.click(".toc a[href='#roadmap']")
    assert roadmap.get_attribute("open") == ""  # the contents entry opened what it points at
    assert page.locator("#roadmap .section-body").is_visible()
    page.click("details#programmes > summary")
    assert page.locator("#programmes .section-body").is_visible()
    page.click("[data-sections-toggle]")
    closed = page.evaluate("[...document.querySelectorAll('details.section')].filter(d => !d.open).length")
    assert closed == 0
    screenshot(page, "result_sections_390")
