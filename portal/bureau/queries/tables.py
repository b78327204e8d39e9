"""The dashboard's tables as shown on screen and exported: built from the true tallies, every figure
published through `portal.bureau.disclosure` (nothing else here turns a count into a number)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from flask_babel import gettext as _

from portal.bureau import aggregates
from portal.bureau.disclosure import DASH, Tally, money, publish, share
from portal.bureau.queries.counts import (
    Tallies,
    measure,
    measure_many,
    programs,
    registered,
    registered_groups,
    trend,
    zero_tallies,
)
from portal.bureau.queries.filters import Filters
from portal.bureau.queries.labels import (
    CLOUD_KINDS,
    FIVEG_NAMES,
    LEVEL_NAMES,
    MIIT_NAMES,
    SIZE_CLASSES,
    SIZE_NAMES,
    city_name,
    cluster_name,
    district_name,
    program_name,
)
from portal.models import JurisdictionLevel, User
from scoring.reference import industries, regions

LABEL, COUNT, SHARE, MONEY, TEXT = "label", "count", "share", "money", "text"


@dataclass
class Table:
    """A table as shown on screen and exported: every count already published (0, "<5" or a perturbed
    number), shares as fractions (0.253) or "—". `kinds` names each column's kind (label, count, share,
    money, text) for formatting; `row_keys` are stable row identifiers for programs and the API."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    kinds: list[str] = field(default_factory=list)  # empty: every column is text
    row_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "kinds": self.kinds,
            "row_keys": self.row_keys,
            "rows": self.rows,
        }


def _sum(m: Mapping[str, Tally], *names: str) -> Tally:
    total = Tally(0)
    for name in names:
        total += m[name]
    return total


def _of(denominator: str) -> str:
    return _("占比（分母：%(what)s）", what=denominator)


def _headline(reg: Tally, m: Tallies) -> Table:
    pub = {k: publish(t) for k, t in m.items()}
    registered_pub = publish(reg)
    miit_ge2 = publish(_sum(m, "miit_2", "miit_3", "miit_4"))
    gd_name, all_name, miit_name = _("完成成熟度评估企业"), _("完成评估企业"), _("完成工信部评测企业")

    def row(key: str, label: str, count: Any, whole: Any = DASH, whole_name: str = "") -> tuple[Any, ...]:
        return (key, label, count, share(count, whole), whole_name)

    gd = pub["gd_assessed"]
    rows = [
        row("registered", _("辖区注册企业"), registered_pub),
        row("assessed", _("已完成评估企业"), pub["assessed"], registered_pub, _("注册企业")),
        row("gd_assessed", _("已完成成熟度评估"), gd, pub["assessed"], all_name),
        row("on_cloud", _("上云企业"), pub["on_cloud"], gd, gd_name),
        row("on_platform", _("上平台企业"), pub["on_platform"], gd, gd_name),
        *(row(k, str(name), pub[k], gd, gd_name) for k, name in CLOUD_KINDS.items()),
        row(
            "miit_assessed", _("已完成工信部数字化水平评测"), pub["miit_assessed"], pub["assessed"], all_name
        ),
        row("miit_ge2", _("工信部数字化水平二级及以上"), miit_ge2, pub["miit_assessed"], miit_name),
    ]
    return Table(
        "headline",
        _("核心指标"),
        [_("指标"), _("企业数"), _("占比"), _("占比分母")],
        [list(r[1:]) for r in rows],
        [LABEL, COUNT, SHARE, TEXT],
        [r[0] for r in rows],
    )


def _distribution(  # noqa: PLR0913, PLR0917 — a table's key and title, its categories and their counts
    key: str, title: str, names: Mapping[Any, Any], prefix: str, m: Tallies, whole: tuple[str, str]
) -> Table:
    total = publish(m[whole[0]])
    rows = []
    for k, name in names.items():
        count = publish(m[f"{prefix}{k}"])
        rows.append([str(name), count, share(count, total)])
    return Table(key, title, [_("类别"), _("企业数"), _of(whole[1])], rows, [LABEL, COUNT, SHARE])


def _breakdown_row(label: str, reg: Tally, m: Tallies) -> list[Any]:
    reg_pub, assessed, gd = publish(reg), publish(m["assessed"]), publish(m["gd_assessed"])
    cloud, high = publish(m["on_cloud"]), publish(_sum(m, "level_3", "level_4", "level_5"))
    return [
        label,
        reg_pub,
        assessed,
        share(assessed, reg_pub),
        gd,
        cloud,
        share(cloud, gd),
        publish(m["on_platform"]),
        high,
        share(high, gd),
        publish(_sum(m, "miit_2", "miit_3", "miit_4")),
    ]


def _breakdown_columns(first: str) -> list[str]:
    gd = _("完成成熟度评估企业")
    return [
        first,
        _("注册企业"),
        _("已评估"),
        _("评估覆盖率（分母：注册企业）"),
        _("完成成熟度评估"),
        _("上云"),
        _("上云率（分母：%(what)s）", what=gd),
        _("上平台"),
        _("成熟度三级及以上"),
        _("三级及以上占比（分母：%(what)s）", what=gd),
        _("工信部二级及以上"),
    ]


