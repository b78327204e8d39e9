"""Drill-down lists of the companies that agreed to share details (Company.bureau_sharing); the others
are only counted (published through `portal.bureau.disclosure`), never named. A list is withheld when
1–4 companies of the selection did not agree: the published totals minus the list would single them out."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, Final

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.bureau import aggregates
from portal.bureau.disclosure import ZERO, Tally, list_withheld, publish, record_key_sql, tally
from portal.bureau.models import NONE_MONTH, BureauProgramStatus
from portal.bureau.queries.counts import measure
from portal.bureau.queries.filters import Filters, company_cols, dim_conditions
from portal.bureau.queries.labels import (
    FIVEG_NAMES,
    LEVEL_NAMES,
    MIIT_NAMES,
    SIZE_NAMES,
    city_name,
    cluster_name,
    district_name,
    program_name,
)
from portal.extensions import db
from portal.i18n import pick
from portal.inputs import MAX_PAGE
from portal.models import Company, User

PAGE_SIZE: Final = 50


def _latest_facts(user: User, filters: Filters) -> Any:
    """Per company the fact row counted for the filters (latest overall, or latest within the range)."""
    f = aggregates.FACT_TABLE.c
    if filters.dated:
        lo, hi = _range(filters)
        return [f.month >= lo, f.month <= hi, f.next_any > hi]
    return [f.next_any == NONE_MONTH]


def _tallies_by_consent(source: Any, where: list[Any], company_id: Any) -> tuple[Tally, Tally]:
    """Rows of consenting and of non-consenting companies: (sharing, hidden) tallies."""
    query = (
        sa.select(Company.bureau_sharing, sa.func.count(), sa.func.sum(record_key_sql(company_id)))
        .select_from(source)
        .where(*where)
        .group_by(Company.bureau_sharing)
    )
    found = {bool(sharing): tally(n, keys) for sharing, n, keys in db.session.execute(query)}
    return found.get(True, ZERO), found.get(False, ZERO)


def _range(filters: Filters) -> tuple[int, int]:
    """The months [lo, hi] the figures are read from: the filters' range, or all months."""
    if not filters.dated:
        return 0, NONE_MONTH - 1
    lo = filters.month_from if filters.month_from is not None else 0
    return lo, filters.month_to if filters.month_to is not None else NONE_MONTH - 1


def _latest_results(company_ids: list[int], lo: int, hi: int) -> dict[int, dict[str, Any]]:
    """Per company its latest gd-mfg-dt figures and its latest MIIT level within months [lo, hi].

    Each instrument is read from its own latest row: a month with only a MIIT assessment does not hide
    the maturity level of an earlier month. The company list and the pipeline both use this, so a company
    reads the same in both.
    """
    f = aggregates.FACT_TABLE.c
    found: dict[int, dict[str, Any]] = {cid: {} for cid in company_ids}
    if not company_ids:
        return found
    in_range = [f.company_id.in_(company_ids), f.month >= lo, f.month <= hi]
    gd_rows = db.session.execute(
        sa.select(f.company_id, f.overall_level, f.on_cloud, f.on_platform, f.fiveg_tier).where(
            *in_range, f.has_gd == sa.true(), f.next_gd > hi
        )
    )
    for r in gd_rows:
        found[r.company_id].update(
            level=str(LEVEL_NAMES.get(r.overall_level, "—")),
            on_cloud=bool(r.on_cloud),
            on_platform=bool(r.on_platform),
            fiveg=str(FIVEG_NAMES.get(r.fiveg_tier or "", "—")),
        )
    miit_rows = db.session.execute(
        sa.select(f.company_id, f.miit_level).where(*in_range, f.has_miit == sa.true(), f.next_miit > hi)
    )
    for r in miit_rows:
        if r.miit_level is not None:
            found[r.company_id]["miit_level"] = str(MIIT_NAMES.get(r.miit_level, "—"))
    return found


def _levels(latest: dict[str, Any]) -> dict[str, Any]:
    """A company's figures for a list row ("—" / None where it has no such result)."""
    return {
        "level": latest.get("level", "—"),
        "on_cloud": latest.get("on_cloud"),
        "on_platform": latest.get("on_platform"),
        "fiveg": latest.get("fiveg", "—"),
        "miit_level": latest.get("miit_level", "—"),
    }


def _company_query(user: User, filters: Filters) -> tuple[Any, bool, Tally, Tally]:
    """The consenting companies of the selection (ordered by name), whether the list is withheld, and
    the (sharing, hidden) tallies it is published with."""
    f = aggregates.FACT_TABLE.c
    # Counted like every dashboard figure (the cube): the listed companies and the others of the selection.
    counted = measure(user, filters)[""]
    sharing, hidden = counted["listed"], counted["assessed"] - counted["listed"]
    # The company's own columns select the rows (the fact rows carry the same values, kept current), so
    # the database walks the companies in name order by their indexes and stops at the page's end.
    base = [*_latest_facts(user, filters), *dim_conditions(company_cols(), user, filters)]
    join = aggregates.FACT_TABLE.join(Company.__table__, Company.id == f.company_id)
    query = (
        sa.select(
            Company.id,
            Company.name,
            Company.city,
            Company.district,
            Company.cluster,
            Company.size_class,
            f.month,
        )
        .select_from(join)
        .where(*base, Company.bureau_sharing == sa.true())
        .order_by(Company.name, Company.id)
    )
    return query, list_withheld(hidden, sharing + hidden), sharing, hidden


