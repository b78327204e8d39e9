"""The result page compares a round with the company's previous submitted round of the same questionnaire
(issue 20): the changes are the differences of the two stored results, a first round says there is nothing
to compare yet, rounds on different questionnaire versions say so, and the history chart has one point per
round. Page, PDF context and API read the same comparison from the one result view."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from typing import Any

import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory, answer_everything

from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, Role, User
from portal.reports.context import build_report_context
from portal.results.format import num
from portal.results.plain import to_plain
from portal.results.view import build_result_view


def _round(user: User, choice: int, days_ago: int, instrument: str = "gd-mfg-dt") -> Assessment:
    """A submitted round, submitted `days_ago` days ago (rounds are a year apart)."""
    assert user.company is not None
    assessment = assessments.start(user.company, instrument, user)
    answer_everything(assessment, user, choice)
    assessments.submit(assessment, user, attested=True)
    assert assessment.submitted_at is not None
    assessment.submitted_at -= timedelta(days=days_ago)
    db.session.commit()
    return assessment


def _stored(assessment: Assessment) -> dict[str, Any]:
    result: dict[str, Any] = db.session.scalars(
        sa.select(AssessmentResult.result)
        .where(AssessmentResult.assessment_id == assessment.id)
        .order_by(AssessmentResult.id.desc())
        .limit(1)
    ).one()
    return result


def _page(client: FlaskClient, assessment: Assessment) -> str:
    answer = client.get(f"/company/assessments/{assessment.id}/result")
    assert answer.status_code == 200
    return unescape(answer.get_data(as_text=True))


def _difference(now: Any, then: Any) -> float:
    """The difference of two stored figures, to the hundredth."""
    exact = Decimal(str(now)) - Decimal(str(then))
    return float(exact.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _chart(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" data-chart="history">(.*?)</script>', page, re.S)
    assert found, "no history chart on the page"
    chart: dict[str, Any] = json.loads(found[1])
    return chart


def test_the_changes_are_the_differences_of_the_two_stored_results(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    t0 = _round(user, choice=0, days_ago=365)
    t1 = _round(user, choice=3, days_ago=0)
    then, now = _stored(t0), _stored(t1)
    view = build_result_view(t1, "zh")
    cmp = view.comparison
    assert cmp is not None and cmp.round == "T0" and cmp.same_version and cmp.note is None

    overall = _difference(now["overall"]["score"], then["overall"]["score"])
    assert cmp.overall_delta == overall > 0
    then_modules = {m["module_id"]: m for m in then["modules"] if m["visible_items"]}
    rows = {row.title: row for row in cmp.rows if not row.strong}
    for module in now["modules"]:
        if not module["visible_items"] or module["score"] is None:
            continue
        row = rows[module["title_zh"]]
        before = then_modules[module["module_id"]]
        assert row.delta == _difference(module["score"], before["score"])
        assert row.level_delta == module["level"] - before["level"]

    # levels gained: the overall level first, then each dimension whose level moved
    gained = now["overall"]["level"] - then["overall"]["level"]
    assert gained > 0 and cmp.levels[0].what == "综合等级" and cmp.levels[0].change == gained
    moved = sum(
        1
        for m in now["modules"]
        if m["module_id"] in then_modules and m["level"] != then_modules[m["module_id"]]["level"]
    )
    assert len(cmp.levels) == 1 + moved
    assert cmp.levels_gained == sum(change.change for change in cmp.levels)

    # the T0 roadmap's actions that the T1 answers carry out
    planned = [a for h in then["roadmap"]["horizons"].values() for a in h]
    assert planned and cmp.planned == len(planned) and 0 < len(cmp.done) <= len(planned)

    # the page, the PDF and the API state these same figures
    client = login_as(user)
    page = _page(client, t1)
    assert "与上一轮评估对比" in page and f"+{overall}" in page and "上一轮路线图中已完成的措施" in page
    assert cmp.done[0].title in page
    api = client.get(f"/api/v1/assessments/{t1.id}/result?lang=zh").get_json()
    assert api["view"]["comparison"] == to_plain(cmp)
    assert build_report_context(t1, "zh").view.comparison == cmp


def test_a_first_round_shows_no_comparison_and_says_so(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    t0 = _round(user, choice=2, days_ago=0)
    view = build_result_view(t0, "zh")
    assert view.comparison is None and len(view.history.points) == 1
    client = login_as(user)
    page = _page(client, t0)
    assert "这是贵企业这份问卷的第一轮评估，暂无可对比的上一轮" in page
    assert 'data-chart="history"' not in page and "各维度得分对比" not in page
    client.post("/lang/en")
    english = _page(client, t0)
    assert "first round of this questionnaire: there is no previous round to compare with" in english
    context = build_report_context(t0, "zh")
    assert "comparison" not in {s.key for s in context.sections}


def test_the_history_chart_has_one_point_per_round(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    rounds = [_round(user, choice, days_ago) for choice, days_ago in ((0, 730), (1, 365), (3, 0))]
    chart = _chart(_page(login_as(user), rounds[-1]))
    (trace,) = chart["data"]
    assert trace["type"] == "scatter"  # a trace type the partial plotly.js bundle ships
    assert [x.split("<br>")[0] for x in trace["x"]] == ["T0", "T1", "T2"]
    assert trace["y"] == [float(_stored(r)["overall"]["score"]) for r in rounds]
    # on the middle round's page the history still shows every round, the comparison the one before it
    view = build_result_view(rounds[1], "en")
    assert [p.current for p in view.history.points] == [False, True, False]
    assert view.comparison is not None and view.comparison.round == "T0"


def test_rounds_on_different_questionnaire_versions_say_so(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    t0 = _round(user, choice=1, days_ago=365)
    t1 = _round(user, choice=2, days_ago=0)
    t0.instrument_version = "2025.1"  # T0 was answered on the earlier version
    db.session.commit()
    cmp = build_result_view(t1, "zh").comparison
    assert cmp is not None and not cmp.same_version and cmp.version == "2025.1"
    assert (
        cmp.note is not None and f"上一轮使用问卷 2025.1 版，本轮使用 {t1.instrument_version} 版" in cmp.note
    )
    client = login_as(user)
    client.post("/lang/en")
    page = _page(client, t1)
    assert (
        f"answered on version 2025.1 of the questionnaire, this round on version {t1.instrument_version}"
        in page
    )


def test_miit_rounds_compare_their_points_and_levels(make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    t0 = _round(user, choice=0, days_ago=365, instrument="miit-sme-digital")
    t1 = _round(user, choice=3, days_ago=0, instrument="miit-sme-digital")
    then, now = _stored(t0)["miit"], _stored(t1)["miit"]
    view = build_result_view(t1, "zh")
    cmp = view.comparison
    assert cmp is not None
    assert cmp.miit_delta == _difference(now["points"]["total"], then["points"]["total"]) > 0
    assert now["level"] > then["level"]
    (miit,) = [change for change in cmp.levels if change.what == "工信部数字化水平等级（测算）"]
    assert miit.change == now["level"] - then["level"]
    assert (miit.then, miit.now) == (then["level_name_zh"], now["level_name_zh"])
    assert view.history.metric == "工信部评测总分"
    # each round's points as its own result page shows them
    shown = [num(Decimal(str(x["points"]["total"]))) for x in (then, now)]
    assert [p.score for p in view.history.points] == shown


def test_a_draft_compares_nothing_yet(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    _round(user, choice=1, days_ago=365)
    assert user.company is not None
    draft = assessments.start(user.company, "gd-mfg-dt", user)
    answer_everything(draft, user, 2)
    view = build_result_view(draft, "zh")
    assert view.comparison is None and view.history.current is None and len(view.history.points) == 1
    assert "评估提交后，这里将显示与上一轮的对比。" in _page(login_as(user), draft)
