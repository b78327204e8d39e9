"""Stored scoring results (one row per computation; old rows are kept) and companies' target levels."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow


class AssessmentResult(db.Model):  # type: ignore[name-defined]
    """The scoring engine's result for an assessment, with the engine version that produced it.

    The full result is kept as JSON; the columns below copy the figures bureaus count and filter on.
    """

    __tablename__ = "assessment_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    engine_version: Mapped[str] = mapped_column(sa.String(20))
    answers_hash: Mapped[str] = mapped_column(sa.String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    overall_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    overall_level: Mapped[int | None]
    miit_points: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 3))
    miit_level: Mapped[int | None]
    on_cloud: Mapped[bool | None]  # 上云: at least one of the four kinds (scoring definition gd-cloud-5g-v1)
    on_platform: Mapped[bool | None]  # 上平台
    cloud_equipment: Mapped[bool | None]
    cloud_rnd: Mapped[bool | None]
    cloud_supply_chain: Mapped[bool | None]
    cloud_operations: Mapped[bool | None]
    fiveg_tier: Mapped[str | None] = mapped_column(sa.String(12))
    # Each dimension's id, titles, score, level (and its name) and number of questions shown, copied
    # from the result (portal/results/services.py dimension_figures): what peer benchmarks rank and round
    # comparisons compare, a few hundred bytes against the ~50 KB of the result's dimensions.
    dimensions: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    # The upgrade plan the result page shows first, worked out when the row is stored (portal/results/
    # plan_ahead.py): {"key": fingerprint of its inputs, "plans": the plan set}; None until then, or when
    # stored by a recompute (the page then computes it on its first view, as for any other target).
    default_plan: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class DimensionTarget(db.Model):  # type: ignore[name-defined]
    """A level a company aims at for one dimension of an instrument; the roadmap aims at it."""

    __tablename__ = "dimension_targets"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    module_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    level: Mapped[int]
