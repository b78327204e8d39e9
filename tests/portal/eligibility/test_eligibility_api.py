"""POST /api/v1/eligibility: the same JSON in and out as `python -m scoring eligibility`."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from tests_support import Factory, sign_in_session

from portal.models import Role

ROOT = Path(__file__).resolve().parents[3]
PAYLOAD: dict[str, Any] = {
    "as_of": "2025-06-01",
    "company": {
        "city": "揭阳市",
        "registered_in_guangdong": True,
        "independent_legal_person": True,
        "sector": "manufacturing",
        "sme_size_class": "medium",
        "years_since_major_accident": None,
        "dishonest_judgment_debtor": False,
    },
    "projects": [
        {
            "id": "p1",
            "program": "gd_techreform_equipment_post_award",
            "equipment_purchase_wan": 399,
            "filed_with_authority": True,
            "completed_within_filing_period": True,
            "prior_provincial_funding": False,
            "counted_in_techreform_statistics": True,
        }
    ],
}
INVALID: dict[str, Any] = {
    "as_of": "2025-02-30",
    "company": {"city": "纽约", "invention_patents": "3", "what": 1},
    "projects": [{"id": "p1", "program": "gd_dt_benchmark_2022"}],
}


def _cli(payload: object) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "eligibility", "-"],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return done.returncode, done.stdout


@pytest.mark.parametrize(("payload", "status", "exit_code"), [(PAYLOAD, 200, 0), (INVALID, 400, 2)])
def test_api_body_equals_cli_output(
    app: Flask, make: Factory, payload: dict[str, Any], status: int, exit_code: int
) -> None:
    client = app.test_client()
    sign_in_session(client, make.user(Role.PROVIDER))
    response = client.post("/api/v1/eligibility", json=payload)
    code, stdout = _cli(payload)
    assert (response.status_code, code) == (status, exit_code)
    assert response.get_data(as_text=True) == stdout  # byte-identical
    assert response.mimetype == "application/json"


def test_api_gap_of_one_wan(app: Flask, make: Factory) -> None:
    client = app.test_client()
    sign_in_session(client, make.user(Role.ENTERPRISE))
    body = client.post("/api/v1/eligibility", json=PAYLOAD).get_json()
    (result,) = [r for r in body["results"] if r["project"] == "p1"]
    assert result["status"] == "ineligible"
    assert result["gaps"][0]["shortfall"] == 1
    ok = copy.deepcopy(PAYLOAD)
    ok["projects"][0]["equipment_purchase_wan"] = 450
    body = client.post("/api/v1/eligibility", json=ok).get_json()
    (result,) = [r for r in body["results"] if r["project"] == "p1"]
    assert (result["status"], result["estimated_award_wan"]) == ("eligible", 135)


def test_api_errors(app: Flask, make: Factory) -> None:
    client = app.test_client()
    assert client.post("/api/v1/eligibility", json=PAYLOAD).status_code == 401
    sign_in_session(client, make.user(Role.BUREAU))
    response = client.post("/api/v1/eligibility", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == ""
    body = client.post("/api/v1/eligibility", json=INVALID).get_json()
    fields = {e["field"] for e in body["errors"]}
    assert {"as_of", "company.city", "company.invention_patents", "company.what"} <= fields
    assert all(e["message_zh"] and e["message_en"] for e in body["errors"])


def test_csrf_exempt_but_autosave_still_protected(app: Flask, make: Factory, csrf_on: None) -> None:
    client = app.test_client()
    user = make.user(Role.ENTERPRISE)
    sign_in_session(client, user)
    assert client.post("/api/v1/eligibility", json=PAYLOAD).status_code == 200
    from portal.assessments.services import start

    assessment = start(user.company, "miit-sme-digital", user)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers", json={"answers": [{"item_id": "x", "value": 1}]}
    )
    assert response.status_code == 400  # CSRF token missing


def test_api_reads_like_the_cli_bom_accepted_repeated_key_refused(app: Flask, make: Factory) -> None:
    client = app.test_client()
    sign_in_session(client, make.user(Role.ENTERPRISE))
    text = json.dumps(PAYLOAD, ensure_ascii=False).encode("utf-8")
    response = client.post(
        "/api/v1/eligibility", data=b"\xef\xbb\xbf" + text, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == _cli(PAYLOAD)[1]
    duplicate = (
        b'{"as_of": "2023-03-01", "as_of": "2024-03-01", "company": {"city": "\xe6\x8f\xad\xe9\x98\xb3"}}'
    )
    response = client.post(
        "/api/v1/eligibility",
        data=duplicate,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    (error,) = response.get_json()["errors"]
    assert error["field"] == "" and "as_of" in error["message_en"] and "重复" in error["message_zh"]


def test_engine_errors_carry_a_readable_message_in_the_portals_error_shape(app: Flask, make: Factory) -> None:
    client = app.test_client()
    sign_in_session(client, make.user(Role.ENTERPRISE))
    body = client.post("/api/v1/eligibility", json=INVALID).get_json()
    for error in body["errors"]:
        assert set(error) == {"field", "message", "message_zh", "message_en"}
        assert error["message"] == error["message_zh"]
