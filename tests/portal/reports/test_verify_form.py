"""The public report verification form at /verify (issue 20): a bank or bureau types the code printed on a
report and lands on its verification page; a malformed or unknown code gets a clear message in the
reader's language, never a 500, and the form is throttled per client address."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, submitted

from portal.extensions import db
from portal.reports import jobs, local_pool
from portal.reports.models import Report
from portal.reports.views import normalised_code


@pytest.fixture(autouse=True)
def stub_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(context: Any, *, stats: dict[str, Any] | None = None) -> bytes:
        return b"%PDF-1.7 fake report\n%%EOF"

    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", fake)


def _report(login_as: LoginAs, make: Factory) -> Report:
    assessment, owner = submitted(make)
    login_as(owner).post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
    assert local_pool.wait_all(timeout=60), "the report job did not end within a minute"
    return db.session.scalars(sa.select(Report)).one()


def test_the_form_is_public_and_leads_to_the_report(app: Flask, login_as: LoginAs, make: Factory) -> None:
    report = _report(login_as, make)
    client = app.test_client()
    page = client.get("/verify")
    assert page.status_code == 200 and "核验码" in page.get_data(as_text=True)
    typed = report.verification_code.replace("-", " ").lower()  # as someone might type it off the paper
    answer = client.post("/verify", data={"code": f"  {typed} "})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/verify/{report.verification_code}")
    landed = client.get(answer.headers["Location"])
    assert landed.status_code == 200 and "核验通过" in landed.get_data(as_text=True)


def test_unknown_and_malformed_codes_get_a_clear_message(app: Flask, make: Factory) -> None:
    client = app.test_client()
    unknown = client.post("/verify", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.status_code == 400 and "没有与该核验码对应的报告" in unknown.get_data(as_text=True)
    for bad in ["123", "<script>alert(1)</script>", "A" * 5000, "ÄÄÄÄ-BBBB-CCCC-DDDD"]:
        answer = client.post("/verify", data={"code": bad})
        assert answer.status_code == 400 and "核验码格式不正确" in answer.get_data(as_text=True), bad
        assert "<script>alert" not in answer.get_data(as_text=True)
    assert client.post("/verify", data={"code": "\x00"}).status_code == 400  # refused before the view
    empty = client.post("/verify", data={"code": ""})
    assert empty.status_code == 400 and "请输入报告上的核验码" in empty.get_data(as_text=True)


def test_messages_in_english(app: Flask) -> None:
    client = app.test_client()
    client.post("/lang/en", data={"next": "/"})
    html = client.post("/verify", data={"code": "AAAA-BBBB-CCCC-DDDD"}).get_data(as_text=True)
    assert "No report matches this verification code" in html
    assert "没有与该核验码" not in html
    assert "Report verification" in client.get("/verify").get_data(as_text=True)


def test_the_form_is_throttled_per_client_address(app: Flask) -> None:
    limit = int(app.config["VERIFY_LIMIT_ADDRESS"].split()[0])
    client = app.test_client()
    for _ in range(limit):
        assert client.post("/verify", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 400
    refused = client.post("/verify", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = app.test_client()
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert other.post("/verify", data={"code": "x"}, environ_base=elsewhere).status_code == 400


def test_codes_are_normalised_as_printed(app: Flask) -> None:
    assert normalised_code("abcd efgh jklm npqr") == "ABCD-EFGH-JKLM-NPQR"
    assert normalised_code("ABCDEFGHJKLMNPQR") == "ABCD-EFGH-JKLM-NPQR"
    assert normalised_code("ABCD-EFGH-JKLM-NPQ") is None
    assert normalised_code("ABCD-EFGH-JKLM-NPQ1") is None  # 1 is not in base32
    assert jobs.by_code("ABCD-EFGH-JKLM-NPQR") is None
