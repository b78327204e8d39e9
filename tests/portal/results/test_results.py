"""Results in the portal: stored at submission with the engine version, previews for drafts, peer
benchmark from other companies' submissions, targets steering the roadmap, JSON API, recompute."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, answer_everything, submitted

from portal.assessments import services as assessments
from portal.eligibility.services import program_labels
from portal.extensions import db
from portal.models import AssessmentResult, Role
from portal.reports.context import build_report_context
from portal.results import services as results
from scoring.maturity import ENGINE_VERSION
from scoring.maturity.roadmap import catalogue

GD = "gd-mfg-dt"


def test_submission_stores_result_with_engine_version(make: Factory) -> None:
    assessment, _ = submitted(make, cluster="c05")
    rows = db.session.scalars(sa.select(AssessmentResult)).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.engine_version == ENGINE_VERSION and row.result["engine_version"] == ENGINE_VERSION
    assert row.overall_level == row.result["overall"]["level"] and row.on_cloud is not None
    assert row.answers_hash == results.answers_hash(assessment.answer_map())


def test_draft_shows_live_preview_and_stores_nothing(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    assessment = assessments.start(user.company, GD, user)
    answer_everything(assessment, user, choice=1)
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "预览" in html and "升级路线图" in html and "上云上平台" in html
    assert db.session.scalar(sa.select(sa.func.count(AssessmentResult.id))) == 0


def test_benchmark_needs_five_peers_and_uses_other_companies(make: Factory) -> None:
    first, _ = submitted(make, cluster="c05")
    assert results.view_result(first)["benchmark"]["status"] == "insufficient_peers"
    for _i in range(5):
        submitted(make, choice=1, cluster="c05")
    bench = results.view_result(first)["benchmark"]
    assert bench["status"] == "ok" and bench["peers"] == 5
    assert bench["percentile"] == 100.0  # the first company answered more maturely than all five peers


def test_targets_steer_roadmap_and_keep_history(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make, choice=1, cluster="c05")
    client = login_as(user)
    response = client.post(f"/company/assessments/{assessment.id}/targets", data={"target-cloud": "5"})
    assert response.status_code == 302
    assert results.targets_of(user.company, GD) == {"cloud": 5}
    rows = db.session.scalars(sa.select(AssessmentResult).order_by(AssessmentResult.id)).all()
    assert len(rows) == 2  # the original row is kept
    assert rows[-1].result["roadmap"]["targets"]["cloud"] == 5
    actions = [a for h in rows[-1].result["roadmap"]["horizons"].values() for a in h]
    assert any(a["module_id"] == "cloud" and a["needed_for_target"] for a in actions)


def test_result_api_matches_page_data_and_is_private(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make, cluster="c05")
    body = login_as(user).get(f"/api/v1/assessments/{assessment.id}/result").get_json()
    stored = db.session.scalar(sa.select(AssessmentResult))
    assert body["overall"] == stored.result["overall"] and body["stored"]["engine_version"] == ENGINE_VERSION
    stranger = make.user(Role.ENTERPRISE)
    assert login_as(stranger).get(f"/api/v1/assessments/{assessment.id}/result").status_code == 404


def test_result_page_renders_for_both_instruments(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    for instrument_id, needle in ((GD, "各维度等级与提升要点"), ("miit-sme-digital", "经营场景等级")):
        assessment = assessments.start(user.company, instrument_id, user)
        answer_everything(assessment, user)
        assessments.submit(assessment, user, attested=True)
        page = client.get(f"/company/assessments/{assessment.id}/result")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and needle in html
        assert "/vendor/plotly.min.js?v=" in html  # charts load plotly.js locally, only on this page


def test_recompute_adds_rows_and_keeps_old_ones(app: Flask, make: Factory) -> None:
    submitted(make)
    submitted(make)
    before = db.session.scalar(sa.select(sa.func.count(AssessmentResult.id)))
    output = app.test_cli_runner().invoke(args=["scores", "recompute", "--batch-size", "1"])
    assert output.exit_code == 0 and "Done: 2 new result rows" in output.output
    assert db.session.scalar(sa.select(sa.func.count(AssessmentResult.id))) == before + 2


def test_yes_no_items_read_as_yes_and_no(login_as: LoginAs, make: Factory) -> None:
    """Where the result page and the report list an answer and the answer needed for the next level,
    a yes/no item reads 否 / 是, not Python's False or the engine's option id "true"."""
    user = make.user(Role.ENTERPRISE)
    assessment = assessments.start(user.company, GD, user)
    answer_everything(assessment, user, choice=1)  # every yes/no item answered "no"
    assessments.submit(assessment, user, attested=True)
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    # points available in their own column, as in the PDF
    assert re.search(r"<td[^>]*>否</td><td[^>]*>是</td>", html)
    assert not re.search(r"<td[^>]*>(False|true)</td>", html)
    rows = [
        row
        for dimension in build_report_context(assessment, "zh").view.dimensions
        for row in (dimension.next_level.rows if dimension.next_level else ())
    ]
    assert any(row.current == "否" and row.needed == "是" for row in rows)
    assert not any(row.needed in ("true", "false") for row in rows)


def test_roadmap_names_the_programs_an_action_helps_with(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    assessment = assessments.start(user.company, GD, user)
    answer_everything(assessment, user, choice=1)
    assessments.submit(assessment, user, attested=True)
    raw = results.view_result(assessment)["roadmap"]["horizons"]
    ids = {p["program_id"] for actions in raw.values() for a in actions for p in a.get("programs", [])}
    assert ids, "the demo answers should leave actions that help with a program"
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    report = build_report_context(assessment, "zh").view.roadmap
    assert report is not None
    shown = {name for h in report.horizons for a in h.actions for name in a.programmes}
    for program_id in ids:
        assert f">{program_id}" not in html and not any(name.startswith(program_id) for name in shown)
    assert any("专精特新" in name for name in shown) and "专精特新" in html


def test_every_programme_the_roadmap_catalogue_names_has_a_label(app: Flask) -> None:
    """The catalogue refers to eligibility programmes by id; an id the rules do not know would reach users
    as a bare id."""
    for lang in ("zh", "en"):
        labels = program_labels(lang)
        for action in catalogue():
            for ref in action.programs:
                key = ref.program_id + (f"/{ref.direction}" if ref.direction else "")
                assert key in labels, key


def test_stored_rows_read_back_into_the_engine_types(make: Factory) -> None:
    """Every stored result row, of both instruments, reads back (from_plain) into the result it was
    written from (to_plain): the result view works on typed results, not on dicts."""
    from scoring.maturity import from_plain, to_plain

    for choice in (0, 1, 3):
        submitted(make, choice=choice, cluster="c05")
        user = make.user(Role.ENTERPRISE)
        assessment = assessments.start(user.company, "miit-sme-digital", user)
        answer_everything(assessment, user, choice)
        assessments.submit(assessment, user, attested=True)
    rows = db.session.scalars(sa.select(AssessmentResult)).all()
    assert len(rows) == 6
    for row in rows:
        assert to_plain(from_plain(row.result)) == row.result


def test_result_page_gives_method_version_and_china_time_not_engine_ids(
    login_as: LoginAs, make: Factory
) -> None:
    from datetime import UTC, datetime

    assessment, user = submitted(make)
    stored = sa.select(AssessmentResult).where(AssessmentResult.assessment_id == assessment.id)
    row = db.session.scalars(stored).one()
    row.computed_at = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)  # 00:05 the next day in China
    db.session.commit()
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "计算于 2026-12-01 00:05（北京时间）" in html
    assert f"评分方法 {ENGINE_VERSION.rpartition('-')[2]} 版" in html
    assert ENGINE_VERSION not in html and "UTC" not in html


def test_a_question_hidden_by_an_earlier_answer_is_not_called_unanswered(make: Factory) -> None:
    from portal.instruments import instrument_of
    from portal.results.answers import AnswerText
    from portal.results.format import Picker
    from portal.results.view import _current

    assessment, _ = submitted(make)
    text = AnswerText(instrument_of(assessment), Picker("zh"))
    item = instrument_of(assessment).items[0].id
    assert _current(item, None, text, frozenset()) == "未显示：取决于前面的回答"
    assert _current(item, None, text, frozenset({item})) == "未作答"


def test_english_result_names_units_in_english(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make)
    user.locale = "en"
    db.session.commit()
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "10 machines" in html  # evidence: 生产设备总数 10 台
    assert " 台" not in html and "万元/年" not in html


def test_overall_level_rule_reads_as_a_sentence(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make)
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "总体等级 1–5 级分别要求加权总分不低于 0、20、40、60、80 分" in html
    assert "{0,20,40,60,80}" not in html


def test_the_platform_definition_shown_matches_the_instrument_version(app: Flask) -> None:
    # 2025.1 counts 上平台 only with integrated analysis; from 2025.2 dashboards count (the benchmark
    # rule's reading).
    from flask_babel import force_locale

    import questionnaires as q
    from portal.results.indicators import cloud_definition

    old, new = q.load(GD, "2025.1"), q.load(GD, "2025.2")
    with app.test_request_context("/"):
        assert "并在平台上集成分析或用模型预测优化" in cloud_definition(old)
        assert "看板报表" not in cloud_definition(old)
        assert "并在平台上使用（看板报表、集成分析或模型预测优化），不只是存储" in cloud_definition(new)
        assert "粤工信工业互联网函〔2021〕32号" in cloud_definition(new)
        with force_locale("en"):
            assert "dashboards and reports" in cloud_definition(new)
            assert "dashboards" not in cloud_definition(old)
        for text in (cloud_definition(old), cloud_definition(new)):
            assert "L2577" not in text and "platform.data_on_platform" not in text
