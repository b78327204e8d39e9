"""Demo data for the bureau pages (called by `flask bureau seed-demo`, after `flask seed-demo`).

Gives the demo companies that have no submitted assessment a synthetic history (same generator as
seed-scale, results marked synthetic), seeds the indicator catalogue and two example reported actuals.

A synthetic result is a set of bureau figures, not an engine result: its result page, API and PDF could not
render. So a company anyone can sign in as never gets one: the demo accounts' companies get real,
engine-scored submissions first (`portal.demo.submit_for_demo_members`), and any company with a member is
left out of the synthetic history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from portal.bureau import aggregates, seed_scale, targets
from portal.bureau.models import BureauIndicator, BureauIndicatorActual, BureauProgramStatus
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company, User

DEMO_MARK = "synthetic (bureau demo)"


def seed() -> str:
    targets.ensure_catalogue()
    if db.session.scalar(sa.select(Assessment.id).where(Assessment.attestation == DEMO_MARK).limit(1)):
        return "Bureau demo data already present; nothing to do."  # `make run` may run this every time
    from portal.demo import submit_for_demo_members

    submit_for_demo_members()
    assessed = sa.select(Assessment.company_id).where(Assessment.status == AssessmentStatus.SUBMITTED)
    with_members = sa.select(User.company_id).where(User.company_id.is_not(None))
    companies = list(
        db.session.scalars(
            sa.select(Company)
            .where(Company.id.not_in(assessed), Company.id.not_in(with_members))
            .order_by(Company.id)
        )
    )
    gen = seed_scale.Generator(7)
    now = datetime.now(UTC)
    hashes = gen.hashes
    added = 0
    for company in companies:
        plain = {"id": company.id, "size_class": company.size_class or "small", "city": company.city}
        level = miit = None
        for instrument, moment, fields in gen.submissions(plain):
            version = seed_scale.GD[1] if instrument == seed_scale.GD[0] else seed_scale.MIIT[1]
            assessment = Assessment(
                company_id=company.id,
                instrument_id=instrument,
                instrument_version=version,
                instrument_hash=hashes.get(instrument, ""),
                status=AssessmentStatus.SUBMITTED,
                created_at=moment,
                updated_at=moment,
                submitted_at=moment,
                attestation=DEMO_MARK,
            )
            db.session.add(assessment)
            db.session.flush()
            db.session.add(
                AssessmentResult(
                    assessment_id=assessment.id,
                    engine_version="synthetic",
                    answers_hash="0" * 64,
                    computed_at=moment,
                    result={"synthetic": True},
                    **fields,
                )
            )
            level = fields["overall_level"] if fields["overall_level"] is not None else level
            miit = fields["miit_level"] if fields["miit_level"] is not None else miit
            added += 1
        if level is not None or miit is not None:
            for row in gen.pipeline(plain, level, miit, now):
                db.session.add(BureauProgramStatus(**row))
    examples = {"jy_tu_cloud_enterprises": ("2020", "186"), "mj_above_scale_enterprises": ("2024", "66")}
    for code, (period, value) in examples.items():
        indicator = db.session.scalar(sa.select(BureauIndicator).where(BureauIndicator.code == code))
        exists = indicator and db.session.scalar(
            sa.select(BureauIndicatorActual.id).where(BureauIndicatorActual.indicator_id == indicator.id)
        )
        if indicator and not exists:
            db.session.add(
                BureauIndicatorActual(
                    indicator_id=indicator.id, period=period, value=Decimal(value), note="示例数据"
                )
            )
    db.session.commit()
    counts = aggregates.rebuild_all()
    return f"{added} synthetic assessments for {len(companies)} demo companies; {counts['facts']} fact rows."
