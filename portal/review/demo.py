"""Demo data for the review and the pilot-target page (`flask review seed-demo`, after the bureau demo).

Appoints the demo provider's user (fuwushang@demo.dx) as assessor of the 揭阳 bureau (jieyang@demo.dx),
gives a dozen 揭阳 SMEs without a demo member a real MIIT 2024 round after their upgrade (answers
scored by the engine, marked as demo data) and has the assessor review most of them through the same
services an assessor uses: most answers confirmed, one adjusted with a comment, signed off.
"""

from __future__ import annotations

import random

import sqlalchemy as sa

import questionnaires
from portal.bureau.pilot import TARGET_LEVEL, pilot_cities
from portal.demo import _demo_answer
from portal.extensions import db
from portal.models import Answer, Assessment, AssessmentResult, AssessmentStatus, Company, User
from portal.models._common import utcnow
from portal.results import services as results
from portal.review import decisions, services
from portal.review.models import AssessorAppointment, Decision

DEMO_MARK = "demo (pilot upgrade round)"
ASSESSOR, OFFICER = "fuwushang@demo.dx", "jieyang@demo.dx"
CITY = "揭阳市"
UPGRADED, REVIEWED = 14, 11


def _latest_miit(company_id: int) -> int | None:
    return db.session.scalar(
        sa.select(AssessmentResult.miit_level)
        .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
        .where(Assessment.company_id == company_id, Assessment.instrument_id == services.MIIT_INSTRUMENT)
        .order_by(Assessment.submitted_at.desc(), AssessmentResult.id.desc())
        .limit(1)
    )


def _after_round(company: Company, rng: random.Random) -> Assessment | None:
    """A submitted MIIT round at 二级 or above (None if the answers drawn do not reach it)."""
    # Demo rounds of companies nobody signs in as: written directly, like the bureau's demo history, but
    # with real answers scored by the engine (their result pages and the review work like any other).
    instrument = questionnaires.latest_published(services.MIIT_INSTRUMENT)
    now = utcnow()
    assessment = Assessment(
        company_id=company.id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_hash=instrument.content_hash,
        created_at=now,
        updated_at=now,
    )
    db.session.add(assessment)
    db.session.flush()
    answers = {item.id: _demo_answer(item, rng, 0.85) for item in instrument.items}
    for item in questionnaires.visible_items(instrument, answers, company.cluster):
        db.session.add(Answer(assessment_id=assessment.id, item_id=item.id, value=answers[item.id]))
    assessment.status, assessment.submitted_at, assessment.attestation = (
        AssessmentStatus.SUBMITTED,
        now,
        DEMO_MARK,
    )
    db.session.commit()
    db.session.refresh(assessment)
    row = results.store(assessment)
    if row.miit_level is None or row.miit_level < TARGET_LEVEL:
        return None
    return assessment


def _review(assessor: User, assessment: Assessment, rng: random.Random) -> None:
    review = services.open_review(assessor, assessment)
    items = decisions.items_under_review(assessment, review)
    proposals = [decisions.Proposal(row.item.id, Decision.CONFIRM.value) for row in items]
    singles = [i for i, row in enumerate(items) if row.item.type == "single" and row.submitted is not None]
    if singles:  # one answer adjusted one option down, as an assessor finds on site
        i = rng.choice(singles)
        row = items[i]
        ids = list(row.item.option_ids)
        current = questionnaires.answer_value(row.submitted)
        lower = ids[max(0, ids.index(current) - 1)] if current in ids else ids[0]
        if lower != current:
            proposals[i] = decisions.Proposal(
                row.item.id,
                Decision.ADJUST.value,
                lower,
                "现场查看相关系统，覆盖范围小于填报，按实际情况调整。",
            )
    decisions.record(assessor, assessment, review, proposals)
    decisions.sign_off(assessor, assessment, review)


def _demo_company_round(assessor: User, rng: random.Random) -> None:
    """A MIIT round of the demo company (qiye@demo.dx), submitted by its member and reviewed with an
    adjustment, so the demo shows the company its confirmed level and the assessor's reasons."""
    from portal.assessments.services import start, submit
    from portal.demo import DEMO_COMPANY_NAME, fill_in

    company = db.session.scalar(sa.select(Company).where(Company.name == DEMO_COMPANY_NAME))
    member = company and db.session.scalar(
        sa.select(User).where(User.company_id == company.id, User.is_company_admin.is_(True)).limit(1)
    )
    if company is None or member is None:
        return
    assessment = start(company, services.MIIT_INSTRUMENT, member)
    fill_in(assessment, member, rng, 0.7)
    submit(assessment, member, attested=True)
    _review(assessor, assessment, rng)


def seed() -> str:
    assessor = db.session.scalar(sa.select(User).where(User.email == ASSESSOR))
    officer = db.session.scalar(sa.select(User).where(User.email == OFFICER))
    if assessor is None or officer is None:
        return "Demo accounts missing: run `flask seed-demo` first."
    if db.session.scalar(sa.select(Assessment.id).where(Assessment.attestation == DEMO_MARK).limit(1)):
        return "Review demo data already present; nothing to do."
    if CITY not in pilot_cities():  # pragma: no cover — 揭阳 is a pilot city
        return "揭阳 is not a pilot city in the rule; nothing to do."
    if not db.session.scalar(
        sa.select(AssessorAppointment.id).where(AssessorAppointment.user_id == assessor.id)
    ):
        services.appoint(officer, ASSESSOR)
    with_members = sa.select(User.company_id).where(User.company_id.is_not(None))
    candidates = db.session.scalars(
        sa.select(Company)
        .where(
            Company.city == CITY,
            Company.size_class.in_(("micro", "small", "medium")),
            Company.id.not_in(with_members),
        )
        .order_by(
            Company.bureau_sharing.desc(), Company.id
        )  # the list behind the count shows consenting ones
    ).all()
    rng = random.Random(2026)  # noqa: S311 — reproducible demo data, not security
    upgraded = reviewed = 0
    for company in candidates:
        if upgraded >= UPGRADED:
            break
        before = _latest_miit(company.id)
        if before is not None and before >= TARGET_LEVEL:
            continue  # already 二级: a new round would not be an upgrade
        assessment = _after_round(company, rng)
        if assessment is None:
            continue
        upgraded += 1
        if reviewed < REVIEWED:
            _review(assessor, assessment, rng)
            reviewed += 1
    _demo_company_round(assessor, rng)
    return f"Assessor {ASSESSOR} of {OFFICER}: {upgraded} upgrade rounds, {reviewed} reviews signed off."
