"""Fact rows in Python: one row per company and month, and what each row adds to the cube."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.bureau.aggregates.tables import (
    FIVEG_TIERS,
    GD_FLAGS,
    GD_INSTRUMENT,
    LEVELS,
    MIIT_INSTRUMENT,
    MIIT_LEVELS,
    RANGE_ROLLUPS,
    ROLLED,
    ROLLUPS,
    Key,
    grain_code,
    month_index,
    quarter_of,
)
from portal.bureau.disclosure import record_key
from portal.bureau.models import (
    DIMENSIONS,
    NONE_MONTH,
)
from portal.models import Assessment, AssessmentResult, AssessmentStatus


@dataclass(frozen=True, slots=True)
class Submission:
    company_id: int
    assessment_id: int
    instrument_id: str
    submitted_at: datetime
    overall_level: int | None
    on_cloud: bool | None
    on_platform: bool | None
    cloud_equipment: bool | None
    cloud_rnd: bool | None
    cloud_supply_chain: bool | None
    cloud_operations: bool | None
    fiveg_tier: str | None
    miit_level: int | None


def submissions_query(company_id: int | None = None, id_range: tuple[int, int] | None = None) -> Any:
    """Submitted assessments with their latest result row, ordered by company, submission, id.

    Limited to one company, or to companies with `id_range[0] <= id < id_range[1]`.
    """
    if company_id is not None:
        id_range = (company_id, company_id + 1)
    latest = sa.select(sa.func.max(AssessmentResult.id).label("rid")).group_by(AssessmentResult.assessment_id)
    if id_range is not None:
        latest = latest.join(Assessment, Assessment.id == AssessmentResult.assessment_id).where(
            Assessment.company_id >= id_range[0], Assessment.company_id < id_range[1]
        )
    latest_sq = latest.subquery()
    r = AssessmentResult
    query = (
        sa.select(
            Assessment.company_id,
            Assessment.id,
            Assessment.instrument_id,
            Assessment.submitted_at,
            r.overall_level,
            r.on_cloud,
            r.on_platform,
            r.cloud_equipment,
            r.cloud_rnd,
            r.cloud_supply_chain,
            r.cloud_operations,
            r.fiveg_tier,
            r.miit_level,
        )
        .join(r, r.assessment_id == Assessment.id)
        .join(latest_sq, latest_sq.c.rid == r.id)
        .where(Assessment.status == AssessmentStatus.SUBMITTED, Assessment.submitted_at.is_not(None))
        .order_by(Assessment.company_id, Assessment.submitted_at, Assessment.id)
    )
    if id_range is not None:
        query = query.where(Assessment.company_id >= id_range[0], Assessment.company_id < id_range[1])
    return query


def company_dims(company: Any) -> dict[str, Any]:
    """What a company's fact rows copy from the company: its dimensions and its consent to be named."""
    get = company.get if isinstance(company, Mapping) else lambda k: getattr(company, k)
    return {**{d: (get(d) or "") for d in DIMENSIONS}, "sharing": bool(get("bureau_sharing"))}


def build_facts(company_id: int, dims: Mapping[str, Any], subs: Sequence[Submission]) -> list[dict[str, Any]]:
    """The company's fact rows from its submissions (sorted by submission time, then id)."""
    months: dict[int, dict[str, Any]] = {}
    for sub in subs:
        month = month_index(sub.submitted_at)
        row = months.setdefault(month, _empty_fact(company_id, month, dims))
        if sub.instrument_id == GD_INSTRUMENT:  # later submissions overwrite earlier ones of the month
            row.update(
                has_gd=True,
                gd_assessment_id=sub.assessment_id,
                overall_level=sub.overall_level,
                on_cloud=bool(sub.on_cloud),
                on_platform=bool(sub.on_platform),
                cloud_equipment=bool(sub.cloud_equipment),
                cloud_rnd=bool(sub.cloud_rnd),
                cloud_supply_chain=bool(sub.cloud_supply_chain),
                cloud_operations=bool(sub.cloud_operations),
                fiveg_tier=sub.fiveg_tier,
            )
        elif sub.instrument_id == MIIT_INSTRUMENT:
            row.update(has_miit=True, miit_assessment_id=sub.assessment_id, miit_level=sub.miit_level)
    rows = [months[m] for m in sorted(months)]
    next_any = next_gd = next_miit = NONE_MONTH
    for row in reversed(rows):
        row["next_any"], row["next_gd"], row["next_miit"] = next_any, next_gd, next_miit
        next_any = row["month"]
        if row["has_gd"]:
            next_gd = row["month"]
        if row["has_miit"]:
            next_miit = row["month"]
    return rows


