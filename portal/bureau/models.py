"""Bureau dashboard tables: per-company-per-month facts, the per-period aggregate cube, program pipeline,
the indicator (target) catalogue and officers' reported actuals.

Dimension columns of the aggregate tables use '' for "unknown" (NULL would break the unique keys the
incremental upserts rely on).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

NONE_MONTH = 999_999  # "no later assessment" in the next_* columns (compares greater than any month index)

# Counted figures of the aggregate cube, in display order (defined by aggregates.rebuild.metric_columns).
GD_METRICS: tuple[str, ...] = (
    "gd_assessed",
    "on_cloud",
    "on_platform",
    "cloud_equipment",
    "cloud_rnd",
    "cloud_supply_chain",
    "cloud_operations",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "level_5",
    "fiveg_none",
    "fiveg_line",
    "fiveg_workshop",
    "fiveg_factory",
)
MIIT_METRICS: tuple[str, ...] = ("miit_assessed", "miit_0", "miit_1", "miit_2", "miit_3", "miit_4")
# "listed": the assessed companies that agreed to share their details (Company.bureau_sharing) — the ones a
# company list names; the others are its "assessed − listed".
METRICS: tuple[str, ...] = ("assessed", *GD_METRICS, *MIIT_METRICS, "listed")
# Beside each count the cube keeps the sum of the counted companies' record keys (the cell key before
# mod 256, see portal.bureau.disclosure): `key_<metric>`.
KEYS: tuple[str, ...] = tuple(f"key_{m}" for m in METRICS)
CUBE_COLUMNS: tuple[str, ...] = (*METRICS, *KEYS)
DIMENSIONS: tuple[str, ...] = ("city", "district", "cluster", "size_class")


class BureauFact(db.Model):  # type: ignore[name-defined]
    """One row per company and calendar month (Asia/Shanghai) in which it submitted an assessment.

    `gd_*` figures come from the company's latest submitted gd-mfg-dt assessment of that month,
    `miit_level` from its latest miit-sme-digital assessment of that month (latest result row of each).
    `next_*` = the month index of the company's next row with such data (NONE_MONTH if none), so
    "latest per company within months [a, b]" is simply `a <= month <= b AND next_x > b`.
    """

    __tablename__ = "bureau_facts"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(primary_key=True)  # year * 12 + month - 1
    city: Mapped[str] = mapped_column(sa.String(20), default="")
    district: Mapped[str] = mapped_column(sa.String(40), default="")
    cluster: Mapped[str] = mapped_column(sa.String(3), default="")
    size_class: Mapped[str] = mapped_column(sa.String(10), default="")
    # The company's consent to be named (Company.bureau_sharing), kept current like the dimensions.
    sharing: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    next_any: Mapped[int] = mapped_column(default=NONE_MONTH)
    has_gd: Mapped[bool] = mapped_column(default=False)
    next_gd: Mapped[int] = mapped_column(default=NONE_MONTH)
    has_miit: Mapped[bool] = mapped_column(default=False)
    next_miit: Mapped[int] = mapped_column(default=NONE_MONTH)
    gd_assessment_id: Mapped[int | None]
    miit_assessment_id: Mapped[int | None]
    overall_level: Mapped[int | None]
    on_cloud: Mapped[bool] = mapped_column(default=False)
    on_platform: Mapped[bool] = mapped_column(default=False)
    cloud_equipment: Mapped[bool] = mapped_column(default=False)
    cloud_rnd: Mapped[bool] = mapped_column(default=False)
    cloud_supply_chain: Mapped[bool] = mapped_column(default=False)
    cloud_operations: Mapped[bool] = mapped_column(default=False)
    fiveg_tier: Mapped[str | None] = mapped_column(sa.String(12))
    miit_level: Mapped[int | None]

    __table_args__ = (
        sa.Index("ix_bureau_facts_month", "month"),
        sa.Index("ix_bureau_facts_city_district", "city", "district"),
    )


_metric_columns: dict[str, Any] = {
    m: mapped_column(sa.Integer, default=0, server_default="0", nullable=False) for m in METRICS
} | {k: mapped_column(sa.BigInteger, default=0, server_default="0", nullable=False) for k in KEYS}


class BureauAggregate(db.Model):  # type: ignore[name-defined]
    """Counts per period (grain 'all' | 'month' | 'quarter', and the (month, next month) pairs date ranges
    are summed from) and company dimensions.

    Each company counts at most once per period: its latest assessment in that period (see BureauFact).
    Maintained on every stored result (aggregates.on_result_stored, a result_stored subscriber) and rebuilt by
    `flask bureau rebuild-aggregates`.
    """

    __tablename__ = "bureau_aggregates"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(sa.String(8))  # period kind + roll-up code: 'Ac', 'Mcd', 'Qf' …
    period: Mapped[int]  # month index, quarter index (year * 4 + q - 1) or 0 for 'all'
    # Range grains (aggregates.tables.RANGE_GRAINS): the month of the counted companies' next row; else 0.
    until: Mapped[int] = mapped_column(default=0, server_default="0")
    city: Mapped[str] = mapped_column(sa.String(20))
    district: Mapped[str] = mapped_column(sa.String(40))
    cluster: Mapped[str] = mapped_column(sa.String(3))
    size_class: Mapped[str] = mapped_column(sa.String(10))

    locals().update(_metric_columns)

    __table_args__ = (
        sa.UniqueConstraint(
            "grain", "period", "until", "city", "district", "cluster", "size_class", name="uq_bureau_agg"
        ),
        sa.Index("ix_bureau_agg_grain_city", "grain", "city", "district"),
    )


class BureauProgramStatus(db.Model):  # type: ignore[name-defined]
    """A company's standing for one program (pipeline rows only: eligible / needs_info), from the
    eligibility engine at submission (or `flask bureau refresh-eligibility`)."""

    __tablename__ = "bureau_program_status"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    program: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(12))
    estimated_award_wan: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    gaps: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    synthetic: Mapped[bool] = mapped_column(default=False)  # written by seed-scale, not by the engine
    # The rule version the status was computed with (rule_versions.id); null = the shipped rule file.
    rule_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("rule_versions.id", ondelete="SET NULL")
    )

    __table_args__ = (sa.Index("ix_bureau_program_status_program", "program", "status"),)


class BureauTotal(db.Model):  # type: ignore[name-defined]
    """Company counts kept beside the cube, per roll-up (grain = kind + roll-up code, as in the cube):

    * kind 'R' — companies registered now (program and status '');
    * kind 'P' — the program pipeline: companies per program and status, and the eligible ones' awards.

    Both were counted from the raw tables on every dashboard view: at 1,000,000 companies that scan was
    most of the first view. Kept current on every flush that adds, moves or removes a company and on every
    pipeline refresh (aggregates.totals); rebuilt with the cube. Company dimensions are the current ones.
    """

    __tablename__ = "bureau_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[str] = mapped_column(sa.String(8))  # 'Rc', 'Rcd' … 'Pc', 'Pccs' …
    program: Mapped[str] = mapped_column(sa.String(80), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="")
    city: Mapped[str] = mapped_column(sa.String(20))
    district: Mapped[str] = mapped_column(sa.String(40))
    cluster: Mapped[str] = mapped_column(sa.String(3))
    size_class: Mapped[str] = mapped_column(sa.String(10))
    companies: Mapped[int] = mapped_column(default=0, server_default="0")
    key_companies: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    award_wan: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), default=0, server_default="0")
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    name_en: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    __table_args__ = (
        sa.UniqueConstraint(
            "grain", "program", "status", "city", "district", "cluster", "size_class", name="uq_bureau_totals"
        ),
    )


class BureauIndicator(db.Model):  # type: ignore[name-defined]
    """A plan indicator with baseline and target, for one jurisdiction, with its source text and line."""

    __tablename__ = "bureau_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    jurisdiction_level: Mapped[str] = mapped_column(sa.String(10))  # province | city | district
    city: Mapped[str | None] = mapped_column(sa.String(20))
    district: Mapped[str | None] = mapped_column(sa.String(40))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(40))
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    baseline_text: Mapped[str | None] = mapped_column(sa.String(200))
    target_year: Mapped[int | None]
    target_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    target_op: Mapped[str] = mapped_column(sa.String(4), default="=")
    target_text: Mapped[str | None] = mapped_column(sa.String(200))
    source_document: Mapped[str] = mapped_column(sa.String(300))
    source_lines: Mapped[str] = mapped_column(sa.String(80))
    digest_ref: Mapped[str] = mapped_column(sa.String(120))
    portal_metric: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)
    sort_order: Mapped[int] = mapped_column(default=0)


class BureauIndicatorActual(db.Model):  # type: ignore[name-defined]
    """An actual value reported by an officer of the indicator's jurisdiction for one period."""

    __tablename__ = "bureau_indicator_actuals"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bureau_indicators.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(sa.String(10))  # '2024' or '2024Q3' or '2024-06'
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4))
    note: Mapped[str | None] = mapped_column(sa.String(300))
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("indicator_id", "period", name="uq_indicator_actual_period"),)
