"""Facts the platform computed (the MIIT level of a submitted assessment, the maturity level, 上云/上平台)
feed eligibility and the bureau pipeline, shown with their source; a typed value never silently overrides
them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fixture_types import LoginAs
from tests_support import Factory

from portal.bureau.aggregates import refresh_eligibility
from portal.eligibility import facts, services
from portal.extensions import db
from portal.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    CompanyEligibilityProfile,
    JurisdictionLevel,
    Role,
)

MIIT, GD = "miit-sme-digital", "gd-mfg-dt"
# 2026-11-30 03:00 UTC is 11:00 in China; 16:30 UTC is already 2026-12-01 there.
MORNING = datetime(2026, 11, 30, 3, tzinfo=UTC)
EVENING = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)


def _submit(company: Any, when: datetime, instrument: str = MIIT, **fields: Any) -> AssessmentResult:
    assessment = Assessment(
        company_id=company.id,
        instrument_id=instrument,
        instrument_version="t",
        instrument_hash="x",
        status=AssessmentStatus.SUBMITTED,
        created_at=when,
        updated_at=when,
        submitted_at=when,
    )
    db.session.add(assessment)
    db.session.flush()
    row = AssessmentResult(
        assessment_id=assessment.id,
        engine_version="test",
        answers_hash="0" * 64,
        computed_at=when,
        result={},
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def _missing_fields(report: dict[str, Any]) -> set[str]:
    return {m for r in report["results"] for reason in r["reasons"] for m in reason.get("missing_fields", [])}


def test_the_miit_level_of_a_submitted_assessment_is_used(make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    company = user.company
    report = services.evaluate_company(company)
    assert "miit_digital_level" in _missing_fields(report)  # nothing submitted yet: asked for
    _submit(company, MORNING, miit_level=1)
    _submit(company, EVENING, miit_level=2)  # the latest submission counts
    assert services.build_input(company)["company"]["miit_digital_level"] == 2
    assert "miit_digital_level" not in _missing_fields(services.evaluate_company(company))


def test_a_typed_level_does_not_override_the_computed_one(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.ENTERPRISE)
    company = user.company
    services.save_conditions(company, {"miit_digital_level": 4}, user)
    assert services.build_input(company)["company"]["miit_digital_level"] == 4  # nothing computed yet
    _submit(company, MORNING, miit_level=2)
    assert services.build_input(company)["company"]["miit_digital_level"] == 2
    client = login_as(user)
    page = client.get("/company/eligibility").get_data(as_text=True)
    assert "二级" in page and "来自 2026-11-30 提交的评测" in page and "用于政策匹配" in page
    assert "此前手工填写的“四级”未采用" in page
    assert "miit_digital_level" not in page
    form = client.get("/company/eligibility/conditions/edit").get_data(as_text=True)
    assert 'name="miit_digital_level"' not in form  # locked: shown with its source, not asked
    assert "来自 2026-11-30 提交的评测" in form
    # saving the conditions keeps working without the locked field
    response = client.post("/company/eligibility/conditions/edit", data={"registered_in_guangdong": "yes"})
    assert response.status_code == 302
    stored = db.session.get(CompanyEligibilityProfile, company.id)
    assert stored is not None and "miit_digital_level" not in stored.data


def test_sources_are_dated_in_china_time_and_in_english(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.ENTERPRISE)
    _submit(user.company, EVENING, miit_level=3)
    _submit(user.company, MORNING, GD, overall_level=2, on_cloud=True, on_platform=False)
    client = login_as(user)
    page = client.get("/company/eligibility").get_data(as_text=True)
    assert "三级" in page and "来自 2026-12-01 提交的评测" in page  # 16:30 UTC is Dec 1st in China
    assert "数字化转型成熟度等级" in page and "已上云" in page and "已上平台" in page
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/company/eligibility").get_data(as_text=True)
    assert "level 3" in page and "from the assessment submitted on 2026-12-01" in page


def test_computed_facts_name_their_assessment() -> None:
    fact = facts.Fact("miit_digital_level", 2, "等级", "level", "二级", "level 2", MORNING, 7)
    assert fact.used and fact.assessment_id == 7
    assert not facts.Fact("gd_maturity_level", 2, "等级", "level", "二级", "level 2", MORNING).used


def test_bureau_pipeline_uses_the_computed_level_and_names_fields_in_words(
    make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.bureau import disclosure

    # Disclosure control withholds half of the all-consenting lists at random (keyed on the companies):
    # this test reads the list's wording, so it keeps the list.
    monkeypatch.setattr(disclosure, "WITHHOLD_ALL_CONSENTING", 0.0)
    with_level = make.company(name="有评测企业", bureau_sharing=True)
    without = make.company(name="无评测企业", bureau_sharing=True)
    _submit(with_level, MORNING, miit_level=2)
    for company in (with_level, without):
        refresh_eligibility(company)
    db.session.commit()
    officer = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE)
    page = login_as(officer).get("/bureau/pipeline").get_data(as_text=True)
    assert "miit_digital_level" not in page
    rows = page.split("<tr")
    assert any("无评测企业" in r and "中小企业数字化水平评测等级：待补充" in r for r in rows)
    assert not any("有评测企业" in r and "中小企业数字化水平评测等级" in r for r in rows)
