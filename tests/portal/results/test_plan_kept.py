"""The default upgrade plan is worked out once a result is stored, by a job outside the request that stored
it, and kept on its row: the first view of the result page (and the API, the PDF: one ResultView) reads
it, it is the plan the page would compute, and it is used only when computed from the inputs the page has;
a recompute of every result leaves it to the first view."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, answer_everything

from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, Role, User
from portal.reports import local_pool
from portal.results import plan, services
from portal.results.view import build_result_view
from scoring import plan as planning

MIIT = "miit-sme-digital"
CSRF = re.compile(r'value="[\w-]+\.[\w-]+\.[\w-]+"')  # a form token: new with every page


@pytest.fixture
def plan_ahead(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RESULT_PLAN_AHEAD", True)
    monkeypatch.setattr(plan, "_CACHE", {})  # each test starts as a fresh process does


def _submitted(make: Factory) -> tuple[Assessment, User]:
    """A submitted assessment whose default plan job has ended."""
    user = make.user(Role.ENTERPRISE, company=make.company(city="揭阳市"))
    assessment = assessments.start(user.company, MIIT, user)
    answer_everything(assessment, user, 0)
    assessments.submit(assessment, user, attested=True)
    assert local_pool.wait_all(timeout=120), "the default plan job did not end within 2 minutes"
    db.session.expire_all()
    return assessment, user


def _row(assessment: Assessment) -> AssessmentResult:
    row = services.latest_row(assessment)
    assert row is not None
    return row


threads: list[str] = []  # the thread of each search counted by _searches


def _searches(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Calls of the plan search from now on."""
    threads.clear()
    calls: list[Any] = []
    search = planning.plan_set

    def counted(*args: Any, **kwargs: Any) -> planning.PlanSet:
        calls.append(args[2])
        threads.append(threading.current_thread().name)
        return search(*args, **kwargs)

    monkeypatch.setattr(planning, "plan_set", counted)
    return calls


@pytest.mark.usefixtures("plan_ahead")
def test_the_first_view_reads_the_plan_kept_at_submission(
    login_as: LoginAs, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment, user = _submitted(make)
    kept = _row(assessment).default_plan
    assert kept is not None and len(kept["key"]) == 64
    assert set(kept["plans"]["plans"]) == set(planning.OBJECTIVES)
    plan._CACHE.clear()  # a process that has not planned this assessment yet
    searches = _searches(monkeypatch)
    client = login_as(user)
    page = client.get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    api = client.get(f"/api/v1/assessments/{assessment.id}/result").get_json()["view"]["plan"]
    assert searches == []  # page and API read the kept plan
    assert "升级方案：达到中小企业数字化水平二级" in page

    # the same page as one that computes the plan when viewed
    _row(assessment).default_plan = None
    db.session.commit()
    plan._CACHE.clear()
    computed = client.get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert searches  # computed this time
    assert CSRF.sub("", computed) == CSRF.sub("", page)
    assert client.get(f"/api/v1/assessments/{assessment.id}/result").get_json()["view"]["plan"] == api


@pytest.mark.usefixtures("plan_ahead")
def test_a_kept_plan_of_other_inputs_is_not_used(make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    assessment, _user = _submitted(make)
    row = _row(assessment)
    assert row.default_plan is not None
    row.default_plan = {**row.default_plan, "key": "0" * 64}  # e.g. a provider's price bands changed since
    db.session.commit()
    plan._CACHE.clear()
    searches = _searches(monkeypatch)
    view = build_result_view(assessment, "zh")
    assert searches and view.plan is not None and view.plan.steps


@pytest.mark.usefixtures("plan_ahead")
def test_another_target_is_computed_when_asked_for(
    login_as: LoginAs, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment, user = _submitted(make)
    plan._CACHE.clear()
    searches = _searches(monkeypatch)
    page = login_as(user).get(f"/company/assessments/{assessment.id}/result?target=miit-3")
    assert page.status_code == 200 and "三级" in page.get_data(as_text=True)
    assert planning.Target("miit", 3) in searches


@pytest.mark.usefixtures("plan_ahead")
def test_a_recompute_of_every_result_leaves_the_plan_to_the_first_view(make: Factory) -> None:
    assessment, _user = _submitted(make)
    assessment_id, before = assessment.id, _row(assessment).id
    for _done in services.recompute_all():
        pass
    rows = db.session.scalars(
        sa.select(AssessmentResult).where(AssessmentResult.assessment_id == assessment_id)
    ).all()
    assert [r.default_plan is None for r in rows if r.id != before] == [True]
    again = db.session.get(Assessment, assessment_id)
    assert again is not None and build_result_view(again, "zh").plan is not None


@pytest.mark.usefixtures("plan_ahead")
def test_the_plan_is_worked_out_outside_the_request_that_stores_the_result(
    make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches = _searches(monkeypatch)
    assessment, _user = _submitted(make)
    assert searches and set(threads) == {"report-jobs_0"}  # only in the background pool
    assert _row(assessment).default_plan is not None


@pytest.mark.usefixtures("plan_ahead")
def test_a_failed_plan_job_leaves_the_result_and_the_page_computes_the_plan(
    login_as: LoginAs, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("no plan")

    monkeypatch.setattr(planning, "plan_set", broken)
    assessment, user = _submitted(make)
    assert _row(assessment).default_plan is None
    monkeypatch.undo()
    page = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "升级方案：达到中小企业数字化水平二级" in page
