"""Scoring results in the portal: compute with the pure engine, store with its version, read back.

- A submitted assessment is scored once at submission and stored (AssessmentResult, one row per
  computation; `flask scores recompute` adds rows with the current engine, old rows are kept).
- A draft is scored live as a preview and never stored.
- The peer benchmark is computed when a result is shown, against the latest stored results of other
  companies' submitted assessments of the same instrument (it changes as more companies submit).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal import transactions
from portal.choices import known_cluster
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Company,
    DimensionTarget,
)
from portal.models._common import utcnow
from portal.signals import send_result_stored
from scoring import maturity


def answers_hash(answers: Mapping[str, Any]) -> str:
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def profile_of(company: Company) -> dict[str, Any]:
    """The scoring profile. A stored cluster that is not one of the 20 (data from before the profile form
    refused such values, or imported) counts as none, so the result still shows instead of a 500."""
    return {"cluster": known_cluster(company.cluster), "size": company.size_class, "city": company.city}


def targets_of(company: Company, instrument_id: str) -> dict[str, int]:
    rows = db.session.scalars(
        sa.select(DimensionTarget).where(
            DimensionTarget.company_id == company.id, DimensionTarget.instrument_id == instrument_id
        )
    )
    return {row.module_id: row.level for row in rows}


def set_targets(company: Company, instrument_id: str, targets: Mapping[str, int | None]) -> None:
    """Replace the company's target levels (1–5) for an instrument; None removes a target."""
    for module_id, level in targets.items():
        row = db.session.get(DimensionTarget, (company.id, instrument_id, module_id))
        if level is None:
            if row is not None:
                db.session.delete(row)
            continue
        if not 1 <= level <= 5:
            raise ValueError(f"target level {level} out of range")
        if row is None:
            db.session.add(
                DimensionTarget(
                    company_id=company.id, instrument_id=instrument_id, module_id=module_id, level=level
                )
            )
        else:
            row.level = level
    db.session.commit()


def compute(assessment: Assessment, peers: list[maturity.PeerRecord] | None = None) -> maturity.ScoreResult:
    company = assessment.company
    return maturity.score(
        instrument_of(assessment),
        assessment.answer_map(),
        profile=profile_of(company),
        targets=targets_of(company, assessment.instrument_id),
        peers=peers,
    )


def store(assessment: Assessment, *, recompute: bool = False) -> AssessmentResult:
    """Score a submitted assessment with the current engine and keep the result (a new row).
    *recompute*: part of re-scoring every result (subscribers skip what can wait for a first view)."""
    result = compute(assessment)
    plain = maturity.to_plain(result)
    cloud = result.cloud
    kinds = {k.kind_id: k.counted for k in cloud.kinds} if cloud is not None else {}
    row = AssessmentResult(
        assessment_id=assessment.id,
        engine_version=result.engine_version,
        answers_hash=answers_hash(assessment.answer_map()),
        computed_at=utcnow(),
        result=plain,
        overall_score=result.overall.score,
        overall_level=result.overall.level,
        miit_points=result.miit.points["total"] if result.miit is not None else None,
        miit_level=result.miit.level if result.miit is not None else None,
        on_cloud=cloud.on_cloud if cloud is not None else None,
        on_platform=cloud.on_platform if cloud is not None else None,
        cloud_equipment=kinds.get("cloud_equipment"),
        cloud_rnd=kinds.get("cloud_rnd"),
        cloud_supply_chain=kinds.get("cloud_supply_chain"),
        cloud_operations=kinds.get("cloud_operations"),
        fiveg_tier=result.fiveg.tier if result.fiveg is not None else None,
        dimensions=dimension_figures(plain),
    )
    db.session.add(row)
    db.session.commit()
    # subscribers: the bureau aggregates (portal/bureau/__init__.py), the default plan (results/plan_ahead.py)
    send_result_stored(row, recompute=recompute)
    return row


# What a stored result's `dimensions` column copies of each dimension (the migration that added the column
# copied the same fields into the rows stored before it).
DIMENSION_FIELDS = (
    "module_id",
    "title_zh",
    "title_en",
    "score",
    "level",
    "level_name_zh",
    "level_name_en",
    "visible_items",
)


