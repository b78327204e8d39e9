"""The upgrade plan a result page shows first (default target, least effort) is worked out once the result
is stored, outside the request that stored it (a job: RQ, or the app's own pool without Redis), and kept on
its row, so the first view of the page, the PDF and the API read it instead of searching (65–130 ms). A
page viewed before the job has ended, or after the job was lost, computes the plan itself, as it does for
any other target. The page uses it only when it was computed from exactly the inputs the page has
(`plan.compute` compares their fingerprint); other targets and choices are computed when asked for.

A recompute of every result skips it (a plan per result would multiply the recompute's time); those rows'
pages compute the plan on their first view, as before.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentResult
from portal.reports import outbox
from portal.reports.runner import job_context
from portal.results.plan_view import default_plan, has_plan
from portal.signals import result_stored
from scoring import maturity

log = logging.getLogger(__name__)


def keep_default_plan(result_id: int) -> None:
    """The job: compute the stored result's default plan and keep it on the row (committed), in an app
    context and database session of its own."""
    with job_context():
        try:
            _keep(result_id)
        except Exception:  # the page computes the plan when first viewed
            log.exception("default plan of result %s not kept", result_id)
            raise


def _keep(result_id: int) -> None:
    row = db.session.get(AssessmentResult, result_id)
    if row is None or row.default_plan is not None:
        return  # removed since (a newer result, a deleted company), or kept already
    assessment = db.session.get(Assessment, row.assessment_id)
    result = maturity.from_plain(row.result)
    if assessment is None or not has_plan(result):
        return
    computed = default_plan(assessment.company, instrument_of(assessment), assessment.answer_map(), result)
    row.default_plan = computed.kept()
    db.session.commit()


def _plan_ahead(app: Flask, *, row: AssessmentResult, recompute: bool = False, **_: Any) -> None:
    if recompute or not app.config.get("RESULT_PLAN_AHEAD", True):
        return
    outbox.run_later(keep_default_plan, row.id)


def register(app: Flask) -> None:
    """Subscribe this app to stored results (once per app, as blinker keeps one connection per receiver)."""
    result_stored.connect(_plan_ahead, sender=app)
