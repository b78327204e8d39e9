"""The dashboard's tables as shown on screen and exported: built from the counts, small cells suppressed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from portal.bureau import aggregates
from portal.bureau.models import METRICS
from portal.bureau.queries.counts import measure, measure_many, programs, registered, registered_groups, trend
from portal.bureau.queries.filters import Filters
from portal.bureau.queries.labels import (
    CLOUD_KINDS,
    FIVEG_NAMES,
    LEVEL_NAMES,
    MIIT_NAMES,
    SIZE_CLASSES,
    SIZE_NAMES,
)
from portal.bureau.queries.suppression import DASH, cell, money, share
from portal.models import JurisdictionLevel, User
from scoring.reference import industries, regions


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


def _distribution(  # noqa: PLR0913, PLR0917 — a table's key and title, its categories and their counts
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
