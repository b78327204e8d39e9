"""PIPL deletion keeps anonymised statistics consistent; the platform audit log records key actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, submitted

from portal import audit
from portal.bureau import aggregates
from portal.bureau.models import BureauAggregate
from portal.data.pipl import anonymised_code, delete_company
from portal.evidence import services as evidence
from portal.extensions import db
from portal.models import Answer, Company, ConsentMode, PlatformEvent, Role, User
from portal.providers.consent import grant, local_today, revoke
from scoring.reference import credit_code

CONSENT_COLUMNS = ("id", "listed", "key_listed")  # who may be named follows consent, not the statistics


def _cube() -> list[tuple[Any, ...]]:
    db.session.expire_all()
    columns = [c for c in BureauAggregate.__table__.columns if c.name not in CONSENT_COLUMNS]
    return sorted(tuple(row) for row in db.session.execute(sa.select(*columns)))


def _listed() -> int:
    """Companies a bureau's list may name, all time, province-wide (the cube's 'all' rows by city)."""
    agg = BureauAggregate.__table__.c
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(agg.listed), 0)).where(agg.grain == "Ac"))


def test_deleting_a_company_removes_personal_data_and_keeps_statistics(make: Factory) -> None:
    assessment, admin = submitted(make, cluster="c05", bureau_sharing=True, contact_name="王经理")
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False, phone="13800000000")
    submitted(make, cluster="c05")  # another company that stays
    text_items = [a for a in assessment.answers if isinstance(a.value, str) and len(a.value) > 1]
    before, listed_before = _cube(), _listed()
    company = admin.company
    emails = {admin.email, member.email}

    summary = delete_company(company, None)

    assert summary.accounts == 2
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email.in_(emails))) == 0
    db.session.refresh(company)
    assert company.name.startswith("已注销企业") and company.contact_name is None
    assert company.credit_code == anonymised_code(company.id) and not credit_code.is_valid(
        company.credit_code
    )
    assert not company.bureau_sharing
    for answer in text_items:
        assert db.session.get(Answer, answer.id).value is None or answer.item_id
    # the bureaus' anonymised counts are the same as before, and the same as a rebuild from raw data
    assert _cube() == before
    assert _listed() == listed_before - 1  # consent withdrawn with the data: no longer named in a list
    aggregates.rebuild_all()
    assert _cube() == before and _listed() == listed_before - 1
    events = audit.recent(action="delete_company")
    assert [e.target for e in events] == [f"company:{company.id}"]


def test_deletion_removes_evidence_files(make: Factory) -> None:
    from portal.assessments.services import start

    user = make.user(Role.ENTERPRISE)
    draft = start(user.company, "miit-sme-digital", user)
    evidence.add(draft, "base.equipment.digitization", evidence.Upload("名单.pdf", b"%PDF-1.4 x"), user)
    assert delete_company(user.company, None).evidence_files == 1
    assert evidence.files_by_item(draft) == {}


def test_cli_requires_confirmation(app: Flask, make: Factory) -> None:
    company = make.company()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["data", "delete-company", str(company.id)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert runner.invoke(args=["data", "delete-company", str(company.id), "--yes"]).exit_code == 0
    assert db.session.get(Company, company.id).name.startswith("已注销企业")


def test_audit_log_records_submission_consent_and_accounts(login_as: LoginAs, make: Factory) -> None:
    assessment, owner = submitted(make)
    provider = make.user(Role.PROVIDER)
    consent = grant(
        owner.company,
        assessment,
        provider.provider_org,
        ConsentMode.SHARE,
        local_today() + timedelta(days=3),
        owner,
    )
    revoke(consent, owner)
    admin = make.user(Role.ADMIN)
    client = login_as(admin)
    client.post(
        "/admin/users",
        data={
            "name": "李科长",
            "email": "li@test.dx",
            "password": "Bureau-2026",
            "level": "city",
            "city": "揭阳市",
        },
    )
    actions = [e.action for e in db.session.scalars(sa.select(PlatformEvent).order_by(PlatformEvent.id))]
    assert actions == ["submit_assessment", "grant_consent", "revoke_consent", "create_account"]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "提交评估" in page and "撤回授权" in page and admin.email in page
    assert login_as(owner).get("/admin/audit").status_code == 403
