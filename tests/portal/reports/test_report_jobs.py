"""Report jobs through the web: request → status page → JSON → download; cache reuse and invalidation;
failure and retry; authorisation; public verify page. Without REDIS_URL (the app's own thread pool renders
the job after the request has answered) and with a stub renderer, so these tests stay fast; the real
render is covered by test_report_pdf.py and tests/workers/. Tests wait for the pool's jobs to end
(`local_pool.wait_all`), never for a fixed time."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, submitted
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import AuditEvent, ConsentMode, Role
from portal.providers.consent import grant, local_today, revoke
from portal.reports import jobs, local_pool
from portal.reports.models import Report, ReportStatus

FAKE_PDF = b"%PDF-1.7 fake report\n%%EOF"


@pytest.fixture(autouse=True)
def stub_renderer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def fake(context: dict[str, Any], *, stats: dict[str, Any] | None = None) -> bytes:
        calls.append(context.lang)
        if stats is not None:
            stats["pages"] = 12
        return FAKE_PDF

    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", fake)
    return calls


def _only_report() -> Report:
    return db.session.scalars(sa.select(Report)).one()


def _request(client: FlaskClient, assessment_id: int, lang: str = "zh") -> TestResponse:
    """Ask for the report, then wait until its job (in the app's thread pool) has ended."""
    response = client.post(f"/company/assessments/{assessment_id}/report", data={"lang": lang})
    _jobs_ended()
    return response


def _jobs_ended() -> None:
    assert local_pool.wait_all(timeout=60), "the report job did not end within a minute"


def test_request_status_json_and_download(login_as: LoginAs, make: Factory, stub_renderer: list[str]) -> None:
    assessment, user = submitted(make)
    client = login_as(user)
    response = _request(client, assessment.id)
    assert response.status_code == 302
    report = _only_report()
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "下载 PDF" in page and report.verification_code in page
    status = client.get(f"/reports/{report.id}/status").get_json()
    assert status["status"] == "done" and status["attempts"] == 1 and status["pages"] == 12
    assert status["download_url"] == f"/reports/{report.id}/download"
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == FAKE_PDF
    assert report.report_no in pdf.headers["Content-Disposition"]
    assert stub_renderer == ["zh"]


def test_cache_reuses_same_key_and_renders_on_changes(
    login_as: LoginAs, make: Factory, stub_renderer: list[str]
) -> None:
    assessment, user = submitted(make)
    client = login_as(user)
    _request(client, assessment.id)
    _request(client, assessment.id)
    assert stub_renderer == ["zh"]  # same key: reused, not rendered again
    _request(client, assessment.id, "en")
    assert stub_renderer == ["zh", "en"]  # language is part of the key
    # answers changed (e.g. an admin correction through a new submission) → new key → new render
    from portal.models import Answer

    answer = db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment.id).limit(1)).one()
    answer.value = {"changed": True} if isinstance(answer.value, dict) else "changed"
    db.session.commit()
    _request(client, assessment.id)
    assert stub_renderer == ["zh", "en", "zh"]
    hashes = {r.answers_hash for r in db.session.scalars(sa.select(Report))}
    assert len(hashes) == 2
    # a new engine version is a new key too
    key = jobs.cache_key(assessment, "zh")
    assert jobs.find(key) is not None
    assert jobs.find(dataclasses.replace(key, engine_version="other-engine")) is None


def test_failure_is_shown_and_retry_succeeds(app: Flask, login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make)
    client = login_as(user)
    app.config["REPORTS_FAIL_ATTEMPTS"] = 1
    try:
        _request(client, assessment.id)
    finally:
        app.config["REPORTS_FAIL_ATTEMPTS"] = 0
    report = _only_report()
    status = client.get(f"/reports/{report.id}/status").get_json()
    assert (
        status["status"] == "failed"
        and "deliberate failure" in status["error"]
        and not status["download_url"]
    )
    assert "重试" in client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert client.get(f"/reports/{report.id}/download").status_code == 404
    assert client.post(f"/reports/{report.id}/retry").status_code == 302
    _jobs_ended()
    status = client.get(f"/reports/{report.id}/status").get_json()
    assert status["status"] == "done" and status["attempts"] == 2 and status["error"] is None


