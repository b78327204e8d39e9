"""Read side of the bureau dashboards: filters, jurisdiction scoping, counts, suppression.

Every figure the pages, the JSON API and the CSV/Excel exports show comes from `summary()` /
`trends()` here, so the three always agree. Counting rule: see portal/bureau/aggregates.py
(latest submitted assessment per company per period, counted on submission dates, Asia/Shanghai).

* Without a date range the figures come from the maintained cube (grain 'all').
* With a date range (whole months `from`..`to`) they come from `bureau_facts`: a company counts with its
  latest assessment submitted within the range.
* "Registered" counts companies in the portal now (not date-filtered).
* Small cells: any count of 1–4 companies is shown as "<5" and shares/awards derived from it as "—".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa

from portal.bureau import aggregates, scope
from portal.bureau.models import DIMENSIONS, METRICS, NONE_MONTH, BureauProgramStatus
from portal.extensions import db
from portal.inputs import MAX_PAGE
from portal.models import Company, JurisdictionLevel, User
from scoring.reference import industries, regions

MIN_CELL: Final = 5
SUPPRESSED: Final = "<5"
DASH: Final = "—"
SIZE_CLASSES: Final = ("large", "medium", "small", "micro")
SIZE_NAMES: Final = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "": "未划型"}
LEVEL_NAMES: Final = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
MIIT_NAMES: Final = {0: "未达一级", 1: "一级", 2: "二级", 3: "三级", 4: "四级"}
FIVEG_NAMES: Final = {"none": "未达产线级", "line": "产线级", "workshop": "车间级", "factory": "工厂级"}
CLOUD_KINDS: Final = {
    "cloud_equipment": "设备上云",
    "cloud_rnd": "研发上云",
    "cloud_supply_chain": "供应链上云",
    "cloud_operations": "运营管理上云",
}
COUNTING_RULE_ZH: Final = (
    "计数规则：按评估提交日期（北京时间）计入月份/季度；每家企业在每个期间只按其该期间内最近一次已提交评估计一次"
    "（成熟度等级、上云上平台、5G 来自 gd-mfg-dt 评估，工信部等级来自 miit-sme-digital 评估）；"
    "未选时间范围时为各企业最近一次评估。少于 5 家企业的单元格显示为“<5”，由其推算的比例显示为“—”。"
)
COUNTING_RULE_EN: Final = (
    "Counting rule: assessments count in the month/quarter of their submission date (China time); each "
    "company counts once per period, with its latest submitted assessment in that period (maturity level, "
    "cloud/platform and 5G from gd-mfg-dt, MIIT level from miit-sme-digital); without a date range, each "
    "company's latest assessment. Cells of fewer than 5 companies show '<5'; shares derived from them '—'."
)

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # fullmatch, ASCII digits (\d also takes full-width ones)

Cell = int | str


# ----------------------------------------------------------------------------------------- filters


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
        errors.append(f"unknown city {city}")
        city = None
    level = user.jurisdiction_level
    if level in (JurisdictionLevel.CITY, JurisdictionLevel.DISTRICT):
        city = user.jurisdiction_city
    if level is JurisdictionLevel.DISTRICT:
        district = user.jurisdiction_district
    if district is not None and (
        city is None or district not in {d.name_zh for d in regions.districts(city)}
    ):
        errors.append(f"unknown district {district}")
        district = None
    cluster = (args.get("cluster") or "").strip() or None
    if cluster is not None and cluster not in {c.id for c in industries.clusters()}:
        errors.append(f"unknown cluster {cluster}")
        cluster = None
    size = (args.get("size_class") or "").strip() or None
    if size is not None and size not in SIZE_CLASSES:
        errors.append(f"unknown size class {size}")
        size = None
    month_from, month_to = _month(args.get("from")), _month(args.get("to"))
    for name in ("from", "to"):
        if args.get(name) and _month(args.get(name)) is None:
            errors.append(f"{name}: use YYYY-MM")
    if month_from is not None and month_to is not None and month_from > month_to:
        month_from, month_to = month_to, month_from
    return Filters(city, district, cluster, size, month_from, month_to, tuple(errors))


def _dim_conditions(cols: Any, user: User, filters: Filters) -> list[Any]:
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


def _grain(grain: str, user: User, filters: Filters, group_by: str | None = None) -> Any:
    """Cube rows of the smallest roll-up that has every dimension filtered or grouped on."""
    code = aggregates.grain_code(grain, aggregates.rollup_for(_needed_dims(user, filters, group_by)))
    return aggregates.AGG_TABLE.c.grain == code


def _company_cols() -> dict[str, Any]:
    return {d: getattr(Company, d) for d in DIMENSIONS}


# ------------------------------------------------------------------------------------------ counts


def measure(user: User, filters: Filters, group_by: str | None = None) -> dict[str, dict[str, int]]:
    """Raw (unsuppressed) metric sums, optionally grouped by one dimension ('' key when ungrouped)."""
    if filters.dated:
        table = aggregates.FACT_TABLE
        lo = filters.month_from if filters.month_from is not None else 0
        hi = filters.month_to if filters.month_to is not None else NONE_MONTH - 1
        f = table.c
        cols = aggregates.metric_columns(
            table,
            f.next_any > hi,
            sa.and_(f.has_gd == sa.true(), f.next_gd > hi),
            sa.and_(f.has_miit == sa.true(), f.next_miit > hi),
        )
        where = [f.month >= lo, f.month <= hi]
    else:
        table = aggregates.AGG_TABLE
        cols = [sa.func.coalesce(sa.func.sum(table.c[m]), 0).label(m) for m in METRICS]
        where = [_grain("all", user, filters, group_by)]
    where += _dim_conditions(table.c, user, filters)
    key = table.c[group_by] if group_by else sa.literal("").label("k")
    query = (
        sa.select(key.label("k"), *cols).where(*where).group_by(key)
        if group_by
        else sa.select(*cols).where(*where)
    )
    out: dict[str, dict[str, int]] = {}
    for row in db.session.execute(query):
        mapping = row._mapping
        k = str(mapping["k"]) if group_by else ""
        out[k] = {m: int(mapping[m] or 0) for m in METRICS}
    if not group_by and "" not in out:
        out[""] = dict.fromkeys(METRICS, 0)
    return out


def _grouping_sets(
    dims: list[Any], groups: list[str | None], cols: list[Any], where: list[Any]
) -> tuple[Any, dict[int, str | None]]:
    """One scan, several groupings (PostgreSQL GROUPING SETS): the query and grouping() mask → group."""
    names = [d.key for d in dims]
    sets = [sa.tuple_(*([dims[names.index(g)]] if g else [])) for g in groups]
    mask = {g: sum(1 << (len(names) - 1 - i) for i, n in enumerate(names) if n != g) for g in groups}
    query = (
        sa.select(*dims, sa.func.grouping(*dims).label("g"), *cols)
        .where(*where)
        .group_by(sa.func.grouping_sets(*sets))
    )
    return query, {v: g for g, v in mask.items()}


def measure_many(
    user: User, filters: Filters, groups: list[str | None]
) -> dict[str | None, dict[str, dict[str, int]]]:
    """`measure` for several groupings; for a date range on PostgreSQL one scan with GROUPING SETS."""
    if not filters.dated or db.engine.dialect.name != "postgresql":
        return {g: measure(user, filters, g) for g in groups}
    table = aggregates.FACT_TABLE
    f = table.c
    lo = filters.month_from if filters.month_from is not None else 0
    hi = filters.month_to if filters.month_to is not None else NONE_MONTH - 1
    cols = aggregates.metric_columns(
        table,
        f.next_any > hi,
        sa.and_(f.has_gd == sa.true(), f.next_gd > hi),
        sa.and_(f.has_miit == sa.true(), f.next_miit > hi),
    )
    where = [f.month >= lo, f.month <= hi, *_dim_conditions(f, user, filters)]
    query, by_mask = _grouping_sets([f[g] for g in groups if g], groups, cols, where)
    out: dict[str | None, dict[str, dict[str, int]]] = {g: {} for g in groups}
    for row in db.session.execute(query):
        m = row._mapping
        group = by_mask[int(m["g"])]
        key = str(m[group]) if group else ""
        out[group][key] = {name: int(m[name] or 0) for name in METRICS}
    if None in out and "" not in out[None]:
        out[None][""] = dict.fromkeys(METRICS, 0)
    return out


def registered_groups(
    user: User, filters: Filters, groups: tuple[str, ...] = ()
) -> dict[str | None, dict[str, int]]:
    """Companies registered now in scope and filters: the total (key None) and per dimension in `groups`.

    One scan with GROUPING SETS on PostgreSQL; one GROUP BY per dimension elsewhere.
    """
    cols = _company_cols()
    where = _dim_conditions(cols, user, filters)
    out: dict[str | None, dict[str, int]] = {None: {"": 0}, **{g: {} for g in groups}}
    if db.engine.dialect.name == "postgresql" and groups:
        keys = [cols[g] for g in groups]
        query, by_mask = _grouping_sets(keys, [None, *groups], [sa.func.count(Company.id).label("n")], where)
        for row in db.session.execute(query):
            group = by_mask[int(row.g)]
            out[group][(row._mapping[group] or "") if group else ""] = int(row.n)
        return out
    out[None][""] = int(db.session.scalar(sa.select(sa.func.count(Company.id)).where(*where)) or 0)
    for g in groups:
        key = sa.func.coalesce(cols[g], "")
        for k, n in db.session.execute(sa.select(key, sa.func.count(Company.id)).where(*where).group_by(key)):
            out[g][str(k)] = int(n)
    return out


def registered(user: User, filters: Filters, group_by: str | None = None) -> dict[str, int]:
    """Companies registered in the portal now (scope + dimension filters; not date-filtered)."""
    return registered_groups(user, filters, (group_by,) if group_by else ())[group_by]


def trend(user: User, filters: Filters, grain: str) -> list[tuple[int, dict[str, int]]]:
    """Per month or quarter: each company's latest assessment in that period (cube rows).

    With a date range, months inside it; quarters overlapping it (shown whole).
    """
    table = aggregates.AGG_TABLE
    where = [_grain(grain, user, filters), *_dim_conditions(table.c, user, filters)]
    lo, hi = filters.month_from, filters.month_to
    if grain == "quarter":
        lo = aggregates.quarter_of(lo) if lo is not None else None
        hi = aggregates.quarter_of(hi) if hi is not None else None
    if lo is not None:
        where.append(table.c.period >= lo)
    if hi is not None:
        where.append(table.c.period <= hi)
    cols = [sa.func.sum(table.c[m]).label(m) for m in METRICS]
    query = sa.select(table.c.period, *cols).where(*where).group_by(table.c.period).order_by(table.c.period)
    return [(int(r.period), {m: int(r._mapping[m] or 0) for m in METRICS}) for r in db.session.execute(query)]


def programs(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Per program: companies likely eligible / needing information and the estimated awards (raw).

    The pipeline is the companies' current evaluation: the date range does not apply.
    """
    p = BureauProgramStatus
    where = _dim_conditions(_company_cols(), user, filters)
    query = sa.select(
        p.program,
        sa.func.max(p.name_zh),
        p.status,
        sa.func.count(),
        sa.func.sum(p.estimated_award_wan),
    )
    if where:  # the province without filters needs no join
        query = query.join(Company, Company.id == p.company_id).where(*where)
    query = query.group_by(p.program, p.status).order_by(p.program)
    table: dict[str, dict[str, Any]] = {}
    for program, name, status, n, award in db.session.execute(query):
        row = table.setdefault(
            program,
            {"program": program, "name_zh": name, "eligible": 0, "needs_info": 0, "award_wan": Decimal(0)},
        )
        if status in ("eligible", "needs_info"):
            row[status] += int(n)
        if status == "eligible" and award is not None:
            row["award_wan"] += Decimal(award)
    return list(table.values())


