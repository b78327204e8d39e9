"""Fuzzing the JSON API: schemathesis against the OpenAPI document, hypothesis against the autosave and
eligibility endpoints. The only property checked is the one users rely on most: bad input never causes
a server error (every answer is a 2xx/4xx with a clear body), and rejected input changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from fuzz_counts import fuzz_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import Factory, sign_in_session

from portal.api.openapi import document
from portal.assessments.services import start
from portal.auth import security
from portal.extensions import db
from portal.models import Answer, JurisdictionLevel, Role

# derandomized and without the example database, so CI runs are reproducible
FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
METHODS = {"get", "post", "put", "patch", "delete"}
DOCUMENT = "/api/v1/openapi.json"


@pytest.fixture
def api_world(app: Flask, make: Factory) -> dict[str, Any]:
    """An enterprise user with an assessment, a bureau officer, and tokens covering every scope."""
    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    officer = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市")
    enterprise_token = security.create_api_token(user, "fuzz", {"assessments:read", "eligibility"}, None)
    bureau_token = security.create_api_token(officer, "fuzz", {"bureau:read", "eligibility"}, None)
    app.config["HANDLE_ERRORS_IN_TESTS"] = True  # a crash must show up as a 500 response, not an exception
    return {
        "assessment": assessment,
        "user": user,
        "enterprise": {"Authorization": f"Bearer {enterprise_token.secret}"},
        "bureau": {"Authorization": f"Bearer {bureau_token.secret}"},
    }


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    # schemathesis leaves out the operation serving the document itself unless a filter selects it
    itself = schema.include(path=DOCUMENT)
    return [result.ok() for s in (schema, itself) for result in s.get_all_operations()]


def test_openapi_operations_never_fail_with_a_server_error(
    app: Flask, api_world: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    """schemathesis generates requests (valid and invalid) for every operation of the OpenAPI document;
    an operation that got no request at all fails the test (it would be a silent hole in the fuzzing)."""
    operations = _operations(app)
    documented = {(m.upper(), p) for p, item in document()["paths"].items() for m in item if m in METHODS}
    assert {(op.method.upper(), op.path) for op in operations} == documented
    counts = fuzz_counts(request.config)
    sent: Counter[str] = Counter()

    def fuzz_operation(operation: Any) -> None:
        @given(case=operation.as_strategy())
        @FUZZ
        def fuzz(case: Any) -> None:
            params = case.path_parameters or {}
            if (
                "assessment_id" in params
                and isinstance(params["assessment_id"], int)
                and params["assessment_id"] % 2 == 0
            ):
                params["assessment_id"] = api_world["assessment"].id  # half the cases hit a real assessment
            headers = api_world["bureau"] if "/bureau/" in operation.path else api_world["enterprise"]
            response = case.call(headers=headers)
            sent[operation.label] += 1
            counts["api requests"] += 1
            if response.status_code >= 500:
                counts["api 5xx"] += 1
            assert response.status_code < 500, (
                f"{operation.label}: {response.status_code} {response.text[:300]}"
            )

        fuzz()

    for operation in operations:
        fuzz_operation(operation)
    assert [op.label for op in operations if not sent[op.label]] == [], "operations that were never called"
    request.node.user_properties.append(("requests per operation", dict(sent)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
answer_entries = st.fixed_dictionaries(
    {
        "item_id": st.sampled_from(
            [
                "base.info_systems.coverage",
                "base.equipment.network",
                "mgmt.resources.funding",
                "base.equipment.digitization",
                "ops.production.quality",
                "no.such.item",
            ]
        )
    },
    optional={"value": json_values, "base_version": st.integers(min_value=-3, max_value=5) | st.none()},
)
bodies = st.one_of(json_values, st.fixed_dictionaries({"answers": st.lists(answer_entries, max_size=5)}))


@given(body=bodies)
@FUZZ
def test_autosave_never_fails_and_rejected_batches_change_nothing(
    app: Flask, api_world: dict[str, Any], body: Any, request: pytest.FixtureRequest
) -> None:
    client = app.test_client()
    sign_in_session(client, api_world["user"])
    assessment = api_world["assessment"]
    before = _answers(assessment.id)
    response = client.post(f"/api/v1/assessments/{assessment.id}/answers", json=body)
    _count(request, response.status_code)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    payload = response.get_json()
    if response.status_code >= 400 and response.status_code != 409:
        assert payload["errors"][0]["message_zh"] and payload["errors"][0]["message_en"]
        assert _answers(assessment.id) == before


@given(body=json_values | st.fixed_dictionaries({"as_of": st.text(max_size=12), "company": json_values}))
@FUZZ
def test_eligibility_never_fails(
    app: Flask, api_world: dict[str, Any], body: Any, request: pytest.FixtureRequest
) -> None:
    response = app.test_client().post("/api/v1/eligibility", json=body, headers=api_world["enterprise"])
    _count(request, response.status_code)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:500]
    if response.status_code == 400:
        errors = response.get_json()["errors"]
        assert errors and all(e["message_zh"] and e["message_en"] for e in errors)


def _count(request: pytest.FixtureRequest, status: int) -> None:
    counts = fuzz_counts(request.config)
    counts["api requests"] += 1
    counts["api 5xx"] += status >= 500


def _answers(assessment_id: int) -> dict[str, Any]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment_id))
    return {row.item_id: (row.value, row.version) for row in rows}


@pytest.mark.parametrize(
    "text", ["[" * 50000, '{"a":' * 50000, "[" * 50000 + "]" * 50000], ids=["open", "object", "closed"]
)
def test_deeply_nested_json_is_a_400_that_changes_nothing(
    app: Flask, api_world: dict[str, Any], text: str
) -> None:
    """Python's json module raises RecursionError (not a ValueError) on deep nesting: it must not be a 500."""
    client = app.test_client()
    sign_in_session(client, api_world["user"])
    assessment = api_world["assessment"]
    before = _answers(assessment.id)
    for path in (f"/api/v1/assessments/{assessment.id}/answers", "/api/v1/eligibility"):
        response = client.post(path, data=text, content_type="application/json")
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:300])
        assert response.get_json()["errors"][0]["message_en"]
    assert _answers(assessment.id) == before
