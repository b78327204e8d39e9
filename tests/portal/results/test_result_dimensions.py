"""A stored result keeps its dimensions' figures in a column of their own: written with every new result,
and copied by the migration that added the column into the results stored before it. Peer benchmarks and
round comparisons read that column, and show what they showed from the whole result."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from tests_support import Factory

from portal import create_app
from portal.assessments import services as assessments
from portal.demo import fill_in
from portal.extensions import db
from portal.models import AssessmentResult, Role
from portal.results import services

BEFORE = "b7e2c4a9f3d1"  # the revision before the column
_ROW = {"engine_version": "e", "answers_hash": "h", "computed_at": datetime(2026, 1, 1)}


def _submitted(make: Factory, seed: int) -> AssessmentResult:
    import random

    user = make.user(Role.ENTERPRISE)
    assessment = assessments.start(user.company, "gd-mfg-dt", user)
    fill_in(assessment, user, random.Random(seed), maturity=0.6)
    assessments.submit(assessment, user, attested=True)
    row = services.latest_row(assessment)
    assert row is not None
    return row


def test_a_new_result_keeps_each_dimensions_figures(app: Flask, make: Factory) -> None:
    row = _submitted(make, 1)
    modules = row.result["modules"]
    assert row.dimensions == [{field: m.get(field) for field in services.DIMENSION_FIELDS} for m in modules]
    assert any(d["score"] is not None for d in row.dimensions)
    assert len(json.dumps(row.dimensions)) * 20 < len(json.dumps(modules))  # the point of the column


def test_the_migration_copies_the_figures_of_results_stored_before_it(
    app: Flask, make: Factory, tmp_path: Path
) -> None:
    """Results stored before the column (a real one and one without dimensions) get the same figures a new
    result gets."""
    plain = _submitted(make, 2).result
    old = create_app(env={"PORTAL_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with old.app_context():
        from flask_migrate import upgrade

        upgrade(revision=BEFORE)
        results = sa.table(
            "assessment_results",
            *(sa.column(name) for name in ("id", "assessment_id", "engine_version", "answers_hash")),
            sa.column("computed_at", sa.DateTime),
            sa.column("result", sa.JSON),
        )
        with db.engine.begin() as conn:  # SQLite does not check the foreign key to assessments here
            conn.execute(
                results.insert(),
                [
                    {"id": 1, "assessment_id": 1, "result": plain, **_ROW},
                    {"id": 2, "assessment_id": 2, "result": {}, **_ROW},
                ],
            )
        upgrade()
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT id, dimensions FROM assessment_results")).all())
        db.engine.dispose()
    assert json.loads(stored[1]) == services.dimension_figures(plain)
    assert json.loads(stored[2]) == []
