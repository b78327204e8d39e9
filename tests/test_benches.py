"""The page benches run end to end in a tiny mode on the test database with the demo data: every role's
pages are found and timed, the long history is added and timed, each kind of page is weighed, and the
summaries carry their targets (the full runs are `make bench`)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import Flask
from tests_support import Factory, first_answer_held_open, wait_until_a_backend_waits_for_a_lock

from bench import bench_pages, bench_plan, bench_weight, db_ceiling, demo_site
from portal import demo
from portal.assessments import services as assessments
from portal.bureau import demo as bureau_demo
from portal.extensions import db
from portal.models import AnswerChange, Role


def test_pages_and_weight_benches_in_tiny_mode(app: Flask) -> None:
    demo.seed(n_companies=4)
    demo.demo_submitted_assessment()
    bureau_demo.seed()
    figures = bench_pages.measure(app, repeat=1, rounds=2)
    roles = figures["roles"]
    assert set(roles) == set(demo_site.ROLES)
    assert (
        "/company/assessments/" in roles["company"]["pages"]
        and "/bureau/" in roles["bureau_province"]["pages"]
    )
    assert all(r["pages"] for r in roles.values())  # every role reached pages from its home
    assert "/company/assessments/" in figures["history"]["pages"] and figures["history"]["rounds"] == 2
    summary = bench_pages.summary(figures)
    assert summary["list_p50_ms_history"] > 0 and set(summary["targets"]) == {
        "every_page_p50_le_50ms",
        "history_pages_p50_le_50ms",
        "history_flat_within_1.5x_or_10ms",
    }

    weights = bench_weight.measure(app)
    result = bench_weight.summary(weights)
    assert "/vendor/plotly.min.js" in weights["result_chart_page"]["files"]
    assert "/vendor/plotly.min.js" not in weights["questionnaire_module"]["files"]
    assert weights["result_chart_page"]["wire_kb"] < weights["result_chart_page"]["uncompressed_kb"] / 2
    assert result["targets"] == {"chart_pages_le_1mb": True, "other_pages_le_200kb": True}


def test_database_ceiling_runs_the_autosave_statement(app: Flask, make: Factory) -> None:
    """The bare-client ceiling of the autosave bench writes what an autosave writes (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement save is PostgreSQL's")
    user = make.user(Role.ENTERPRISE)
    draft = assessments.start(user.company, "miit-sme-digital", user)
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    people = db_ceiling.respondents(url, [draft.id])
    assert people == [{"assessment": draft.id, "company": user.company_id, "user": user.id}]
    # Another transaction holds the same first answer uncommitted: the first save waits on it and then loses
    # the race (the answer is not in its snapshot); the client takes it again, as the application does.
    other = first_answer_held_open(draft.id, db_ceiling.ITEM, "A", user.id)

    def commit_once_a_save_waits() -> None:
        try:
            with app.app_context():
                wait_until_a_backend_waits_for_a_lock()
        finally:
            other.commit()
            other.close()

    committer = threading.Thread(target=commit_once_a_save_waits)
    committer.start()
    assert db_ceiling.saves_per_second(url, people, seconds=2, connections=2) > 0
    committer.join(timeout=30)
    db.session.expire_all()
    stored = draft.answer_map()
    assert stored[db_ceiling.ITEM] in db_ceiling.VALUES
    history = db.session.scalar(sa.select(sa.func.count()).select_from(AnswerChange))
    assert history and history > 1


def test_plan_bench_in_tiny_mode() -> None:
    """The plan bench times plans and scoring on both instruments and reports their ratio and target."""
    figures = bench_plan.measure(2, budget=300)
    assert set(figures) == {"gd-mfg-dt", "miit-sme-digital"}
    assert all(f["score_ms_p50"] > 0 and f["assessments"] == 2 for f in figures.values())
    line = bench_plan.summary(figures)
    assert line["bench"] == "plan" and set(line["targets"]) == {"median_plan_le_1s"}
    assert "ratio" in bench_plan.table(figures)


def test_make_bench_prints_one_table_with_the_cores_and_every_target_as_a_boolean() -> None:
    from bench.__main__ import table

    out = table(
        [
            {"bench": "scoring", "score_us_per_assessment": 900.0, "targets": {"score_le_1ms": True}},
            {"bench": "pages", "p50_ms": 61, "targets": {"p50_le_50ms": False, "flat": True}},
            {"bench": "report", "error": "exit 1", "tail": ["boom"]},
        ],
        2,
    ).splitlines()
    assert out[0] == "cores: 2"
    met = {line[15:55].strip(): line[56:61].strip() for line in out[2:]}  # target column -> met column
    assert met["score_le_1ms"] == "true"
    assert met["p50_le_50ms"] == "false"
    assert met["flat"] == "true"
    assert met["ERROR: exit 1"] == "false"
