"""Filters from the query string, clamped to the officer's jurisdiction, and the SQL conditions they
become (the jurisdiction first)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _

from portal.bureau import aggregates, scope
from portal.bureau.aggregates import totals
from portal.bureau.models import DIMENSIONS
from portal.bureau.queries.labels import SIZE_CLASSES
from portal.models import Company, JurisdictionLevel, User
from scoring.reference import industries, regions

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # fullmatch, ASCII digits (\d also takes full-width ones)


@dataclass(frozen=True)
class Filters:
    city: str | None = None
    district: str | None = None
    cluster: str | None = None
    size_class: str | None = None
    month_from: int | None = None  # month index (aggregates.month_of), inclusive
    month_to: int | None = None
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def dated(self) -> bool:
        return self.month_from is not None or self.month_to is not None

    def as_args(self) -> dict[str, str]:
        """Query-string form (for links to exports, the API and drill-downs)."""
        out: dict[str, str] = {}
        for name in ("city", "district", "cluster", "size_class"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.month_from is not None:
            out["from"] = aggregates.month_label(self.month_from)
        if self.month_to is not None:
            out["to"] = aggregates.month_label(self.month_to)
        return out

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "errors"} | self.as_args()


def _month(text: str | None) -> int | None:
    m = _MONTH.fullmatch((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return aggregates.month_of(int(m.group(1)), int(m.group(2)))


def parse_filters(args: Mapping[str, str], user: User) -> Filters:
    """Filters from a query string, clamped to the officer's jurisdiction (unknown values are dropped)."""
    errors: list[str] = []
    city = (args.get("city") or "").strip() or None
    district = (args.get("district") or "").strip() or None
    if city is not None and city not in regions.CITIES:
        errors.append(_("未知的地市：%(value)s", value=city))
        city = None
    level = user.jurisdiction_level
    if level in (JurisdictionLevel.CITY, JurisdictionLevel.DISTRICT):
        city = user.jurisdiction_city
    if level is JurisdictionLevel.DISTRICT:
        district = user.jurisdiction_district
    if district is not None and (
        city is None or district not in {d.name_zh for d in regions.districts(city)}
    ):
        errors.append(_("未知的区县：%(value)s", value=district))
        district = None
    cluster = (args.get("cluster") or "").strip() or None
    if cluster is not None and cluster not in {c.id for c in industries.clusters()}:
        errors.append(_("未知的产业集群：%(value)s", value=cluster))
        cluster = None
    size = (args.get("size_class") or "").strip() or None
    if size is not None and size not in SIZE_CLASSES:
        errors.append(_("未知的企业规模：%(value)s", value=size))
        size = None
    month_from, month_to = _month(args.get("from")), _month(args.get("to"))
    for name in ("from", "to"):
        if args.get(name) and _month(args.get(name)) is None:
            errors.append(
                _("%(name)s：月份格式为 YYYY-MM", name=_("提交月份起") if name == "from" else _("提交月份止"))
            )
    if month_from is not None and month_to is not None and month_from > month_to:
        month_from, month_to = month_to, month_from
    return Filters(city, district, cluster, size, month_from, month_to, tuple(errors))


def dim_conditions(cols: Any, user: User, filters: Filters) -> list[Any]:
    """The officer's jurisdiction, then the filters chosen on the page."""
    conds: list[Any] = [scope.within_jurisdiction(user, cols["city"], cols["district"])]
    for name in DIMENSIONS:
        value = getattr(filters, name)
        if value:
            conds.append(cols[name] == value)
    return conds


def _needed_dims(user: User, filters: Filters, group_by: str | None = None) -> set[str]:
    needed = {d for d in DIMENSIONS if getattr(filters, d)} | {"city"}
    if user.jurisdiction_level is JurisdictionLevel.DISTRICT:
        needed.add("district")
    if group_by:
        needed.add(group_by)
    return needed


def grain_filter(grain: str, user: User, filters: Filters, group_by: str | None = None) -> Any:
    """Cube rows of the smallest roll-up that has every dimension filtered or grouped on."""
    code = aggregates.grain_code(grain, aggregates.rollup_for(_needed_dims(user, filters, group_by)))
    return aggregates.AGG_TABLE.c.grain == code


def range_grain_filter(user: User, filters: Filters, group_by: str | None = None) -> Any | None:
    """The cube's date-range rows (aggregates.tables.RANGE_GRAINS) of the smallest roll-up that has every
    dimension filtered or grouped on, or None when no range roll-up has them (read the fact rows then)."""
    code = aggregates.rollup_for(_needed_dims(user, filters, group_by))
    if code not in aggregates.RANGE_ROLLUPS:
        return None
    return aggregates.AGG_TABLE.c.grain.in_([aggregates.grain_code(g, code) for g in aggregates.RANGE_GRAINS])


def totals_grain_filter(kind: str, user: User, filters: Filters, group_by: str | None = None) -> Any:
    """`grain_filter` for the maintained totals (registered companies, the pipeline)."""
    code = kind + aggregates.rollup_for(_needed_dims(user, filters, group_by))
    return totals.TABLE.c.grain == code


def company_cols() -> dict[str, Any]:
    return {d: getattr(Company, d) for d in DIMENSIONS}