BREAKDOWN_KINDS: Final = [LABEL, COUNT, COUNT, SHARE, COUNT, COUNT, SHARE, COUNT, COUNT, SHARE, COUNT]


def geo_dimension(user: User, filters: Filters) -> str:
    """Break down by city for the province, by district once a city is fixed."""
    if user.jurisdiction_level is JurisdictionLevel.PROVINCE and not filters.city:
        return "city"
    return "district"


def _label(dim: str, key: str, city: str) -> str:
    if key == "":
        return _("未填写")
    if dim == "cluster":
        return cluster_name(key)
    if dim == "size_class":
        return str(SIZE_NAMES.get(key, key))
    if dim == "city":
        return city_name(key)
    return district_name(city, key)


def _order(dim: str, city: str | None, keys: set[str]) -> list[str]:
    if dim == "city":
        base = list(regions.CITIES)
    elif dim == "district":
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
    registered_by_dim: Mapping[str, Tally] | None = None,
    measured_by_dim: Mapping[str, Tallies] | None = None,
) -> Table:
    reg = registered_by_dim if registered_by_dim is not None else registered(user, filters, dim)
    measured = measured_by_dim if measured_by_dim is not None else measure(user, filters, dim)
    city = filters.city or user.jurisdiction_city or ""
    keys = _order(dim, city, set(reg) | set(measured))
    rows = [
        _breakdown_row(_label(dim, k, city), reg.get(k, Tally(0)), measured.get(k) or zero_tallies())
        for k in keys
    ]
    titles = {
        "city": _("按地市"),
        "district": _("按区县"),
        "cluster": _("按产业集群"),
        "size_class": _("按企业规模"),
    }
    firsts = {"city": _("地市"), "district": _("区县"), "cluster": _("产业集群"), "size_class": _("企业规模")}
    return Table(f"by_{dim}", titles[dim], _breakdown_columns(firsts[dim]), rows, list(BREAKDOWN_KINDS), keys)


def trend_table(user: User, filters: Filters, grain: str) -> Table:
    label = aggregates.month_label if grain == "month" else aggregates.quarter_label
    rows = []
    for period, m in trend(user, filters, grain):
        gd, cloud = publish(m["gd_assessed"]), publish(m["on_cloud"])
        rows.append(
            [
                label(period),
                publish(m["assessed"]),
                gd,
                cloud,
                share(cloud, gd),
                publish(m["on_platform"]),
                publish(_sum(m, "level_3", "level_4", "level_5")),
                publish(_sum(m, "miit_2", "miit_3", "miit_4")),
            ]
        )
    columns = [
        _("期间"),
        _("已评估"),
        _("完成成熟度评估"),
        _("上云"),
        _("上云率（分母：%(what)s）", what=_("完成成熟度评估企业")),
        _("上平台"),
        _("成熟度三级及以上"),
        _("工信部二级及以上"),
    ]
    kinds = [LABEL, COUNT, COUNT, COUNT, SHARE, COUNT, COUNT, COUNT]
    title = _("按月趋势") if grain == "month" else _("按季度趋势")
    return Table(f"trend_{grain}", title, columns, rows, kinds)


def programs_table(user: User, filters: Filters) -> Table:
    found = programs(user, filters)
    rows = [
        [
            program_name(p["program"], p["name_zh"], p["name_en"]),
            publish(p["eligible"]),
            publish(p["needs_info"]),
            money(p["award_wan"], p["eligible"]),
        ]
        for p in found
    ]
    return Table(
        "programs",
        _("政策项目申报管线（当前评估结果，不受时间范围影响）"),
        [_("项目"), _("可能符合条件企业"), _("待补充信息企业"), _("预计奖补合计（万元）")],
        rows,
        [LABEL, COUNT, COUNT, MONEY],
        [p["program"] for p in found],
    )


def summary(user: User, filters: Filters) -> dict[str, Table]:
    """Every table of the dashboard, published — the single source for page, API and exports."""
    geo = geo_dimension(user, filters)
    measured = measure_many(user, filters, [None, geo, "cluster", "size_class"])
    m = measured[None][""]
    regs = registered_groups(user, filters, (geo, "cluster", "size_class"))
    reg = regs[None].get("", Tally(0))
    gd_whole = ("gd_assessed", _("完成成熟度评估企业"))
    tables = [
        _headline(reg, m),
        _distribution("levels", _("成熟度等级分布"), LEVEL_NAMES, "level_", m, gd_whole),
        _distribution(
            "miit_levels",
            _("工信部中小企业数字化水平等级分布"),
            MIIT_NAMES,
            "miit_",
            m,
            ("miit_assessed", _("完成工信部评测企业")),
        ),
        _distribution("fiveg", _("5G 工厂就绪等级"), FIVEG_NAMES, "fiveg_", m, gd_whole),
        breakdown(user, filters, geo, regs[geo], measured[geo]),
        breakdown(user, filters, "cluster", regs["cluster"], measured["cluster"]),
        breakdown(user, filters, "size_class", regs["size_class"], measured["size_class"]),
        trend_table(user, filters, "month"),
        trend_table(user, filters, "quarter"),
        programs_table(user, filters),
    ]
    return {t.key: t for t in tables}
