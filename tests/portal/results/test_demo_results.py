"""Demo data: every company a demo account can sign in as has real, engine-scored results that open.

`flask seed-demo` then `flask bureau seed-demo` (the order `make run` uses); then, for every demo account
of a company, sign in through the login form and open each submitted assessment's result page, result
API and PDF report. Bureau-demo synthetic results stay only on companies nobody can sign in as.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Role, User
from portal.reports.context import build_report_context
from portal.reports.pdf import render_report_pdf, stop_chart_server
from portal.results import services as results
from scoring import maturity


@pytest.fixture
def seeded(app: Flask) -> None:
    runner = app.test_cli_runner()
    for args in (["seed-demo", "--companies", "10"], ["bureau", "seed-demo"]):
        outcome = runner.invoke(args=args)
        assert outcome.exit_code == 0, outcome.output


def _submitted(user: User) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.company_id == user.company_id, Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id)
        )
    )


def test_every_demo_account_opens_real_results_page_api_and_pdf(app: Flask, seeded: None) -> None:
    members = [a for a in DEMO_ACCOUNTS if a.role is Role.ENTERPRISE]
    try:
        for account in members:
            client = app.test_client()
            signed_in = client.post("/login", data={"email": account.email, "password": DEMO_PASSWORD})
            assert signed_in.status_code == 302, account.email
            user = db.session.scalars(sa.select(User).where(User.email == account.email)).one()
            submitted = _submitted(user)
            assert submitted, f"{account.email}: the demo company has no submitted assessment"
            for assessment in submitted:
                page = client.get(f"/company/assessments/{assessment.id}/result")
                assert page.status_code == 200, (account.email, assessment.id)
                api = client.get(f"/api/v1/assessments/{assessment.id}/result")
                assert api.status_code == 200, (account.email, assessment.id)
                assert api.get_json()["overall"]["score"] is not None
                # stored by the engine on submission: equal to a fresh score of the same answers
                row = results.latest_row(assessment)
                assert row is not None
                assert row.engine_version == maturity.ENGINE_VERSION
                assert row.result == maturity.to_plain(results.compute(assessment))
                pdf = render_report_pdf(build_report_context(assessment, "zh"))
                assert pdf.startswith(b"%PDF")
    finally:
        stop_chart_server()


def test_synthetic_results_only_on_companies_nobody_signs_in_as(app: Flask, seeded: None) -> None:
    synthetic = sa.select(Assessment.company_id).join(
        AssessmentResult, AssessmentResult.assessment_id == Assessment.id
    )
    synthetic = synthetic.where(AssessmentResult.engine_version != maturity.ENGINE_VERSION)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(synthetic.subquery())), "bureau seed ran"
    members = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.company_id.in_(synthetic)))
    assert members == 0
