"""Consent-based access of service providers to a company's assessment: no consent → no data (pages and
API), expiry and revocation, share-only cannot write, assist-mode attribution, audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory, answer_everything, submitted
from werkzeug.test import TestResponse

from portal.assessments import saving
from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import AnswerChange, Assessment, AuditEvent, Consent, ConsentMode, ProviderOrg, Role, User
from portal.models._common import utcnow
from portal.providers import consent

GD = "gd-mfg-dt"

READ_PATHS = (
    "/company/assessments/{id}",
    "/company/assessments/{id}/review",
    "/company/assessments/{id}/result",
    "/api/v1/assessments/{id}/answers",
    "/api/v1/assessments/{id}/result",
)
ITEM = "cloud.ops.integration"


def _grant(
    assessment: Assessment, admin: User, org: ProviderOrg, mode: ConsentMode = ConsentMode.SHARE
) -> Consent:
    return consent.grant(
        assessment.company, assessment, org, mode, consent.local_today() + timedelta(days=7), admin
    )


def _draft(make: Factory) -> tuple[Assessment, User]:
    admin = make.user(Role.ENTERPRISE)
    assessment = assessments.start(admin.company, GD, admin)
    answer_everything(assessment, admin, choice=1)
    return assessment, admin


def _statuses(client: FlaskClient, assessment_id: int) -> list[int]:
    return [client.get(p.format(id=assessment_id)).status_code for p in READ_PATHS]


def _write(client: FlaskClient, assessment_id: int, value: str = "C") -> TestResponse:
    return client.post(
        f"/api/v1/assessments/{assessment_id}/answers", json={"answers": [{"item_id": ITEM, "value": value}]}
    )


def test_no_consent_no_data(make: Factory, login_as: LoginAs) -> None:
    assessment, _admin = submitted(make)
    provider = login_as(make.user(Role.PROVIDER))
    assert _statuses(provider, assessment.id) == [404] * len(READ_PATHS)
    assert provider.get(f"/company/assessments/{assessment.id}/modules/cloud").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_share_consent_reads_and_is_audited(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    user = make.user(Role.PROVIDER)
    _grant(assessment, admin, user.provider_org)
    provider = login_as(user)
    assert _statuses(provider, assessment.id) == [200] * len(READ_PATHS)
    html = provider.get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert assessment.company.name in html and "共享查看" in html
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[:5] == ["view_overview", "view_review", "view_result", "api_answers", "api_result"]
    event = db.session.scalars(sa.select(AuditEvent)).first()
    assert event is not None
    assert event.user_name == user.name and event.org_name == user.provider_org.name
    assert event.company_id == assessment.company_id
    # the company sees the trail on 共享与协作
    page = login_as(admin).get("/company/sharing/").get_data(as_text=True)
    assert "查看评估结果" in page and user.provider_org.name in page and user.name in page


def test_company_members_are_not_audited(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    assert login_as(admin).get(f"/company/assessments/{assessment.id}/result").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_consent_for_another_org_or_assessment_gives_nothing(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    other_assessment, other_admin = submitted(make)
    user = make.user(Role.PROVIDER)
    _grant(other_assessment, other_admin, user.provider_org)  # a different company's assessment
    _grant(assessment, admin, make.provider_org())  # a different provider organisation
    assert _statuses(login_as(user), assessment.id) == [404] * len(READ_PATHS)


def test_expired_consent_gives_nothing(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    user = make.user(Role.PROVIDER)
    granted = _grant(assessment, admin, user.provider_org)
    provider = login_as(user)
    assert provider.get(f"/company/assessments/{assessment.id}/result").status_code == 200
    granted.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _statuses(provider, assessment.id) == [404] * len(READ_PATHS)
    assert granted.status == "expired"


def test_consent_lasts_through_its_last_day_china_time(make: Factory) -> None:
    day = consent.local_today()
    expiry = consent.expiry_for(day)
    assert expiry.astimezone(consent.LOCAL_TZ).date() == day + timedelta(days=1)
    assert expiry.astimezone(consent.LOCAL_TZ).hour == 0


def test_revoked_consent_gives_nothing(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    user = make.user(Role.PROVIDER)
    granted = _grant(assessment, admin, user.provider_org)
    provider = login_as(user)
    assert provider.get(f"/api/v1/assessments/{assessment.id}/answers").status_code == 200
    company = login_as(admin)
    assert company.post(f"/company/sharing/{granted.id}/revoke").status_code == 302
    db.session.expire_all()
    assert granted.revoked_at is not None and granted.revoked_by_id == admin.id
    assert _statuses(provider, assessment.id) == [404] * len(READ_PATHS)


def test_only_the_company_admin_grants_and_revokes_own_consents(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    org = make.provider_org()
    day = (consent.local_today() + timedelta(days=3)).isoformat()
    form = {"assessment_id": assessment.id, "provider_org_id": org.id, "mode": "share", "ends_on": day}
    assert login_as(member).post("/company/sharing/grant", data=form).status_code == 403
    response = login_as(admin).post("/company/sharing/grant", data=form)
    assert response.status_code == 302
    granted = db.session.scalars(sa.select(Consent)).one()
    assert granted.mode is ConsentMode.SHARE and granted.ends_on.isoformat() == day
    # another company's administrator cannot revoke it
    stranger = make.user(Role.ENTERPRISE)
    assert login_as(stranger).post(f"/company/sharing/{granted.id}/revoke").status_code == 404


def test_grant_refuses_past_dates_and_other_companies_assessments(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make)
    foreign, _ = submitted(make)
    org = make.provider_org()
    company = login_as(admin)
    past = (consent.local_today() - timedelta(days=1)).isoformat()
    response = company.post(
        "/company/sharing/grant",
        data={"assessment_id": assessment.id, "provider_org_id": org.id, "mode": "share", "ends_on": past},
    )
    assert response.status_code == 422 and "截止日期不能早于今天" in response.get_data(as_text=True)
    future = (consent.local_today() + timedelta(days=1)).isoformat()
    response = company.post(
        "/company/sharing/grant",
        data={"assessment_id": foreign.id, "provider_org_id": org.id, "mode": "share", "ends_on": future},
    )
    assert response.status_code == 422  # not a choice of this company
    assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0


def test_share_only_cannot_write(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = _draft(make)
    user = make.user(Role.PROVIDER)
    _grant(assessment, admin, user.provider_org, ConsentMode.SHARE)
    provider = login_as(user)
    assert provider.get(f"/api/v1/assessments/{assessment.id}/answers").status_code == 200
    assert _write(provider, assessment.id).status_code in (403, 404)
    assert provider.get(f"/company/assessments/{assessment.id}/modules/cloud").status_code == 404
    assert provider.post(f"/company/assessments/{assessment.id}/modules/cloud", data={}).status_code == 404
    # and the service refuses too, whatever the caller
    with pytest.raises(assessments.AssessmentError) as refused:
        saving.save(assessment.id, [saving.Change(ITEM, "C", None)], user)
    assert refused.value.status == 404
    changes = db.session.scalars(sa.select(AnswerChange).where(AnswerChange.item_id == ITEM)).all()
    assert all(c.acting_provider_org_id is None for c in changes)


def test_assist_mode_edits_are_attributed_and_audited(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = _draft(make)
    user = make.user(Role.PROVIDER, name="周敏")
    org = user.provider_org
    _grant(assessment, admin, org, ConsentMode.ASSIST)
    provider = login_as(user)
    assert provider.get(f"/company/assessments/{assessment.id}/modules/cloud").status_code == 200
    response = _write(provider, assessment.id, "C")
    assert response.status_code == 200, response.get_json()
    change = db.session.scalars(
        sa.select(AnswerChange).where(AnswerChange.item_id == ITEM).order_by(AnswerChange.id.desc())
    ).first()
    assert change is not None
    assert change.user_id == user.id and change.acting_provider_org_id == org.id and change.new_value == "C"
    edit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "edit_answers")).one()
    assert edit.org_name == org.name and ITEM in (edit.detail or "")
    # the company sees who changed what, in its name
    state = login_as(admin).get(f"/api/v1/assessments/{assessment.id}/answers").get_json()
    assert state["answers"][ITEM]["updated_by"] == f"服务商 {org.name} 的 周敏"
    page = login_as(admin).get("/company/sharing/").get_data(as_text=True)
    assert f"服务商 {org.name} 的 周敏 代为修改" in page and ITEM in page
    # once revoked, assist stops at once
    granted = db.session.scalars(sa.select(Consent)).one()
    consent.revoke(granted, admin)
    assert _write(provider, assessment.id, "A").status_code == 404


def test_assist_cannot_submit_or_assign(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = _draft(make)
    user = make.user(Role.PROVIDER)
    _grant(assessment, admin, user.provider_org, ConsentMode.ASSIST)
    provider = login_as(user)
    assert (
        provider.post(f"/company/assessments/{assessment.id}/submit", data={"attest": "y"}).status_code == 403
    )
    assert provider.post(f"/company/assessments/{assessment.id}/assignments").status_code == 403


def test_can_view_hook(make: Factory) -> None:
    assessment, admin = submitted(make)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    user = make.user(Role.PROVIDER)
    bureau = make.user(Role.BUREAU)
    assert consent.can_view(admin, assessment) and consent.can_view(member, assessment)
    assert not consent.can_view(user, assessment) and not consent.can_view(bureau, assessment)
    granted = _grant(assessment, admin, user.provider_org)
    assert consent.can_view(user, assessment) and not consent.can_edit(user, assessment)
    consent.revoke(granted, admin)
    assert not consent.can_view(user, assessment)


def test_the_sharing_form_names_rounds_in_words(login_as: LoginAs, make: Factory) -> None:
    assessment, admin = submitted(make)
    html = login_as(admin).get("/company/sharing/").get_data(as_text=True)
    assert "T0 · 广东制造业数字化转型成熟度评估（已提交）" in html
    assert "gd-mfg-dt" not in html and f"#{assessment.id} " not in html


def test_the_sharing_form_asks_for_a_choice_and_preselects_the_newest_round(
    make: Factory, login_as: LoginAs
) -> None:
    assessment, admin = submitted(make)
    make.provider_org()
    company = login_as(admin)
    page = company.get("/company/sharing/").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="assessment_id".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r'<option([^>]*)value="([^"]*)"', select.group(0))
    assert options[0][1] == "" and "selected" in {v: a for a, v in options}[str(assessment.id)]
    day = (consent.local_today() + timedelta(days=3)).isoformat()
    form = {"assessment_id": "", "provider_org_id": "", "mode": "share", "ends_on": day}
    response = company.post("/company/sharing/grant", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "请选择评估。" in text and "请选择服务商。" in text
