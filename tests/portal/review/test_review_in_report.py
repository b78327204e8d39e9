"""The confirmed (assessor-reviewed) level reaches everything built on the one result view: the PDF report
(cover and its own section), the result API and the public verify page; and a report asked for before
the sign-off is not the one served after it (the review is part of the report's cache key)."""

from __future__ import annotations

import subprocess

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.extensions import db
from portal.reports import local_pool
from portal.reports.models import Report
from portal.review.models import AssessmentReview
from tests.portal.review.test_review import _appointed, _bureau, _form, _miit_submitted, _single_item


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _report(client: object, assessment_id: int) -> tuple[Report, str]:
    response = client.post(f"/company/assessments/{assessment_id}/report", data={"lang": "zh"})  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert local_pool.wait_all(timeout=180), "the report job did not end within 3 minutes"
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    status = client.get(f"/reports/{report_id}/status").get_json()  # type: ignore[attr-defined]
    assert status["status"] == "done", status
    pdf = client.get(status["download_url"]).data  # type: ignore[attr-defined]
    report = db.session.get(Report, report_id)
    assert report is not None
    return report, _pdf_text(pdf)


def test_the_confirmed_level_is_in_the_pdf_the_api_and_the_verify_page(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    assessment, member = _miit_submitted(make)
    company = login_as(member)
    before, text_before = _report(company, assessment.id)
    assert "现场核查" not in text_before
    assert company.get(f"/api/v1/assessments/{assessment.id}/result").get_json()["view"]["verified"] is None

    assessor = _appointed(make, login_as, _bureau(make))
    reviewer = login_as(assessor)
    url = f"/provider/reviews/{assessment.id}"
    reviewer.get(url)
    item_id, other = _single_item(assessment)
    reason = "现场核实系统覆盖范围小于填报"
    form = _form(assessment, **{item_id: {"d": "adjust", "v": other, "c": reason}})
    assert reviewer.post(url, data={**form, "action": "sign_off"}).status_code == 302
    review = db.session.scalar(
        sa.select(AssessmentReview).where(AssessmentReview.assessment_id == assessment.id)
    )
    assert review is not None and review.signed_off and review.confirmed_miit_level is not None

    # the result API states the confirmed level, who confirmed it and when (China time)
    api = company.get(f"/api/v1/assessments/{assessment.id}/result").get_json()["view"]["verified"]
    assert api["signed_off"] is True
    assert api["level"] == review.confirmed_miit_level
    assert assessor.name in api["assessor"]
    assert api["adjustments"][0]["comment"] == reason
    from portal.results.format import local_time

    assert review.signed_off_at is not None
    signed_at = local_time(review.signed_off_at)
    assert api["signed_off_at"] == signed_at

    # asked for again after the sign-off: a new report, which states what the API states
    after, text_after = _report(company, assessment.id)
    assert after.id != before.id and after.report_no != before.report_no
    assert before.review_key == "" and after.review_key.startswith(f"{review.id}:signed:")
    flat = " ".join(text_after.split())
    assert "现场核查结果" in flat and "现场核查确认等级" in flat
    assert api["level_name"] in flat and assessor.name in flat and signed_at in flat
    assert reason in "".join(text_after.split())  # (a table cell may wrap)
    # the earlier PDF is unchanged (it is what was true when it was made), and still served as itself
    assert "现场核查" not in _pdf_text(company.get(f"/reports/{before.id}/download").data)
    # asking once more reuses the signed-off report
    again = company.post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
    assert again.headers["Location"].endswith(f"/reports/{after.id}")
    # the public verify page states the confirmed level of the report it verifies
    verify = app.test_client().get(f"/verify/{after.verification_code}").get_data(as_text=True)
    assert api["level_name"] in verify and assessor.name in verify
