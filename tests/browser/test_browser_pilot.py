"""The pilot-city target and the assessor review in a real browser, on the demo data: jieyang@demo.dx sees
the 揭阳 target page (screenshots at 1366 and 390 px, Chinese and English, tests/artifacts/pilot_*.png), and
the demo assessor reviews one assessment item by item and signs it off."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa
from browser_support import screenshot
from fixture_types import OpenPage
from tests_support import Factory

from portal import demo
from portal.bureau import demo as bureau_demo
from portal.extensions import db
from portal.models import Assessment, Company
from portal.review import demo as review_demo
from portal.review.models import AssessmentReview

if TYPE_CHECKING:
    from playwright.sync_api import Page

DEMO_PASSWORD = "Demo-2026"
CJK = re.compile(r"[\u3400-\u9fff]")


def _sign_in(page: Page, base: str, email: str, lands: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button:has-text('登录')")
    page.wait_for_url(f"**{lands}")


def _seed() -> None:
    demo.seed()
    bureau_demo.seed()
    review_demo.seed()


def test_pilot_target_page_and_a_review_signed_off(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    _seed()
    for width, height in ((1366, 900), (390, 844)):
        page = new_page(width, height)
        _sign_in(page, live_server, "jieyang@demo.dx", "/bureau/")
        page.goto(live_server + "/bureau/pilot/")
        confirmed = page.locator("#confirmed-count").inner_text()
        assert confirmed.isdigit() and int(confirmed) >= 5, confirmed  # the demo's confirmed upgrades
        assert "200" in page.locator("#pilot-headline").inner_text()
        assert "梅州" not in page.locator("main").inner_text()
        screenshot(page, f"pilot_target_zh_{width}")
        page.goto(live_server + "/bureau/pilot/?lang=en")
        main = page.locator("main")
        headings = [*main.locator("h1, h2, th[scope=col], thead th, .kpi .k").all_inner_texts()]
        assert headings and not [t for t in headings if CJK.search(t) and "《" not in t], headings
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        screenshot(page, f"pilot_target_en_{width}")

    page = new_page(1366, 900)
    _sign_in(page, live_server, "fuwushang@demo.dx", "/provider/")
    page.goto(live_server + "/provider/reviews/")
    page.locator("#review-queue tr:has-text('未核查') a").first.click()
    page.wait_for_selector("#review-form")
    for radio in page.locator("input[data-decision=confirm]").all():
        radio.check()
    first_single = page.locator("fieldset.q:has(select) ").first
    first_single.locator("input[data-decision=adjust]").check()
    select = first_single.locator("select")
    values = select.locator("option").evaluate_all("(os) => os.map(o => o.value)")
    current = select.input_value()
    select.select_option(next(v for v in values if v != current))
    first_single.locator("textarea").fill("现场核查：与佐证材料不符，按实际情况调整。")
    screenshot(page, "review_assessor_form")
    page.click("#sign-off")
    page.wait_for_selector("#signed-off")
    assert "已签字确认" in page.locator("#signed-off").inner_text()
    screenshot(page, "review_assessor_signed_off")

    # the demo company reads its confirmed level and the assessor's adjustment with the reason
    reviewed = db.session.scalar(
        sa.select(Assessment.id)
        .join(Company, Company.id == Assessment.company_id)
        .join(AssessmentReview, AssessmentReview.assessment_id == Assessment.id)
        .where(Company.name == demo.DEMO_COMPANY_NAME)
    )
    company = new_page(1366, 900)
    _sign_in(company, live_server, "qiye@demo.dx", "/company/")
    company.goto(f"{live_server}/company/assessments/{reviewed}/result")
    verified = company.locator("#verified")
    assert company.locator("#confirmed-level").inner_text().strip()
    assert "现场查看相关系统" in verified.locator("#adjustments").inner_text()
    verified.scroll_into_view_if_needed()
    company.screenshot(path=str(screenshot(company, "review_company_result")), clip=verified.bounding_box())