# ------------------------------------------------------------------------------------- suppression


def cell(n: int) -> Cell:
    """A count of companies as shown: 1–4 → '<5'."""
    return SUPPRESSED if 0 < n < MIN_CELL else n


def share(part: int, whole: int) -> str:
    """A percentage, '—' when either count is suppressed or the whole is zero."""
    if whole == 0 or 0 < part < MIN_CELL or whole < MIN_CELL:
        return DASH
    return f"{100 * part / whole:.1f}%"


def money(total: Decimal, companies: int) -> str:
    if companies < MIN_CELL:
        return DASH
    return f"{total:,.0f}"


@dataclass
class Table:
    """A table as shown on screen and exported: cells are already suppressed."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows}


def _headline(reg: int, m: Mapping[str, int]) -> Table:
    gd, miit = m["gd_assessed"], m["miit_assessed"]
    miit_ge2 = m["miit_2"] + m["miit_3"] + m["miit_4"]
    rows: list[list[Any]] = [
        ["registered", "辖区注册企业", cell(reg), DASH],
        ["assessed", "已完成评估企业（占注册）", cell(m["assessed"]), share(m["assessed"], reg)],
        ["gd_assessed", "已完成 gd-mfg-dt 成熟度评估", cell(gd), share(gd, m["assessed"])],
        ["on_cloud", "上云企业（占成熟度评估）", cell(m["on_cloud"]), share(m["on_cloud"], gd)],
        ["on_platform", "上平台企业", cell(m["on_platform"]), share(m["on_platform"], gd)],
    ]
    rows += [[k, label, cell(m[k]), share(m[k], gd)] for k, label in CLOUD_KINDS.items()]
    rows += [
        ["miit_assessed", "已完成工信部中小企业数字化水平评测", cell(miit), share(miit, m["assessed"])],
        ["miit_ge2", "工信部数字化水平二级及以上（占评测）", cell(miit_ge2), share(miit_ge2, miit)],
    ]
    return Table("headline", "核心指标", ["指标代码", "指标", "企业数", "占比"], rows)


def _distribution(
    key: str, title: str, names: Mapping[Any, str], prefix: str, m: Mapping[str, int], whole: str
) -> Table:
    rows = [[names[k], cell(m[f"{prefix}{k}"]), share(m[f"{prefix}{k}"], m[whole])] for k in names]
    return Table(key, title, ["类别", "企业数", "占比"], rows)


def _breakdown_row(label: str, reg: int, m: Mapping[str, int]) -> list[Any]:
    miit_ge2 = m["miit_2"] + m["miit_3"] + m["miit_4"]
    high = m["level_3"] + m["level_4"] + m["level_5"]
    return [
        label,
        cell(reg),
        cell(m["assessed"]),
        share(m["assessed"], reg),
        cell(m["on_cloud"]),
        share(m["on_cloud"], m["gd_assessed"]),
        cell(m["on_platform"]),
        cell(high),
        share(high, m["gd_assessed"]),
        cell(miit_ge2),
    ]


BREAKDOWN_COLUMNS: Final = [
    "分组",
    "注册企业",
    "已评估",
    "评估覆盖率",
    "上云",
    "上云率",
    "上平台",
    "成熟度三级及以上",
    "三级及以上占比",
    "工信部二级及以上",
]


def geo_dimension(user: User, filters: Filters) -> str:
    """Break down by city for the province, by district once a city is fixed."""
    if user.jurisdiction_level is JurisdictionLevel.PROVINCE and not filters.city:
        return "city"
    return "district"


def _label(dim: str, key: str) -> str:
    if key == "":
        return "未填写"
    if dim == "cluster":
        try:
            return f"{key} {industries.cluster(key).name_zh}"
        except KeyError:
            return key
    if dim == "size_class":
        return SIZE_NAMES.get(key, key)
    return key


def _order(dim: str, user: User, filters: Filters, keys: set[str]) -> list[str]:
    if dim == "city":
        base = list(regions.CITIES)
    elif dim == "district":
        city = filters.city or user.jurisdiction_city
        base = [d.name_zh for d in regions.districts(city)] if city else []
    elif dim == "cluster":
        base = [c.id for c in industries.clusters()]
    else:
        base = list(SIZE_CLASSES)
    return [k for k in base if k in keys] + sorted(keys - set(base))


def breakdown(
    user: User,
    filters: Filters,
    dim: str,
    registered_by_dim: dict[str, int] | None = None,
    measured_by_dim: dict[str, dict[str, int]] | None = None,
) -> Table:
    reg = registered_by_dim if registered_by_dim is not None else registered(user, filters, dim)
    measured = measured_by_dim if measured_by_dim is not None else measure(user, filters, dim)
    zero = dict.fromkeys(METRICS, 0)
    keys = _order(dim, user, filters, set(reg) | set(measured))
    rows = [_breakdown_row(_label(dim, k), reg.get(k, 0), measured.get(k, zero)) for k in keys]
    titles = {"city": "按地市", "district": "按区县", "cluster": "按产业集群", "size_class": "按企业规模"}
    return Table(f"by_{dim}", titles[dim], list(BREAKDOWN_COLUMNS), rows)


TREND_COLUMNS: Final = ["期间", "已评估", "上云", "上云率", "上平台", "成熟度三级及以上", "工信部二级及以上"]


def trend_table(user: User, filters: Filters, grain: str) -> Table:
    label = aggregates.month_label if grain == "month" else aggregates.quarter_label
    rows = []
    for period, m in trend(user, filters, grain):
        high = m["level_3"] + m["level_4"] + m["level_5"]
        rows.append(
            [
                label(period),
                cell(m["assessed"]),
                cell(m["on_cloud"]),
                share(m["on_cloud"], m["gd_assessed"]),
                cell(m["on_platform"]),
                cell(high),
                cell(m["miit_2"] + m["miit_3"] + m["miit_4"]),
            ]
        )
    title = "按月趋势" if grain == "month" else "按季度趋势"
    return Table(f"trend_{grain}", title, list(TREND_COLUMNS), rows)


def programs_table(user: User, filters: Filters) -> Table:
    rows = [
        [
            p["program"],
            p["name_zh"],
            cell(p["eligible"]),
            cell(p["needs_info"]),
            money(p["award_wan"], p["eligible"]),
        ]
        for p in programs(user, filters)
    ]
    return Table(
        "programs",
        "政策项目申报管线（当前评估结果，不受时间范围影响）",
        ["项目代码", "项目", "可能符合条件企业", "待补充信息企业", "预计奖补合计（万元）"],
        rows,
    )


def summary(user: User, filters: Filters) -> dict[str, Table]:
    """Every table of the dashboard, suppressed — the single source for page, API and exports."""
    geo = geo_dimension(user, filters)
    measured = measure_many(user, filters, [None, geo, "cluster", "size_class"])
    m = measured[None][""]
    regs = registered_groups(user, filters, (geo, "cluster", "size_class"))
    reg = regs[None].get("", 0)
    tables = [
        _headline(reg, m),
        _distribution("levels", "成熟度等级分布（gd-mfg-dt）", LEVEL_NAMES, "level_", m, "gd_assessed"),
        _distribution(
            "miit_levels", "工信部中小企业数字化水平等级分布", MIIT_NAMES, "miit_", m, "miit_assessed"
        ),
        _distribution("fiveg", "5G 工厂就绪等级", FIVEG_NAMES, "fiveg_", m, "gd_assessed"),
        breakdown(user, filters, geo, regs[geo], measured[geo]),
        breakdown(user, filters, "cluster", regs["cluster"], measured["cluster"]),
        breakdown(user, filters, "size_class", regs["size_class"], measured["size_class"]),
        trend_table(user, filters, "month"),
        trend_table(user, filters, "quarter"),
        programs_table(user, filters),
    ]
    return {t.key: t for t in tables}


# -------------------------------------------------------------------- drill-down (consenting only)

PAGE_SIZE: Final = 50


def _latest_facts(user: User, filters: Filters) -> Any:
    """Per company the fact row counted for the filters (latest overall, or latest within the range)."""
    f = aggregates.FACT_TABLE.c
    if filters.dated:
        lo = filters.month_from if filters.month_from is not None else 0
        hi = filters.month_to if filters.month_to is not None else NONE_MONTH - 1
        return [f.month >= lo, f.month <= hi, f.next_any > hi]
    return [f.next_any == NONE_MONTH]


def company_list(user: User, filters: Filters, page: int = 1) -> dict[str, Any]:
    """Assessed companies of the selection that agreed to share details (Company.bureau_sharing).

    Companies that did not agree are only counted (suppressed below 5), never named.
    Figures: the latest fact row of the selection (maturity/cloud of that month's gd-mfg-dt assessment).
    """
    f = aggregates.FACT_TABLE.c
    base = [*_latest_facts(user, filters), *_dim_conditions(f, user, filters)]
    join = aggregates.FACT_TABLE.join(Company.__table__, Company.id == f.company_id)
    sharing = db.session.scalar(
        sa.select(sa.func.count()).select_from(join).where(*base, Company.bureau_sharing == sa.true())
    )
    hidden = db.session.scalar(
        sa.select(sa.func.count()).select_from(join).where(*base, Company.bureau_sharing == sa.false())
    )
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(
        sa.select(
            Company.id,
            Company.name,
            Company.city,
            Company.district,
            Company.cluster,
            Company.size_class,
            f.month,
            f.overall_level,
            f.on_cloud,
            f.on_platform,
            f.fiveg_tier,
            f.miit_level,
            f.has_gd,
        )
        .select_from(join)
        .where(*base, Company.bureau_sharing == sa.true())
        .order_by(Company.name, Company.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    companies = [
        {
            "id": r.id,
            "name": r.name,
            "city": r.city,
            "district": r.district or "",
            "cluster": r.cluster or "",
            "size_class": SIZE_NAMES.get(r.size_class or "", r.size_class),
            "month": aggregates.month_label(r.month),
            "level": LEVEL_NAMES.get(r.overall_level, "—") if r.has_gd else "—",
            "on_cloud": bool(r.on_cloud) if r.has_gd else None,
            "on_platform": bool(r.on_platform) if r.has_gd else None,
            "fiveg": FIVEG_NAMES.get(r.fiveg_tier or "", "—") if r.has_gd else "—",
            "miit_level": MIIT_NAMES.get(r.miit_level, "—") if r.miit_level is not None else "—",
        }
        for r in rows
    ]
    total = int(sharing or 0)
    return {
        "companies": companies,
        "sharing": total,
        "not_sharing": cell(int(hidden or 0)),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }


def pipeline_list(user: User, filters: Filters, program: str | None = None, page: int = 1) -> dict[str, Any]:
    """Program pipeline of consenting companies: company, level, program, status, award, gaps."""
    p = BureauProgramStatus
    f = aggregates.FACT_TABLE.c
    where = [*_dim_conditions(_company_cols(), user, filters)]
    if program:
        where.append(p.program == program)
    level = (
        sa.select(f.overall_level)
        .where(f.company_id == Company.id, f.next_gd == NONE_MONTH, f.has_gd == sa.true())
        .limit(1)
        .scalar_subquery()
    )
    hidden = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(p)
        .join(Company, Company.id == p.company_id)
        .where(*where, Company.bureau_sharing == sa.false())
    )
    shown = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(p)
        .join(Company, Company.id == p.company_id)
        .where(*where, Company.bureau_sharing == sa.true())
    )
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(
        sa.select(Company.name, Company.city, Company.district, level.label("level"), p)
        .join(Company, Company.id == p.company_id)
        .where(*where, Company.bureau_sharing == sa.true())
        .order_by(p.program, p.status, sa.desc(p.estimated_award_wan), Company.name)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    items = []
    for name, city, district, lvl, status in rows:
        gaps = [
            f"{g['field']}：待补充" if g.get("missing") else f"{g['field']}：差 {g.get('shortfall')}"
            for g in (status.gaps or [])
        ]
        items.append(
            {
                "company": name,
                "area": f"{city} {district or ''}".strip(),
                "level": LEVEL_NAMES.get(lvl, "—"),
                "program": status.program,
                "program_name": status.name_zh,
                "status": status.status,
                "estimated_award_wan": str(status.estimated_award_wan)
                if status.estimated_award_wan is not None
                else None,
                "gaps": gaps,
                "synthetic": status.synthetic,
            }
        )
    total = int(shown or 0)
    return {
        "items": items,
        "sharing": total,
        "not_sharing": cell(int(hidden or 0)),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }
