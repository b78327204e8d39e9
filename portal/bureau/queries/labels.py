"""Names shown for the dashboard's categories and places (in the reader's language), and the counting
rule stated on every page and export."""

from __future__ import annotations

from typing import Any, Final

from flask_babel import lazy_gettext as _l

from portal.i18n import pick
from scoring.reference import regions

SIZE_CLASSES: Final = ("large", "medium", "small", "micro")
SIZE_NAMES: Final[dict[str, Any]] = {
    "large": _l("大型"),
    "medium": _l("中型"),
    "small": _l("小型"),
    "micro": _l("微型"),
    "": _l("未划型"),
}
LEVEL_NAMES: Final[dict[int, Any]] = {
    1: _l("一级"),
    2: _l("二级"),
    3: _l("三级"),
    4: _l("四级"),
    5: _l("五级"),
}
MIIT_NAMES: Final[dict[int, Any]] = {
    0: _l("未达一级"),
    1: _l("一级"),
    2: _l("二级"),
    3: _l("三级"),
    4: _l("四级"),
}
FIVEG_NAMES: Final[dict[str, Any]] = {
    "none": _l("未达产线级"),
    "line": _l("产线级"),
    "workshop": _l("车间级"),
    "factory": _l("工厂级"),
}
CLOUD_KINDS: Final[dict[str, Any]] = {
    "cloud_equipment": _l("设备上云"),
    "cloud_rnd": _l("研发上云"),
    "cloud_supply_chain": _l("供应链上云"),
    "cloud_operations": _l("运营管理上云"),
}
COUNTING_RULE_ZH: Final = (
    "计数规则：按评估提交日期（北京时间）计入月份/季度；每家企业在每个期间只按其该期间内最近一次已提交评估计一次"
    "（成熟度等级、上云上平台、5G 来自广东省制造业数字化转型成熟度评估，"
    "工信部等级来自中小企业数字化水平评测）；"
    "未选时间范围时为各企业最近一次评估。为保护企业信息，1–4 家企业的单元格显示为“<5”（导出时留空），"
    "5 家及以上的数字加入了小幅固定扰动（多为 0 或 ±1，最多 ±6），"
    "同一组企业无论从哪张表、哪个筛选查询都得到同一个数；"
    "因此各行相加不一定等于合计。比例由显示的数字计算。"
)
COUNTING_RULE_EN: Final = (
    "Counting rule: assessments count in the month/quarter of their submission date (China time); each "
    "company counts once per period, with its latest submitted assessment in that period (maturity level, "
    "cloud/platform and 5G from the Guangdong manufacturing maturity assessment, MIIT level from the SME "
    "digitalisation assessment); without a date range, each company's latest assessment. To protect "
    "companies, cells of 1–4 companies show '<5' (empty in exports) and figures of 5 or more carry a small "
    "fixed perturbation (mostly 0 or ±1, at most ±6): the same companies always give the same figure, "
    "whichever table or filter shows them, so rows need not add up to their total. Shares are computed from "
    "the figures shown."
)


def counting_rule() -> str:
    return pick(COUNTING_RULE_ZH, COUNTING_RULE_EN)


def city_name(city: str) -> str:
    return pick(city, regions.CITY_NAMES_EN.get(city))


def district_name(city: str, district: str) -> str:
    found = regions.find_district(city, district) if city and district else None
    return pick(district, found.name_en if found else None)


def cluster_name(cluster_id: str) -> str:
    """'新一代电子信息' / 'Next-generation electronics' ('' → ''); the cluster's id is for storage only."""
    from portal.templating import cluster_name as named

    return named(cluster_id) if cluster_id else ""


def jurisdiction_name(user: Any) -> str:
    """The officer's jurisdiction in the reader's language."""
    level = getattr(user.jurisdiction_level, "value", None)
    if level == "province":
        return pick("广东省", "Guangdong Province")
    if level == "city":
        return city_name(user.jurisdiction_city or "")
    if level == "district":
        city = user.jurisdiction_city or ""
        return f"{city_name(city)} {district_name(city, user.jurisdiction_district or '')}"
    return ""


def program_name(program: str, name_zh: str, name_en: str | None) -> str:
    """A programme in the reader's language. Rows stored without an English name (the synthetic demo
    pipeline) take the shipped rule file's, so an English page never falls back to the Chinese name."""
    if not name_en:
        from portal.eligibility.rulesets import shipped_programs

        name_en = next((p.name_en for p in shipped_programs() if p.id == program), None)
    return pick(name_zh, name_en)
