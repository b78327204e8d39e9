"""The input fields of the eligibility contract: one registry drives input parsing, the JSON Schema,
the rule-file validator (a rule may only read a field listed here) and the documentation.

Money is in 万元 unless the name ends in ``_yi`` (亿元). Percentages are numbers in 0–100 (``18`` = 18 %).
An absent field (or ``null``) means "not known";
for the ``years_since_*`` fields ``null`` means "never happened".
Field names are unique across the company and project scopes, so a gap's ``field`` is unambiguous.
The specification type lives in ``field_types``, the company fields in ``company_fields``; every name is
importable from here.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from scoring.eligibility.company_fields import COMPANY_FIELDS
from scoring.eligibility.field_types import (
    CERTIFICATIONS,
    CLOUD_DATA_KINDS,
    IM_DEMO_LEVELS,
    MAX_COUNT,
    MAX_GROWTH_PCT,
    MAX_WAN,
    MAX_YEARS,
    MAX_YI,
    MIN_GROWTH_PCT,
    SECTORS,
    SME_SIZE_CLASSES,
    TECH_CENTER_LEVELS,
    FieldSpec,
    FieldType,
    Scope,
    count,
    flag,
    money,
    yi,
)

_P = Scope.PROJECT
_N = FieldType.NUMBER

PROJECT_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("start_date", _P, FieldType.DATE, "项目启动日期", "project start date"),
    FieldSpec("completion_date", _P, FieldType.DATE, "项目完工日期", "project completion date"),
    money(
        "investment_wan",
        _P,
        "项目投入费用（不含税）/项目总投资",
        "project investment (tax-exclusive)",
        desc="gd_dt_benchmark_2022: 项目投入费用; jy_tu: 项目总投资.",
    ),
    money("it_investment_wan", _P, "信息化投入", "IT investment"),
    FieldSpec(
        "evaluation_score",
        _P,
        _N,
        "遴选评分（附件1，自评或地市评审）",
        "selection score (self-declared / city review)",
        "分",
        "points",
        minimum=0,
        maximum=100,
    ),
    flag(
        "uses_external_provider",
        _P,
        "应用工业互联网服务商（含电信运营商）服务",
        "uses an industrial-internet service provider",
    ),
    FieldSpec(
        "data_on_cloud",
        _P,
        FieldType.ENUM_LIST,
        "上云上平台的数据类别",
        "data kinds moved onto cloud/platform",
        choices=CLOUD_DATA_KINDS,
    ),
    flag(
        "data_used_on_platform",
        _P,
        "上云上平台的数据在云端或平台集成、分析、应用（不只是存储）",
        "the data on cloud/platform is integrated, analysed and applied there (not only stored)",
    ),
    flag("quantified_kpis", _P, "有可量化考核的绩效指标", "has quantified KPIs"),
    yi(
        "lead_firm_revenue_2020_yi",
        _P,
        "龙头企业2020年主营业务收入",
        "lead firm's 2020 main-business revenue",
    ),
    count("core_suppliers_driven", _P, "带动省内核心供应链制造企业数", "Guangdong core suppliers driven"),
    money(
        "equipment_purchase_wan",
        _P,
        "符合条件的设备购置总额（含配套软件）",
        "qualifying equipment purchases (incl. bundled software)",
        desc="Purchases only for gd_techreform_equipment_post_award (粤工信规字〔2021〕5号 L402-404, L420); "
        "jy_tu_techreform_2018_2020 also counts leased equipment (揭市经信[2018]119号 L104).",
    ),
    flag(
        "filed_with_authority",
        _P,
        "已在工信主管部门备案/核准/审批",
        "filed/approved with the industry authority",
    ),
    flag(
        "completed_within_filing_period",
        _P,
        "完工日期在备案证建设期内",
        "completed within the filed construction period",
    ),
    flag(
        "prior_provincial_funding",
        _P,
        "项目或设备已获省财政资金支持",
        "project/equipment already received provincial money",
    ),
    flag(
        "counted_in_techreform_statistics",
        _P,
        "投资已纳入技术改造投资统计",
        "investment counted in tech-upgrade statistics",
    ),
    yi(
        "total_investment_yi",
        _P,
        "项目立项及“十四五”期间完成总投资",
        "project total investment (approved and completed)",
    ),
    money(
        "new_fai_wan", _P, "申报期内新增实际固定资产投资额", "new actual fixed-asset investment in the period"
    ),
    flag(
        "counted_in_fai_statistics",
        _P,
        "新增固定资产投资已纳入省工业固定资产投资统计",
        "new FAI counted in provincial statistics",
    ),
    flag(
        "prior_major_project_award",
        _P,
        "已获省重大制造业项目投资奖励",
        "already got the provincial major-project award",
    ),
    money(
        "intelligent_equipment_wan",
        _P,
        "智能装备与系统购置总额",
        "intelligent equipment and systems purchased",
    ),
    FieldSpec(
        "im_pilot_demo_level",
        _P,
        FieldType.ENUM,
        "智能制造试点示范项目认定级别",
        "intelligent-manufacturing pilot level",
        choices=IM_DEMO_LEVELS,
    ),
)

# Dates the rules can compute with (a start date of 9999-06-01 overflowed once years were added to it).
EARLIEST_DATE: Final = date(1949, 1, 1)
LATEST_DATE: Final = date(2100, 12, 31)

FIELDS: Final[dict[str, FieldSpec]] = {f.path: f for f in COMPANY_FIELDS + PROJECT_FIELDS}
COMPANY: Final[dict[str, FieldSpec]] = {f.name: f for f in COMPANY_FIELDS}
PROJECT: Final[dict[str, FieldSpec]] = {f.name: f for f in PROJECT_FIELDS}
PROJECT_META: Final = ("id", "program", "direction")
TOP_LEVEL: Final = ("as_of", "company", "projects")
MAX_PROJECTS: Final = 200  # each project is evaluated against every rule: bound the work

assert not set(COMPANY) & set(PROJECT), "field names must be unique across scopes"

assert all(f.minimum is not None and f.maximum is not None for f in FIELDS.values() if f.numeric), (
    "every number needs a declared range"
)


__all__ = [
    "CERTIFICATIONS",
    "CLOUD_DATA_KINDS",
    "COMPANY",
    "COMPANY_FIELDS",
    "EARLIEST_DATE",
    "FIELDS",
    "IM_DEMO_LEVELS",
    "LATEST_DATE",
    "MAX_COUNT",
    "MAX_GROWTH_PCT",
    "MAX_PROJECTS",
    "MAX_WAN",
    "MAX_YEARS",
    "MAX_YI",
    "MIN_GROWTH_PCT",
    "PROJECT",
    "PROJECT_FIELDS",
    "PROJECT_META",
    "SECTORS",
    "SME_SIZE_CLASSES",
    "TECH_CENTER_LEVELS",
    "TOP_LEVEL",
    "FieldSpec",
    "FieldType",
    "Scope",
]