def test_draft_has_no_report(login_as: LoginAs, make: Factory) -> None:
    from portal.assessments import services as assessments

    user = make.user(Role.ENTERPRISE)
    draft = assessments.start(user.company, "gd-mfg-dt", user)
    response = _request(login_as(user), draft.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{draft.id}/result")
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_authorisation(app: Flask, login_as: LoginAs, make: Factory) -> None:
    assessment, owner = submitted(make)
    _request(login_as(owner), assessment.id)
    report = _only_report()
    colleague = make.user(Role.ENTERPRISE, company=assessment.company, is_company_admin=False)
    assert login_as(colleague).get(f"/reports/{report.id}/download").status_code == 200
    stranger = login_as(make.user(Role.ENTERPRISE))
    for path in ("", "/status", "/download"):
        assert stranger.get(f"/reports/{report.id}{path}").status_code == 404
    assert stranger.post(f"/reports/{report.id}/retry").status_code == 404
    assert _request(stranger, assessment.id).status_code == 404
    provider_user = make.user(Role.PROVIDER)
    provider = login_as(provider_user)  # no consent: the report does not exist for them
    assert provider.get(f"/reports/{report.id}/download").status_code == 404
    assert provider.post(f"/reports/{report.id}/retry").status_code == 403
    consent = grant(
        assessment.company,
        assessment,
        provider_user.provider_org,
        ConsentMode.SHARE,
        local_today() + timedelta(days=7),
        owner,
    )
    assert provider.get(f"/reports/{report.id}/download").status_code == 200
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "download_report")).all()
    assert [(e.user_id, e.company_id) for e in events] == [(provider_user.id, assessment.company_id)]
    revoke(consent, owner)
    assert provider.get(f"/reports/{report.id}/download").status_code == 404
    bureau = login_as(make.user(Role.BUREAU))
    assert bureau.get(f"/reports/{report.id}/download").status_code == 404  # a company's report
    anonymous = app.test_client()
    response = anonymous.get(f"/reports/{report.id}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.get(
        f"/reports/{report.id}/status", headers={"Accept": "application/json"}
    ).status_code in (
        302,
        401,
    )


def test_verify_page_is_public_and_checks_the_code(app: Flask, login_as: LoginAs, make: Factory) -> None:
    assessment, owner = submitted(make)
    _request(login_as(owner), assessment.id)
    report = _only_report()
    assert report.status is ReportStatus.DONE
    assert report.verification_code == jobs.verification_code(report.report_no, report.answers_hash)
    page = app.test_client().get(f"/verify/{report.verification_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and assessment.company.name in html and "核验通过" in html
    assert app.test_client().get("/verify/AAAA-BBBB-CCCC-DDDD").status_code == 404
    report.verification_code = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"  # a tampered row no longer verifies
    db.session.commit()
    assert app.test_client().get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_verify_page_states_what_the_report_states(
    app: Flask, login_as: LoginAs, make: Factory, lang: str
) -> None:
    """The verify page shows the levels of the report's own result view (kept with the report when it was
    rendered, in the report's language), so an official holding the PDF reads the same company, date,
    questionnaire, levels and score."""
    from html import unescape

    from portal.reports.context import build_report_context

    assessment, owner = submitted(make)
    _request(login_as(owner), assessment.id, lang)
    report = _only_report()
    view = build_report_context(assessment, report.lang).view
    html = unescape(app.test_client().get(f"/verify/{report.verification_code}").get_data(as_text=True))
    stated = [
        assessment.company.name,
        view.submitted_on,
        f"{view.instrument.title} {view.instrument.version}",
        view.overall.level_name,
        f"{view.overall.score}",
    ]
    assert all(fact in html for fact in stated), [fact for fact in stated if fact not in html]


def test_result_page_offers_the_report(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make)
    html = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "生成 PDF 报告" in html and f"/company/assessments/{assessment.id}/report" in html
