"""The result_stored signal: results announce a stored row; the bureau aggregates and the default plan kept
with the row listen (each once per app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from tests_support import Factory, submitted

from portal import bureau, create_app
from portal.models import AssessmentResult
from portal.results import plan_ahead
from portal.signals import result_stored

SUBSCRIBERS = {bureau._keep_aggregates_current, plan_ahead._plan_ahead}


def _receivers(app: Flask) -> list[Any]:
    return list(result_stored.receivers_for(app))


def _once_each(app: Flask) -> bool:
    found = _receivers(app)
    return len(found) == len(SUBSCRIBERS) and set(found) == SUBSCRIBERS


def test_the_subscribers_subscribe_once_per_app(app: Flask, tmp_path: Path) -> None:
    assert _once_each(app)
    bureau.register(app)  # registering again must not make the aggregates count a result twice
    plan_ahead.register(app)
    assert _once_each(app)
    other = create_app(env={"PORTAL_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"})
    assert _once_each(other)
    assert _once_each(app)


def test_storing_a_result_sends_result_stored_once(app: Flask, make: Factory) -> None:
    sent: list[tuple[Flask, AssessmentResult]] = []

    def record(sender: Flask, *, row: AssessmentResult, **_: Any) -> None:
        sent.append((sender, row))

    with result_stored.connected_to(record, sender=app):
        assessment, _user = submitted(make, cluster="c05")
    assert len(sent) == 1
    sender, row = sent[0]
    assert sender is app
    assert row.assessment_id == assessment.id and row.id is not None