def _empty_fact(company_id: int, month: int, dims: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "month": month,
        **dims,
        "next_any": NONE_MONTH,
        "has_gd": False,
        "next_gd": NONE_MONTH,
        "has_miit": False,
        "next_miit": NONE_MONTH,
        "gd_assessment_id": None,
        "miit_assessment_id": None,
        "overall_level": None,
        "on_cloud": False,
        "on_platform": False,
        "cloud_equipment": False,
        "cloud_rnd": False,
        "cloud_supply_chain": False,
        "cloud_operations": False,
        "fiveg_tier": None,
        "miit_level": None,
    }


def _gd_vector(fact: Mapping[str, Any]) -> dict[str, int]:
    out = {"gd_assessed": 1}
    for flag in GD_FLAGS:
        if fact[flag]:
            out[flag] = 1
    if fact["overall_level"] in LEVELS:
        out[f"level_{fact['overall_level']}"] = 1
    if fact["fiveg_tier"] in FIVEG_TIERS:
        out[f"fiveg_{fact['fiveg_tier']}"] = 1
    return out


def _miit_vector(fact: Mapping[str, Any]) -> dict[str, int]:
    out = {"miit_assessed": 1}
    if fact["miit_level"] in MIIT_LEVELS:
        out[f"miit_{fact['miit_level']}"] = 1
    return out


def contributions(fact: Mapping[str, Any]) -> Iterator[tuple[Key, dict[str, int]]]:
    """What one fact row adds to the cube, per grain (the Python twin of `_cube_select`)."""
    dims = tuple(fact[d] for d in DIMENSIONS)
    rkey = record_key(fact["company_id"])
    month = fact["month"]
    quarter = quarter_of(month)
    for grain, period, any_on, gd_on, miit_on in (
        ("month", month, True, fact["has_gd"], fact["has_miit"]),
        (
            "quarter",
            quarter,
            quarter_of(fact["next_any"]) > quarter,
            fact["has_gd"] and quarter_of(fact["next_gd"]) > quarter,
            fact["has_miit"] and quarter_of(fact["next_miit"]) > quarter,
        ),
        (
            "all",
            0,
            fact["next_any"] == NONE_MONTH,
            fact["has_gd"] and fact["next_gd"] == NONE_MONTH,
            fact["has_miit"] and fact["next_miit"] == NONE_MONTH,
        ),
    ):
        vector: dict[str, int] = {}
        if any_on:
            vector["assessed"] = 1
            if fact["sharing"]:
                vector["listed"] = 1
        if gd_on:
            vector.update(_gd_vector(fact))
        if miit_on:
            vector.update(_miit_vector(fact))
        yield from _rolled(grain, period, 0, dims, vector, rkey, ROLLUPS)
    for grain, until, vector in (
        ("range_any", fact["next_any"], {"assessed": 1} | ({"listed": 1} if fact["sharing"] else {})),
        ("range_gd", fact["next_gd"], _gd_vector(fact) if fact["has_gd"] else {}),
        ("range_miit", fact["next_miit"], _miit_vector(fact) if fact["has_miit"] else {}),
    ):
        if until != NONE_MONTH:  # a row without a next one is never subtracted from a range
            yield from _rolled(grain, month, until, dims, vector, rkey, RANGE_ROLLUPS)


def _rolled(  # noqa: PLR0913, PLR0917 — one cube key's parts, the counts and the roll-ups to count them in
    grain: str,
    period: int,
    until: int,
    dims: tuple[str, ...],
    vector: dict[str, int],
    rkey: int,
    rollups: Iterable[str],
) -> Iterator[tuple[Key, dict[str, int]]]:
    if not vector:
        return
    vector = vector | {f"key_{m}": rkey for m in vector}  # the cell keys move with the counts
    for code in rollups:
        kept = ROLLUPS[code]
        rolled = tuple(v if d in kept else ROLLED for d, v in zip(DIMENSIONS, dims, strict=True))
        yield (grain_code(grain, code), period, until, *rolled), vector  # type: ignore[misc]


def fact_delta(
    old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]
) -> dict[Key, dict[str, int]]:
    delta: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, facts in ((-1, old), (1, new)):
        for fact in facts:
            for key, vector in contributions(fact):
                for metric, value in vector.items():
                    delta[key][metric] += sign * value
    return {k: {m: v for m, v in vec.items() if v} for k, vec in delta.items() if any(vec.values())}
