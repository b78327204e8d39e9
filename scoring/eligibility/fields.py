"""The input fields of the eligibility contract: one registry drives input parsing, the JSON Schema,
the rule-file validator (a rule may only read a field listed here) and the documentation.

Money is in 万元 unless the name ends in ``_yi`` (亿元). Percentages are numbers in 0–100 (``18`` = 18 %).
An absent field (or ``null``) means "not known";
for the ``years_since_*`` fields ``null`` means "never happened".
Field names are unique across the company and project scopes, so a gap's ``field`` is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final


class FieldType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    STRING = "string"


class Scope(StrEnum):
    COMPANY = "company"
    PROJECT = "project"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    scope: Scope
    type: FieldType
    label_zh: str
    label_en: str
    unit_zh: str = ""
    unit_en: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    null_means_never: bool = False  # explicit null = "never happened" (not "unknown")
    description: str = ""

    @property
    def path(self) -> str:
        return f"{self.scope.value}.{self.name}"

    @property
    def numeric(self) -> bool:
        return self.type in (FieldType.NUMBER, FieldType.INTEGER)


_C = Scope.COMPANY
_P = Scope.PROJECT
_N = FieldType.NUMBER
_I = FieldType.INTEGER
_B = FieldType.BOOLEAN


# Every number has a declared range, checked before any arithmetic: values beyond any real company are
# typing mistakes or attacks (1e24 overflowed the engine's Decimal context; 1e200000 took seconds to
# convert). Money up to 1e9 万元 (10 trillion yuan), counts up to 1e7, years up to 200, growth rates
# up to 10,000 % (a hundredfold) and down to -100 % for revenue (all lost), -10,000 % for profit (which
# can turn into a loss many times its size).
MAX_WAN: Final = 1_000_000_000
MAX_YI: Final = 100_000  # = MAX_WAN in 亿元
MAX_COUNT: Final = 10_000_000
MAX_YEARS: Final = 200
MIN_GROWTH_PCT: Final = -100
MAX_GROWTH_PCT: Final = 10_000


def _money(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "万元", "10k CNY", minimum=0, maximum=MAX_WAN, description=desc)


def _yi(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "亿元", "100m CNY", minimum=0, maximum=MAX_YI, description=desc)


def _pct(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "%", "%", minimum=0, maximum=100, description=desc)


def _growth(name: str, scope: Scope, zh: str, en: str, lo: float = -MAX_GROWTH_PCT) -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "%", "%", minimum=lo, maximum=MAX_GROWTH_PCT)


def _years(name: str, scope: Scope, zh: str, en: str, **extra: Any) -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "年", "years", minimum=0, maximum=MAX_YEARS, **extra)


def _count(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _I, zh, en, "项", "items", minimum=0, maximum=MAX_COUNT, description=desc)


def _flag(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _B, zh, en, description=desc)


SECTORS: Final = ("manufacturing", "mining", "utilities", "construction", "services", "other")
SME_SIZE_CLASSES: Final = ("micro", "small", "medium", "large")
CERTIFICATIONS: Final = (
    "quality_management",
    "ip_management",
    "other_management_system",
    "developed_country_product",
)
TECH_CENTER_LEVELS: Final = ("none", "county", "city", "provincial", "national")
CLOUD_DATA_KINDS: Final = ("equipment", "system", "supply_chain", "other")
IM_DEMO_LEVELS: Final = ("none", "provincial", "national")

COMPANY_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec(
        "city",
        _C,
        FieldType.STRING,
        "所在地级市",
        "prefecture-level city",
        description="Required: one of Guangdong's 21 cities ('揭阳' or '揭阳市').",
    ),
    _flag("registered_in_guangdong", _C, "在广东省登记注册", "registered in Guangdong"),
    _flag("independent_legal_person", _C, "具有独立法人资格", "independent legal person"),
    FieldSpec(
        "sector",
        _C,
        FieldType.ENUM,
        "行业门类",
        "sector",
        choices=SECTORS,
        description="manufacturing / mining / utilities count as 工业企业 (industrial enterprise).",
    ),
    FieldSpec(
        "sme_size_class",
        _C,
        FieldType.ENUM,
        "企业规模（工信部联企业〔2011〕300号）",
        "size class (MIIT 2011 No. 300)",
        choices=SME_SIZE_CLASSES,
        description="micro/small/medium = 中小企业.",
    ),
    _years("years_in_operation", _C, "连续经营年限", "years in continuous operation"),
    FieldSpec(
        "employees",
        _C,
        _I,
        "职工人数",
        "employees",
        "人",
        "persons",
        minimum=0,
        maximum=MAX_COUNT,
        description="Informational; no current rule reads it.",
    ),
    _money("revenue_wan", _C, "上年度营业收入", "revenue, last year"),
    _money("main_business_revenue_wan", _C, "上年度主营业务收入", "main-business revenue, last year"),
    _pct(
        "main_business_share_pct",
        _C,
        "主营业务收入占营业收入比重",
        "main-business share of revenue",
        desc="Derived from main_business_revenue_wan / revenue_wan when absent.",
    ),
    _money("total_assets_wan", _C, "上年末总资产", "total assets, end of last year"),
    _growth(
        "revenue_growth_2y_avg_pct",
        _C,
        "近两年主营业务收入年平均增长率",
        "main-business revenue growth, 2-year average",
        lo=MIN_GROWTH_PCT,
    ),
    _flag(
        "revenue_growth_each_year_positive",
        _C,
        "近两年主营业务收入逐年正增长",
        "main-business revenue grew in each of the last 2 years",
    ),
    _growth(
        "net_profit_growth_2y_avg_pct", _C, "近两年净利润年平均增长率", "net-profit growth, 2-year average"
    ),
    FieldSpec(
        "profit_total_wan",
        _C,
        _N,
        "上年度利润总额",
        "total profit, last year",
        "万元",
        "10k CNY",
        minimum=-MAX_WAN,
        maximum=MAX_WAN,
    ),
    _pct(
        "rd_ratio_2y_pct",
        _C,
        "近两年研发投入占营业（销售）收入比重",
        "R&D spend as share of revenue, last 2 years",
    ),
    _money(
        "new_equity_financing_2y_wan",
        _C,
        "近2年新增股权融资额（实缴）",
        "new paid-in equity financing, last 2 years",
    ),
    _money("rd_spend_2y_wan", _C, "近两年研发投入经费", "R&D spend, last 2 years"),
    _pct("rd_staff_share_pct", _C, "研发人员占职工总数比例", "R&D staff share of employees"),
    _pct(
        "qualified_staff_share_pct",
        _C,
        "本科以上学历或中级以上职称员工占比",
        "share of staff with a bachelor's degree or intermediate title",
    ),
    _flag(
        "leading_talent",
        _C,
        "拥有行业领军人才或省市引进的高层次人才",
        "has an industry-leading or recruited high-level talent",
    ),
    _pct("debt_to_asset_pct", _C, "资产负债率", "debt-to-asset ratio"),
    _count(
        "invention_patents",
        _C,
        "有效发明专利（含集成电路布图设计专有权）",
        "valid invention patents (incl. IC layouts)",
    ),
    _count("utility_model_patents", _C, "实用新型专利", "utility-model patents"),
    _count(
        "other_ip_items",
        _C,
        "实用新型专利、外观设计专利、软件著作权合计",
        "utility-model + design patents + software copyrights (combined)",
    ),
    _count(
        "standards_drafted",
        _C,
        "主持或参与制修订的国际/国家/行业/团体标准",
        "international/national/industry/association standards led or co-drafted",
    ),
    FieldSpec(
        "tech_center_level",
        _C,
        FieldType.ENUM,
        "企业技术中心/技术研究院/工程中心最高级别",
        "highest level of enterprise technology centre / institute / engineering centre",
        choices=TECH_CENTER_LEVELS,
    ),
    _flag("postdoc_workstation", _C, "设立博士后工作站", "has a post-doctoral workstation"),
    _flag("rd_institution", _C, "自建或联合建立研发机构", "has its own or a joint R&D institution"),
    _flag(
        "core_business_on_info_system",
        _C,
        "至少1项核心业务采用信息系统支撑",
        "at least one core business process runs on an information system",
    ),
    _flag("own_brand", _C, "拥有自主品牌", "has its own brand"),
    FieldSpec(
        "certifications",
        _C,
        FieldType.ENUM_LIST,
        "已取得的认证",
        "certifications held",
        choices=CERTIFICATIONS,
    ),
    _flag(
        "executes_product_standards",
        _C,
        "产品生产执行国际、国内或行业标准",
        "products made to international, national or industry standards",
    ),
    _flag(
        "standards_advanced_level",
        _C,
        "产品生产执行标准达到国际或国内先进水平（未有标准视为满足）",
        "product standards at international/domestic advanced level (true if no standard exists)",
    ),
    _flag(
        "customer_satisfaction_or_traceability",
        _C,
        "已建立顾客满意度测评机制或产品追溯体系",
        "has a customer-satisfaction measurement or product-traceability system",
    ),
    _flag(
        "regional_specialty_product",
        _C,
        "拥有地域特色产品或服务并利用特有资源研发生产",
        "regional specialty product made with local resources",
    ),
    _flag(
        "unique_process_or_formula",
        _C,
        "掌握独有、可持续的工艺、技术或配方",
        "owns a unique, sustainable process or formula",
    ),
    _flag(
        "time_honored_or_famous_brand",
        _C,
        "有效期内的中华老字号、驰名商标或省级以上名牌产品",
        "valid 中华老字号, well-known trademark or provincial-or-higher famous brand",
    ),
    _years("years_in_niche", _C, "从事特定细分市场年限", "years in the market niche"),
    FieldSpec(
        "province_niche_rank",
        _C,
        _I,
        "主导产品细分市场占有率全省排名",
        "province rank of main product's niche share",
        "名",
        "rank",
        minimum=1,
        maximum=MAX_COUNT,
    ),
    _flag("priority_field", _C, "属于优先遴选领域", "in a priority field (粤工信规字〔2020〕3号 第三条)"),
    _flag(
        "single_champion",
        _C,
        "已列为工信部制造业单项冠军企业或产品",
        "already an MIIT single-champion firm/product",
    ),
    _flag("dishonest_judgment_debtor", _C, "失信被执行人", "dishonest judgment debtor (信用中国)"),
    _years(
        "years_since_major_accident",
        _C,
        "距最近一次重大安全、环保、质量事故年数",
        "years since the last major safety/environment/quality accident",
        null_means_never=True,
        description="null = never had one.",
    ),
    _years(
        "years_since_serious_violation",
        _C,
        "距最近一次较严重违法违规（含偷漏税、失信）年数",
        "years since the last serious violation (incl. tax evasion, dishonesty)",
        null_means_never=True,
        description="null = never had one.",
    ),
    _flag(
        "overdue_unaccepted_provincial_project",
        _C,
        "存在省工信厅专项资金项目逾期未验收",
        "has an overdue, not yet accepted provincial project",
    ),
    FieldSpec(
        "miit_digital_level",
        _C,
        _I,
        "中小企业数字化水平评测等级",
        "MIIT SME digital level",
        "级",
        "level",
        minimum=0,
        maximum=4,
        description="0 = assessed, below 一级; 1–4 = 一级…四级.",
    ),
)

PROJECT_FIELDS: Final[tuple[FieldSpec, ...]] = (
    FieldSpec("start_date", _P, FieldType.DATE, "项目启动日期", "project start date"),
    FieldSpec("completion_date", _P, FieldType.DATE, "项目完工日期", "project completion date"),
    _money(
        "investment_wan",
        _P,
        "项目投入费用（不含税）/项目总投资",
        "project investment (tax-exclusive)",
        desc="gd_dt_benchmark_2022: 项目投入费用; jy_tu: 项目总投资.",
    ),
    _money("it_investment_wan", _P, "信息化投入", "IT investment"),
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
    _flag(
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
    _flag("quantified_kpis", _P, "有可量化考核的绩效指标", "has quantified KPIs"),
    _yi(
        "lead_firm_revenue_2020_yi",
        _P,
        "龙头企业2020年主营业务收入",
        "lead firm's 2020 main-business revenue",
    ),
    _count("core_suppliers_driven", _P, "带动省内核心供应链制造企业数", "Guangdong core suppliers driven"),
    _money(
        "equipment_purchase_wan",
        _P,
        "符合条件的设备购置（租赁）总额",
        "qualifying equipment purchase (lease) total",
    ),
    _flag(
        "filed_with_authority",
        _P,
        "已在工信主管部门备案/核准/审批",
        "filed/approved with the industry authority",
    ),
    _flag(
        "completed_within_filing_period",
        _P,
        "完工日期在备案证建设期内",
        "completed within the filed construction period",
    ),
    _flag(
        "prior_provincial_funding",
        _P,
        "项目或设备已获省财政资金支持",
        "project/equipment already received provincial money",
    ),
    _flag(
        "counted_in_techreform_statistics",
        _P,
        "投资已纳入技术改造投资统计",
        "investment counted in tech-upgrade statistics",
    ),
    _yi(
        "total_investment_yi",
        _P,
        "项目立项及“十四五”期间完成总投资",
        "project total investment (approved and completed)",
    ),
    _money(
        "new_fai_wan", _P, "申报期内新增实际固定资产投资额", "new actual fixed-asset investment in the period"
    ),
    _flag(
        "counted_in_fai_statistics",
        _P,
        "新增固定资产投资已纳入省工业固定资产投资统计",
        "new FAI counted in provincial statistics",
    ),
    _flag(
        "prior_major_project_award",
        _P,
        "已获省重大制造业项目投资奖励",
        "already got the provincial major-project award",
    ),
    _money(
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

assert not set(COMPANY) & set(PROJECT), "field names must be unique across scopes"

assert all(f.minimum is not None and f.maximum is not None for f in FIELDS.values() if f.numeric), (
    "every number needs a declared range"
)