def dimension_figures(plain: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The figures of each dimension of a plain result (maturity.to_plain) kept in its own column."""
    return [{field: module.get(field) for field in DIMENSION_FIELDS} for module in plain.get("modules") or ()]


def latest_row(assessment: Assessment) -> AssessmentResult | None:
    return db.session.scalar(
        sa.select(AssessmentResult)
        .where(AssessmentResult.assessment_id == assessment.id)
        .order_by(AssessmentResult.id.desc())
        .limit(1)
    )


def latest_peer_results(assessment: Assessment) -> Any:
    """Ids of the latest stored result of every OTHER company's latest submitted assessment of this
    instrument: the peer population of benchmarks (web page and PDF report alike)."""
    latest_assessment = (
        sa.select(sa.func.max(Assessment.id).label("id"))
        .where(
            Assessment.instrument_id == assessment.instrument_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.company_id != assessment.company_id,
        )
        .group_by(Assessment.company_id)
        .subquery()
    )
    return (
        sa.select(sa.func.max(AssessmentResult.id).label("id"))
        .where(AssessmentResult.assessment_id.in_(sa.select(latest_assessment.c.id)))
        .group_by(AssessmentResult.assessment_id)
        .subquery()
    )


@dataclass(frozen=True)
class PeerRow:
    """A peer's figures the benchmarks rank: overall score, MIIT points, each dimension, and its profile."""

    overall_score: Decimal | None
    miit_points: Decimal | None
    dimensions: list[dict[str, Any]]
    cluster: str | None
    size: str | None
    city: str | None


def peer_rows(assessment: Assessment) -> tuple[PeerRow, ...]:
    """Every peer's figures, read once per request (the overall benchmark and each dimension's read the
    same rows)."""

    def read() -> tuple[PeerRow, ...]:
        latest_result = latest_peer_results(assessment)
        rows = db.session.execute(
            sa.select(
                AssessmentResult.overall_score,
                AssessmentResult.miit_points,
                AssessmentResult.dimensions,  # not the whole result (see the column)
                Company.cluster,
                Company.size_class,
                Company.city,
            )
            .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
            .join(Company, Company.id == Assessment.company_id)
            .where(AssessmentResult.id.in_(sa.select(latest_result.c.id)))
        )
        return tuple(PeerRow(score, points, dims or [], *profile) for score, points, dims, *profile in rows)

    return transactions.read_once(("peer rows", assessment.id), read)


def peers_for(assessment: Assessment) -> list[maturity.PeerRecord]:
    """Overall score (or MIIT points) of every peer, for the benchmark."""
    miit = _is_miit(assessment)
    return [
        maturity.PeerRecord(score=Decimal(score), cluster=p.cluster, size=p.size, city=p.city)
        for p in peer_rows(assessment)
        if (score := p.miit_points if miit else p.overall_score) is not None
    ]


def _is_miit(assessment: Assessment) -> bool:
    return instrument_of(assessment).scoring.method.startswith("miit")


@dataclass(frozen=True)
class Scored:
    """The result to show and the stored row it comes from (None: a draft's live preview)."""

    result: maturity.ScoreResult
    stored: AssessmentResult | None

    @property
    def stored_at(self) -> datetime | None:
        return self.stored.computed_at if self.stored is not None else None


def my_score(result: maturity.ScoreResult) -> Decimal | None:
    """The score a company is ranked by among its peers: MIIT points for the MIIT instrument (they decide
    its level), the overall score otherwise. The one definition of "which score is mine"."""
    return result.miit.points["total"] if result.miit is not None else result.overall.score


def scored(assessment: Assessment) -> Scored:
    """The result to show: stored (submitted) or a live preview (draft), with a fresh peer benchmark."""
    peers = peers_for(assessment)
    row = latest_row(assessment) if assessment.locked else None
    if row is None:
        return Scored(compute(assessment, peers), None)
    result = maturity.from_plain(row.result)
    profile = result.profile
    bench = maturity.benchmark(
        my_score(result) or Decimal(0), profile.cluster, profile.size, profile.city, peers
    )
    return Scored(dataclasses.replace(result, benchmark=bench), row)


def view_result(assessment: Assessment, shown: Scored | None = None) -> dict[str, Any]:
    """The result as the API gives it: the engine's JSON, plus when and by which engine it was stored.
    `shown`: the result when the caller already has it (`scored(assessment)`)."""
    shown = shown or scored(assessment)
    result: dict[str, Any] = maturity.to_plain(shown.result)
    row = shown.stored
    result["stored"] = (
        {"computed_at": row.computed_at.isoformat(), "engine_version": row.engine_version} if row else None
    )
    return result


def recompute_all(batch_size: int = 200) -> Iterator[int]:
    """Re-score every submitted assessment with the current engine (new rows; old rows kept).

    Yields the number done after each batch, for a progress bar.
    """
    ids = list(
        db.session.scalars(
            sa.select(Assessment.id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id)
        )
    )
    done = 0
    for start in range(0, len(ids), batch_size):
        for assessment_id in ids[start : start + batch_size]:
            assessment = db.session.get(Assessment, assessment_id)
            if assessment is not None:
                store(assessment, recompute=True)
        db.session.expunge_all()  # keep memory flat over large populations
        done += len(ids[start : start + batch_size])
        yield done


def count_submitted() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Assessment.id)).where(Assessment.status == AssessmentStatus.SUBMITTED)
        )
        or 0
    )
