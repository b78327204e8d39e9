"""Answering an assessment: autosave API, concurrent edits, validation, locking, pinning, resume."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory
from werkzeug.test import TestResponse

import questionnaires
from portal.assessments import services
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Answer, AnswerChange, Assessment, AssessmentStatus, Role, User
from questionnaires import loader
from questionnaires.storage import read_yaml

MIIT = "miit-sme-digital"


@pytest.fixture
def company_admin(make: Factory) -> User:
    return make.user(Role.ENTERPRISE)


@pytest.fixture
def assessment(company_admin: User) -> Assessment:
    return services.start(company_admin.company, MIIT, company_admin)


def _post(client: FlaskClient, assessment: Assessment, body: Any, raw: bool = False) -> TestResponse:
    url = f"/api/v1/assessments/{assessment.id}/answers"
    if raw:
        return client.post(url, data=body, content_type="application/json")
    return client.post(url, json=body)


def _stored(assessment: Assessment) -> dict[str, Any]:
    db.session.expire_all()
    return {
        a.item_id: a.value
        for a in db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment.id))
    }


def test_start_pins_exact_version_and_hash(assessment: Assessment) -> None:
    instrument = questionnaires.latest_published(MIIT)
    assert (assessment.instrument_version, assessment.instrument_hash) == (
        instrument.version,
        instrument.content_hash,
    )


def test_autosave_saves_and_reports_versions(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    response = _post(
        client,
        assessment,
        {
            "answers": [
                {"item_id": "base.equipment.network", "value": ["B", "C"], "base_version": 0},
                {"item_id": "base.info_systems.coverage", "value": "C", "base_version": 0},
            ]
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert {s["item_id"]: s["version"] for s in body["saved"]} == {
        "base.equipment.network": 1,
        "base.info_systems.coverage": 1,
    }
    assert body["progress"]["answered"] == 2
    assert _stored(assessment) == {"base.equipment.network": ["B", "C"], "base.info_systems.coverage": "C"}
    state = client.get(f"/api/v1/assessments/{assessment.id}/answers").get_json()["answers"]
    assert state["base.equipment.network"]["version"] == 1


@pytest.mark.parametrize(
    ("body", "raw", "status", "needle"),
    [
        ("{not json", True, 400, "不是有效的 JSON"),
        ([1, 2], False, 400, "JSON 对象"),
        ({"answers": []}, False, 400, "没有答案"),
        ({"answers": [{"item_id": "no.such.item", "value": "A"}]}, False, 422, "没有题目"),
        ({"answers": [{"item_id": "base.info_systems.coverage", "value": "Z"}]}, False, 422, "没有选项"),
        (
            {"answers": [{"item_id": "base.equipment.network", "value": ["A", "B"]}]},
            False,
            422,
            "不能与其他选项同时勾选",
        ),
        ({"answers": [{"item_id": "x", "value": 1, "extra": 2}]}, False, 400, "不认识的字段"),
        (
            {"answers": [{"item_id": "base.info_systems.coverage", "value": v} for v in ("B", "C")]},
            False,
            400,
            "是同一题",
        ),
        (
            {"answers": [{"item_id": "base.info_systems.coverage", "value": "C", "base_version": -1}]},
            False,
            400,
            "base_version",
        ),
    ],
)
def test_bad_input_is_refused_with_clear_message_and_changes_nothing(
    login_as: LoginAs,
    company_admin: User,
    assessment: Assessment,
    body: Any,
    raw: bool,
    status: int,
    needle: str,
) -> None:
    client = login_as(company_admin)
    response = _post(client, assessment, body, raw=raw)
    assert response.status_code == status
    error = response.get_json()["errors"][0]
    assert needle in error["message_zh"] and error["message_en"]
    assert _stored(assessment) == {}


def test_out_of_range_evidence_number_rejects_whole_batch(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    item = questionnaires.load(MIIT, "2024").item("base.equipment.digitization")
    field = item.evidence[1].id  # a device count: must not be negative
    response = _post(
        client,
        assessment,
        {
            "answers": [
                {"item_id": "base.info_systems.coverage", "value": "C"},
                {"item_id": item.id, "value": {"value": "C", "evidence": {field: -3}}},
            ]
        },
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == item.id
    assert _stored(assessment) == {}  # the valid answer in the same batch was not applied either


def test_locked_assessment_refuses_answers(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    _post(client, assessment, {"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]})
    assessment.status = AssessmentStatus.SUBMITTED
    db.session.commit()
    response = _post(
        client, assessment, {"answers": [{"item_id": "base.info_systems.coverage", "value": "D"}]}
    )
    assert response.status_code == 409 and "锁定" in response.get_json()["errors"][0]["message_zh"]
    assert _stored(assessment) == {"base.info_systems.coverage": "C"}


def test_two_colleagues_editing_different_items_both_survive(
    app: Flask, make: Factory, login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    colleague = make.user(Role.ENTERPRISE, company=company_admin.company, is_company_admin=False)
    first = login_as(company_admin)
    second = app.test_client()
    second.post("/login", data={"email": colleague.email, "password": "Test-pass-1"})
    assert (
        _post(
            first,
            assessment,
            {"answers": [{"item_id": "base.info_systems.coverage", "value": "C", "base_version": 0}]},
        ).status_code
        == 200
    )
    assert (
        _post(
            second,
            assessment,
            {"answers": [{"item_id": "mgmt.resources.funding", "value": "B", "base_version": 0}]},
        ).status_code
        == 200
    )
    assert _stored(assessment) == {"base.info_systems.coverage": "C", "mgmt.resources.funding": "B"}


def test_same_item_conflict_is_reported_not_overwritten(
    app: Flask, make: Factory, login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    colleague = make.user(
        Role.ENTERPRISE, company=company_admin.company, is_company_admin=False, name="林晓燕"
    )
    first = login_as(company_admin)
    second = app.test_client()
    second.post("/login", data={"email": colleague.email, "password": "Test-pass-1"})
    item = "base.info_systems.coverage"
    assert (
        _post(
            second, assessment, {"answers": [{"item_id": item, "value": "D", "base_version": 0}]}
        ).status_code
        == 200
    )
    late = _post(first, assessment, {"answers": [{"item_id": item, "value": "B", "base_version": 0}]})
    assert late.status_code == 409
    conflict = late.get_json()["conflicts"][0]
    assert conflict == {
        **conflict,
        "item_id": item,
        "your_value": "B",
        "current_value": "D",
        "current_version": 1,
        "updated_by": "林晓燕",
    }
    assert _stored(assessment)[item] == "D"
    # after seeing the other value the user may deliberately overwrite it
    again = _post(first, assessment, {"answers": [{"item_id": item, "value": "B", "base_version": 1}]})
    assert again.status_code == 200 and _stored(assessment)[item] == "B"
    # writing the value that is already there is never a conflict
    same = _post(second, assessment, {"answers": [{"item_id": item, "value": "B", "base_version": 1}]})
    assert same.status_code == 200


def test_every_write_is_kept_in_history(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    for value in ("B", "C", "D"):
        _post(client, assessment, {"answers": [{"item_id": "base.info_systems.coverage", "value": value}]})
    changes = db.session.scalars(sa.select(AnswerChange).order_by(AnswerChange.id)).all()
    assert [(c.old_value, c.new_value, c.version) for c in changes] == [
        (None, "B", 1),
        ("B", "C", 2),
        ("C", "D", 3),
    ]
    assert {c.user_id for c in changes} == {company_admin.id}


def test_other_company_cannot_read_or_write(login_as: LoginAs, make: Factory, assessment: Assessment) -> None:
    stranger = make.user(Role.ENTERPRISE)
    client = login_as(stranger)
    assert client.get(f"/api/v1/assessments/{assessment.id}/answers").status_code == 404
    assert (
        _post(
            client, assessment, {"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]}
        ).status_code
        == 404
    )
    assert client.get(f"/company/assessments/{assessment.id}").status_code == 404
    assert _stored(assessment) == {}


def test_module_form_without_javascript_saves_and_keeps_bad_input(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    url = f"/company/assessments/{assessment.id}/modules/base"
    page = client.get(url)
    assert page.status_code == 200 and "企业目前具备哪些网络连接能力" in page.get_data(as_text=True)
    response = client.post(
        url, data={"base.info_systems.coverage": "C", "base.equipment.network": ["B", "D"]}
    )
    assert response.status_code == 302
    assert _stored(assessment) == {"base.info_systems.coverage": "C", "base.equipment.network": ["B", "D"]}
    bad = client.post(
        url,
        data={
            "base.equipment.digitization::production_devices_total": "-4",
            "base.equipment.digitization": "C",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="-4"' in html


def test_review_lists_missing_and_submission_requires_pledge(
    login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    review = client.get(f"/company/assessments/{assessment.id}/review").get_data(as_text=True)
    assert "未完成的必答题" in review and f"/company/assessments/{assessment.id}/modules/base#item-" in review
    answers = _complete_miit_answers()
    assert _post(client, assessment, {"answers": answers}).status_code == 200
    client.post(f"/company/assessments/{assessment.id}/submit", data={})
    db.session.refresh(assessment)
    assert not assessment.locked
    client.post(f"/company/assessments/{assessment.id}/submit", data={"attest": "y"})
    db.session.refresh(assessment)
    assert assessment.locked and assessment.attestation and assessment.submitted_at


def test_member_cannot_submit(
    login_as: LoginAs, make: Factory, company_admin: User, assessment: Assessment
) -> None:
    member = make.user(Role.ENTERPRISE, company=company_admin.company, is_company_admin=False)
    assert (
        login_as(member)
        .post(f"/company/assessments/{assessment.id}/submit", data={"attest": "y"})
        .status_code
        == 403
    )


def test_admin_assigns_modules_to_colleagues(
    login_as: LoginAs, make: Factory, company_admin: User, assessment: Assessment
) -> None:
    colleague = make.user(Role.ENTERPRISE, company=company_admin.company, is_company_admin=False, name="王工")
    client = login_as(company_admin)
    client.post(
        f"/company/assessments/{assessment.id}/assignments",
        data={"assignee-base": str(colleague.id)},
    )
    assert services.assignments(assessment)["base"] == [colleague]
    outsider = make.user(Role.ENTERPRISE)
    client.post(
        f"/company/assessments/{assessment.id}/assignments",
        data={"assignee-base": str(outsider.id)},
    )
    assert services.assignments(assessment)["base"] == [colleague]  # outsiders cannot be assigned


def test_resume_point_is_per_user_and_survives_devices(
    app: Flask, login_as: LoginAs, company_admin: User, assessment: Assessment
) -> None:
    client = login_as(company_admin)
    client.get(f"/company/assessments/{assessment.id}/modules/mgmt")
    other_device = app.test_client()
    other_device.post("/login", data={"email": company_admin.email, "password": "Test-pass-1"})
    html = other_device.get(f"/company/assessments/{assessment.id}").get_data(as_text=True)
    assert f"/company/assessments/{assessment.id}/modules/mgmt" in html and "从上次位置继续" in html


def _complete_miit_answers() -> list[dict[str, Any]]:
    instrument = questionnaires.load(MIIT, "2024")
    out: list[dict[str, Any]] = []
    for module in instrument.modules:
        for item in module.items:
            if item.type == "single":
                value: Any = item.options[-1].id
            elif item.type == "multi":
                value = [o.id for o in item.options if not o.exclusive]
            elif item.type == "scenario_level":
                value = 2
            else:
                continue
            if item.evidence:
                value = {"value": value, "evidence": {f.id: 10 for f in item.evidence if f.type == "number"}}
            out.append({"item_id": item.id, "value": value})
    return out


def _declare_bounds(data: dict[str, Any]) -> None:
    """Give every number item and number evidence field the range it is checked against today."""
    fields = [
        field
        for module in data["modules"]
        for item in module["items"]
        for field in [item, *(item.get("evidence") or [])]
        if field.get("type") in ("number", "integer")
    ]
    for field in fields:
        low, high = questionnaires.numeric_bounds(field["type"], None, None, field.get("unit"))
        field.setdefault("min", int(low))
        field.setdefault("max", int(high))


def test_old_assessment_still_renders_after_new_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, login_as: LoginAs, company_admin: User
) -> None:
    root = tmp_path / "definitions"
    shutil.copytree(questionnaires.DEFINITIONS_DIR, root)
    monkeypatch.setitem(loader._registries, questionnaires.DEFINITIONS_DIR, loader.Registry(root))
    old = services.start(company_admin.company, MIIT, company_admin)
    client = login_as(company_admin)
    assert _post(client, old, {"answers": _complete_miit_answers()}).status_code == 200
    services.submit(old, company_admin, attested=True)

    # publish version 2025 that reuses the item ids but words a question differently
    data = read_yaml(root / MIIT / "2024.yaml")
    data["version"] = "2025"
    data["status"] = "draft"
    data["modules"][0]["items"][0]["text_zh"] = "新版措辞：企业网络建设情况"
    _declare_bounds(data)  # a new version must declare min and max for every number field
    (root / MIIT / "2025.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    questionnaires.registry(None).publish(MIIT, "2025")

    new = services.start(company_admin.company, MIIT, company_admin)
    assert (old.instrument_version, new.instrument_version) == ("2024", "2025")
    old_page = client.get(f"/company/assessments/{old.id}/modules/base").get_data(as_text=True)
    new_page = client.get(f"/company/assessments/{new.id}/modules/base").get_data(as_text=True)
    assert "企业目前具备哪些网络连接能力" in old_page and "新版措辞" not in old_page
    assert "新版措辞" in new_page
    assert instrument_of(old).content_hash == old.instrument_hash