def _company_rows(rows: Sequence[Any], filters: Filters) -> list[dict[str, Any]]:
    latest = _latest_results([r.id for r in rows], *_range(filters))
    return [
        {
            "id": r.id,
            "name": r.name,
            "city": city_name(r.city),
            "district": district_name(r.city, r.district or ""),
            "cluster": cluster_name(r.cluster or ""),
            "size_class": str(SIZE_NAMES.get(r.size_class or "", r.size_class)),
            "month": aggregates.month_label(r.month),
            **_levels(latest[r.id]),
        }
        for r in rows
    ]


def company_list(user: User, filters: Filters, page: int = 1) -> dict[str, Any]:
    """One page of the assessed companies of the selection that agreed to share details
    (Company.bureau_sharing). Companies that did not agree are only counted (suppressed below 5), never
    named. Figures: each instrument's latest result of the selection's months (see `_latest_results`).
    """
    query, withheld, sharing, hidden = _company_query(user, filters)
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(query.limit(0 if withheld else PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    total = 0 if withheld else sharing.count
    return {
        "companies": _company_rows(rows, filters),
        "withheld": withheld,
        "sharing": total,
        "not_sharing": publish(hidden),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }


def all_companies(user: User, filters: Filters, batch: int = 1000) -> tuple[bool, Iterator[dict[str, Any]]]:
    """Every listed company of the selection, read `batch` rows at a time (a server-side cursor on
    PostgreSQL), so a province-wide export never holds the whole list in memory. (withheld, rows)."""
    query, withheld, _sharing, _hidden = _company_query(user, filters)

    def rows() -> Iterator[dict[str, Any]]:
        if withheld:
            return
        result = db.session.execute(query.execution_options(yield_per=batch))
        for part in result.partitions():
            yield from _company_rows(part, filters)

    return withheld, rows()


def company_batches(
    user: User, filters: Filters, batch: int = 1000
) -> tuple[bool, int, Iterator[list[dict[str, Any]]]]:
    """The listed companies of the selection in batches, for an export job: (withheld, rows, batches).

    Unlike `all_companies` (one cursor, read to the end), the caller may commit between batches — a job
    recording its progress — since no statement stays open: the companies' ids are read first, in list
    order, into a compact array (8 bytes a company: 8 MB for a million), then each batch's rows are read
    by their ids with a query of their own. Same list, same order, same withholding rule as the page."""
    query, withheld, _sharing, _hidden = _company_query(user, filters)
    ids = array("q")
    if not withheld:
        result = db.session.execute(query.with_only_columns(Company.id).execution_options(yield_per=batch))
        for part in result.partitions():
            ids.extend(row[0] for row in part)

    def batches() -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch].tolist()
            yield _company_rows(db.session.execute(query.where(Company.id.in_(chunk))).all(), filters)

    return withheld, len(ids), batches()


def _gap_text(gap: dict[str, Any]) -> str:
    """A gap as people read it: the field's name from the eligibility catalogue, never its key."""
    from portal.eligibility import catalog

    spec = catalog.field_spec(str(gap.get("field", "")))
    label = pick(spec.label_zh, spec.label_en) if spec else _("其他条件")
    if gap.get("missing"):
        return _("%(field)s：待补充", field=label)
    unit = pick(spec.unit_zh, spec.unit_en) if spec else ""
    return _("%(field)s：差 %(shortfall)s%(unit)s", field=label, shortfall=gap.get("shortfall"), unit=unit)


def pipeline_list(user: User, filters: Filters, program: str | None = None, page: int = 1) -> dict[str, Any]:
    """Program pipeline of consenting companies: company, level, program, status, award, gaps."""
    p = BureauProgramStatus
    where = [*dim_conditions(company_cols(), user, filters)]
    if program:
        where.append(p.program == program)
    shown, hidden = _tallies_by_consent(
        sa.join(p.__table__, Company.__table__, Company.id == p.company_id), where, p.company_id
    )
    withheld = list_withheld(hidden, shown + hidden)
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(
        sa.select(Company.id, Company.name, Company.city, Company.district, p)
        .join(Company, Company.id == p.company_id)
        .where(*where, Company.bureau_sharing == sa.true())
        .order_by(p.program, p.status, sa.desc(p.estimated_award_wan), Company.name)
        .limit(0 if withheld else PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    latest = _latest_results([r.id for r in rows], 0, NONE_MONTH - 1)  # the pipeline is current
    items = []
    for company_id, name, city, district, status in rows:
        levels = _levels(latest[company_id])
        items.append(
            {
                "company": name,
                "area": f"{city_name(city)} {district_name(city, district or '')}".strip(),
                "level": levels["level"],
                "miit_level": levels["miit_level"],
                "program": status.program,
                "program_name": program_name(status.program, status.name_zh, status.name_en),
                "status": status.status,
                "estimated_award_wan": str(status.estimated_award_wan)
                if status.estimated_award_wan is not None
                else None,
                "gaps": [_gap_text(g) for g in (status.gaps or [])],
                "synthetic": status.synthetic,
            }
        )
    total = 0 if withheld else shown.count
    return {
        "items": items,
        "withheld": withheld,
        "sharing": total,
        "not_sharing": publish(hidden),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }
