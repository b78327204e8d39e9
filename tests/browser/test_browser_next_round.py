"""The yearly round in a real browser (issue 20): a company with a submitted T0 starts T1 from it, edits only
the answers that changed, checks every answer on the review page, signs the 真实性承诺 and submits; the result
page then compares T1 with T0 and draws the history of both rounds. Screenshots of the comparison at 1366 and
390 px in Chinese and English go to tests/artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from browser_support import ARTIFACTS, screenshot, sign_in, watch
from fixture_types import OpenPage
from tests_support import Factory, submitted

import questionnaires
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentResult, AssessmentStatus

if TYPE_CHECKING:
    pass

WIDTHS = (1366, 390)
EDITED = 4  # answers changed since T0: the rest are carried over untouched


def _improvements(t0: Assessment) -> tuple[str, dict[str, str]]:
    """A module and a better answer to a few of its single-choice questions (the best option), chosen so
    that no follow-up question opens: the round stays complete with only these answers edited."""
    instrument = instrument_of(t0)
    answers = t0.answer_map()
    cluster = t0.company.cluster
    for module in instrument.modules:
        chosen: dict[str, str] = {}
        for item in module.items:
            if item.type != "single" or item.id not in answers or not item.scored:
                continue
            best = max(item.options, key=lambda o: o.points or 0)
            trial = {**answers, **chosen, item.id: best.id}
            if best.id != questionnaires.answer_value(
                answers[item.id]
            ) and not questionnaires.missing_required(instrument, trial, cluster):
                chosen[item.id] = best.id
            if len(chosen) == EDITED:
                return module.id, chosen
    raise AssertionError("no module with enough questions to improve")


def _stored_overall(assessment_id: int) -> float:
    db.session.expire_all()
    score = db.session.scalars(
        sa.select(AssessmentResult.overall_score)
        .where(AssessmentResult.assessment_id == assessment_id)
        .order_by(AssessmentResult.id.desc())
        .limit(1)
    ).one()
    return float(score)


def test_t1_from_t0_with_only_the_changes_then_the_comparison(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    t0, user = submitted(make, choice=1, cluster="c05")
    assert t0.submitted_at is not None
    t0.submitted_at -= timedelta(days=365)  # last year's round
    db.session.commit()
    module_id, changes = _improvements(t0)

    page = new_page(width=1366, height=900)
    errors, _bundles = watch(page)
    sign_in(page, live_server, user.email, lands="/company/")
    page.goto(f"{live_server}/company/assessments/")
    page.click("button:has-text('沿用上一轮（T0）开始新一轮')")
    page.wait_for_url(re.compile(r".*/company/assessments/\d+$"))
    t1_id = int(page.url.rsplit("/", 1)[1])
    assert t1_id != t0.id and "沿用上一轮的回答" in page.inner_text("body")

    # only the answers that changed since T0 are edited; autosave keeps each one
    page.goto(f"{live_server}/company/assessments/{t1_id}/modules/{module_id}")
    for item_id, option in changes.items():
        box = page.locator(f'fieldset[data-item="{item_id}"]')
        box.locator(f"input[value='{option}']").check()
        box.locator(".q-status.saved").wait_for()

    # the review page lists every answer by module, the edited ones with their new answer, before signing
    page.goto(f"{live_server}/company/assessments/{t1_id}/review")
    summary = page.locator("#answer-summary")
    instrument = instrument_of(t0)
    module = instrument.module(module_id)
    block = summary.locator("details.summary-module", has_text=module.title_zh)
    block.locator("summary").click()
    for item_id, option in changes.items():
        item = instrument.item(item_id)
        chosen = item.option(option)
        assert chosen is not None
        row = block.locator("dd", has=page.locator(f"a[href$='#item-{item_id.replace('.', '-')}']"))
        assert chosen.text_zh in row.inner_text()
    screenshot(page, "next_round_review_1366")
    page.check("#attest")
    page.click("button:has-text('提交评估')")
    page.wait_for_url(f"**/company/assessments/{t1_id}")
    assert "评估已提交" in page.inner_text("body")

    db.session.expire_all()
    t1 = db.session.get(Assessment, t1_id)
    assert t1 is not None and t1.status is AssessmentStatus.SUBMITTED and t1.carried_from_id == t0.id
    carried = {k: v for k, v in t0.answer_map().items() if k not in changes}
    assert {k: v for k, v in t1.answer_map().items() if k not in changes} == carried
    assert {k: questionnaires.answer_value(t1.answer_map()[k]) for k in changes} == changes
    delta = round(_stored_overall(t1_id) - _stored_overall(t0.id), 2)
    assert delta > 0

    # the result page compares T1 with T0, in both languages and at desktop and phone widths
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        view = page if width == 1366 else new_page(width=width, height=900)
        if view is not page:
            sign_in(view, live_server, user.email, lands="/company/")
        for lang, title, gained in (
            ("zh_CN", "与上一轮评估对比", "综合得分变化"),
            ("en", "Comparison with the previous round", "Change of the overall score"),
        ):
            view.goto(f"{live_server}/company/assessments/{t1_id}/result?lang={lang}")
            section = view.locator("#comparison")
            text = section.inner_text()
            assert title in text and gained in text and f"+{delta:g}" in text
            view.locator("#history").scroll_into_view_if_needed()  # charts are drawn when they are seen
            view.wait_for_selector("#history .main-svg")  # plotly drew the history
            points = view.evaluate("document.getElementById('history').data[0].x.length")
            assert points == 2  # one point per round: T0 and T1
            overflow = view.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{overflow}px wider than a {width}px screen"
            section.screenshot(path=str(ARTIFACTS / f"next_round_comparison_{lang}_{width}.png"))
    assert not errors, errors
