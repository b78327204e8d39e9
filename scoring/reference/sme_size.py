"""Enterprise size (大型/中型/小型/微型) by 《中小企业划型标准规定》（工信部联企业〔2011〕300号）.

The policy texts cite this rule for "中小企业" (seed 002 D5 L1874, D6 第二条 L1961; seed002_digest §6)
but do not reproduce its thresholds ("thresholds not in file"), so they are transcribed here from the
rule itself: 工业和信息化部、国家统计局、国家发展和改革委员会、财政部 2011-06-18, 第四条 (一)–(十六).
Each rule below quotes its sentences verbatim; tests/reference/test_ref_sme_size.py re-parses the
numbers from the quotes.

Logic of every clause (第四条, read with 第七条 "本规定的中型企业标准上限即为大型企业标准的下限"):
- "X以下或Y以下的为中小微型企业" → SME if ANY indicator is below its ceiling
  ("以下" excludes the number itself); therefore LARGE only if ALL indicators reach their ceilings.
- "X及以上，且Y及以上的为中型企业" → medium if ALL indicators reach the medium floors
  ("及以上" includes the number).
- small likewise; "X以下或Y以下的为微型企业" → micro if ANY indicator is below the small floor.
  Same reading as 国家统计局《统计上大中小微型企业划分办法（2017）》: "大型、中型和小型企业须同时
  满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可".
Unknown (None) inputs use three-valued logic: a size is returned whenever the known inputs already
decide it (工业 with 12 employees is micro whatever the revenue); otherwise size is None and
`missing` names the inputs still needed.

Mapping to GB/T 4754-2017 (sector_for_division): 300号 第三条 scope and the table of
国家统计局 2017 办法 (国统字〔2017〕213号): 工业 = B, C, D; 交通运输业 = 54–58 (不含 53 铁路运输业);
仓储业 = 59; 邮政业 = 60; 信息传输业 = 63, 64; 房地产开发经营 = 701 (7010); 物业管理 = 702;
其他未列明行业 = M, N, O, 85 社会工作, R, 703, 709 ("不包括自有房地产经营活动" = 704).
DECISION: J 金融业 (own rule, 银发〔2015〕309号), P 教育, 84 卫生, S, T, 53 and 704 map to None
(not covered; 300号 第六条 says other industries "参照本规定进行划型", so the user picks a sector).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from scoring.reference.industries import division

RULE_TITLE_ZH: Final = "《中小企业划型标准规定》（工信部联企业〔2011〕300号）"
RULE_TITLE_EN: Final = "SME Classification Standard (MIIT et al., Gong Xin Bu Lian Qi Ye [2011] No. 300)"


class Size(StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def zh(self) -> str:
        return _SIZE_ZH[self]

    @property
    def is_sme(self) -> bool:
        """中小微型企业 (medium, small or micro)."""
        return self is not Size.LARGE


_SIZE_ZH: Final = {Size.LARGE: "大型", Size.MEDIUM: "中型", Size.SMALL: "小型", Size.MICRO: "微型"}
SIZE_NAMES_ZH: Final = {s: f"{_SIZE_ZH[s]}企业" for s in Size}
SIZE_NAMES_EN: Final = {s: f"{s.value} enterprise" for s in Size}


class Metric(StrEnum):
    EMPLOYEES = "employees"  # 从业人员 (人)
    REVENUE = "revenue_wan"  # 营业收入 (万元)
    ASSETS = "total_assets_wan"  # 资产总额 (万元)


METRIC_NAMES_ZH: Final = {Metric.EMPLOYEES: "从业人员", Metric.REVENUE: "营业收入", Metric.ASSETS: "资产总额"}
METRIC_NAMES_EN: Final = {
    Metric.EMPLOYEES: "employees",
    Metric.REVENUE: "revenue",
    Metric.ASSETS: "total assets",
}


class Sector(StrEnum):
    """The 16 industries of 第四条, in its order (一)–(十六)."""

    AGRICULTURE = "agriculture"  # (一) 农、林、牧、渔业
    INDUSTRY = "industry"  # (二) 工业
    CONSTRUCTION = "construction"  # (三) 建筑业
    WHOLESALE = "wholesale"  # (四) 批发业
    RETAIL = "retail"  # (五) 零售业
    TRANSPORT = "transport"  # (六) 交通运输业
    WAREHOUSING = "warehousing"  # (七) 仓储业
    POSTAL = "postal"  # (八) 邮政业
    ACCOMMODATION = "accommodation"  # (九) 住宿业
    CATERING = "catering"  # (十) 餐饮业
    INFO_TRANSMISSION = "info_transmission"  # (十一) 信息传输业
    SOFTWARE_IT = "software_it"  # (十二) 软件和信息技术服务业
    REAL_ESTATE_DEV = "real_estate_dev"  # (十三) 房地产开发经营
    PROPERTY_MGMT = "property_mgmt"  # (十四) 物业管理
    LEASING_BUSINESS = "leasing_business"  # (十五) 租赁和商务服务业
    OTHER = "other"  # (十六) 其他未列明行业


@dataclass(frozen=True, slots=True)
class Bound:
    """`metric` compared with `value`: "及以上" means >= value, "以下" means < value."""

    metric: Metric
    value: float


@dataclass(frozen=True, slots=True)
class SizeRule:
    """One item of 第四条. *_zh are verbatim sentences of the rule."""

    sector: Sector
    item: str  # "(二)"
    name_zh: str
    name_en: str
    sme_ceiling: tuple[Bound, ...]  # "...以下或...以下的为中小微型企业": SME if ANY value < bound
    medium_floor: tuple[Bound, ...]  # "...及以上，且...及以上的为中型企业": ALL values >= bound
    small_floor: tuple[Bound, ...]  # "...及以上，且...及以上的为小型企业": ALL values >= bound
    sme_zh: str
    medium_zh: str
    small_zh: str
    micro_zh: str

    @property
    def clause(self) -> str:
        return f"300号 第四条{self.item} {self.name_zh}"

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """Indicators this clause uses, in the order the clause names them."""
        seen: dict[Metric, None] = {}
        for b in self.sme_ceiling + self.medium_floor + self.small_floor:
            seen.setdefault(b.metric)
        return tuple(seen)

    @property
    def text_zh(self) -> str:
        """The clause reassembled from its four verbatim sentences (punctuation between them normalised)."""
        body = f"{self.sme_zh}。其中，{self.medium_zh}；{self.small_zh}；{self.micro_zh}。"
        return f"{self.item}{self.name_zh}。{body}"


E, R, A = Metric.EMPLOYEES, Metric.REVENUE, Metric.ASSETS


def _rule(  # noqa: PLR0913, PLR0917 — one row of the 300号 size table
    sector: Sector,
    item: str,
    name_zh: str,
    name_en: str,
    ceiling: Iterable[tuple[Metric, float]],
    medium: Iterable[tuple[Metric, float]],
    small: Iterable[tuple[Metric, float]],
    sentences: tuple[str, str, str, str],
) -> SizeRule:
    return SizeRule(
        sector,
        item,
        name_zh,
        name_en,
        tuple(Bound(m, v) for m, v in ceiling),
        tuple(Bound(m, v) for m, v in medium),
        tuple(Bound(m, v) for m, v in small),
        *sentences,
    )


# 300号 第四条 (一)–(十六), transcribed from the rule (2011-06-18); each entry cites its item.
RULES: Final[dict[Sector, SizeRule]] = {
    r.sector: r
    for r in (
        _rule(
            Sector.AGRICULTURE, "(一)", "农、林、牧、渔业", "Agriculture, forestry, husbandry, fishery",
            [(R, 20000)], [(R, 500)], [(R, 50)],
            (
                "营业收入20000万元以下的为中小微型企业",
                "营业收入500万元及以上的为中型企业",
                "营业收入50万元及以上的为小型企业",
                "营业收入50万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.INDUSTRY, "(二)", "工业", "Industry (mining, manufacturing, utilities)",
            [(E, 1000), (R, 40000)], [(E, 300), (R, 2000)], [(E, 20), (R, 300)],
            (
                "从业人员1000人以下或营业收入40000万元以下的为中小微型企业",
                "从业人员300人及以上，且营业收入2000万元及以上的为中型企业",
                "从业人员20人及以上，且营业收入300万元及以上的为小型企业",
                "从业人员20人以下或营业收入300万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.CONSTRUCTION, "(三)", "建筑业", "Construction",
            [(R, 80000), (A, 80000)], [(R, 6000), (A, 5000)], [(R, 300), (A, 300)],
            (
                "营业收入80000万元以下或资产总额80000万元以下的为中小微型企业",
                "营业收入6000万元及以上，且资产总额5000万元及以上的为中型企业",
                "营业收入300万元及以上，且资产总额300万元及以上的为小型企业",
                "营业收入300万元以下或资产总额300万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.WHOLESALE, "(四)", "批发业", "Wholesale",
            [(E, 200), (R, 40000)], [(E, 20), (R, 5000)], [(E, 5), (R, 1000)],
            (
                "从业人员200人以下或营业收入40000万元以下的为中小微型企业",
                "从业人员20人及以上，且营业收入5000万元及以上的为中型企业",
                "从业人员5人及以上，且营业收入1000万元及以上的为小型企业",
                "从业人员5人以下或营业收入1000万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.RETAIL, "(五)", "零售业", "Retail",
            [(E, 300), (R, 20000)], [(E, 50), (R, 500)], [(E, 10), (R, 100)],
            (
                "从业人员300人以下或营业收入20000万元以下的为中小微型企业",
                "从业人员50人及以上，且营业收入500万元及以上的为中型企业",
                "从业人员10人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员10人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.TRANSPORT, "(六)", "交通运输业", "Transport (excluding railways)",
            [(E, 1000), (R, 30000)], [(E, 300), (R, 3000)], [(E, 20), (R, 200)],
            (
                "从业人员1000人以下或营业收入30000万元以下的为中小微型企业",
                "从业人员300人及以上，且营业收入3000万元及以上的为中型企业",
                "从业人员20人及以上，且营业收入200万元及以上的为小型企业",
                "从业人员20人以下或营业收入200万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.WAREHOUSING, "(七)", "仓储业", "Warehousing",
            [(E, 200), (R, 30000)], [(E, 100), (R, 1000)], [(E, 20), (R, 100)],
            (
                "从业人员200人以下或营业收入30000万元以下的为中小微型企业",
                "从业人员100人及以上，且营业收入1000万元及以上的为中型企业",
                "从业人员20人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员20人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.POSTAL, "(八)", "邮政业", "Postal services",
            [(E, 1000), (R, 30000)], [(E, 300), (R, 2000)], [(E, 20), (R, 100)],
            (
                "从业人员1000人以下或营业收入30000万元以下的为中小微型企业",
                "从业人员300人及以上，且营业收入2000万元及以上的为中型企业",
                "从业人员20人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员20人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.ACCOMMODATION, "(九)", "住宿业", "Accommodation",
            [(E, 300), (R, 10000)], [(E, 100), (R, 2000)], [(E, 10), (R, 100)],
            (
                "从业人员300人以下或营业收入10000万元以下的为中小微型企业",
                "从业人员100人及以上，且营业收入2000万元及以上的为中型企业",
                "从业人员10人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员10人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.CATERING, "(十)", "餐饮业", "Catering",
            [(E, 300), (R, 10000)], [(E, 100), (R, 2000)], [(E, 10), (R, 100)],
            (
                "从业人员300人以下或营业收入10000万元以下的为中小微型企业",
                "从业人员100人及以上，且营业收入2000万元及以上的为中型企业",
                "从业人员10人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员10人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.INFO_TRANSMISSION, "(十一)", "信息传输业", "Information transmission",
            [(E, 2000), (R, 100000)], [(E, 100), (R, 1000)], [(E, 10), (R, 100)],
            (
                "从业人员2000人以下或营业收入100000万元以下的为中小微型企业",
                "从业人员100人及以上，且营业收入1000万元及以上的为中型企业",
                "从业人员10人及以上，且营业收入100万元及以上的为小型企业",
                "从业人员10人以下或营业收入100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.SOFTWARE_IT, "(十二)", "软件和信息技术服务业", "Software and IT services",
            [(E, 300), (R, 10000)], [(E, 100), (R, 1000)], [(E, 10), (R, 50)],
            (
                "从业人员300人以下或营业收入10000万元以下的为中小微型企业",
                "从业人员100人及以上，且营业收入1000万元及以上的为中型企业",
                "从业人员10人及以上，且营业收入50万元及以上的为小型企业",
                "从业人员10人以下或营业收入50万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.REAL_ESTATE_DEV, "(十三)", "房地产开发经营", "Real estate development",
            [(R, 200000), (A, 10000)], [(R, 1000), (A, 5000)], [(R, 100), (A, 2000)],
            (
                "营业收入200000万元以下或资产总额10000万元以下的为中小微型企业",
                "营业收入1000万元及以上，且资产总额5000万元及以上的为中型企业",
                "营业收入100万元及以上，且资产总额2000万元及以上的为小型企业",
                "营业收入100万元以下或资产总额2000万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.PROPERTY_MGMT, "(十四)", "物业管理", "Property management",
            [(E, 1000), (R, 5000)], [(E, 300), (R, 1000)], [(E, 100), (R, 500)],
            (
                "从业人员1000人以下或营业收入5000万元以下的为中小微型企业",
                "从业人员300人及以上，且营业收入1000万元及以上的为中型企业",
                "从业人员100人及以上，且营业收入500万元及以上的为小型企业",
                "从业人员100人以下或营业收入500万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.LEASING_BUSINESS, "(十五)", "租赁和商务服务业", "Leasing and business services",
            [(E, 300), (A, 120000)], [(E, 100), (A, 8000)], [(E, 10), (A, 100)],
            (
                "从业人员300人以下或资产总额120000万元以下的为中小微型企业",
                "从业人员100人及以上，且资产总额8000万元及以上的为中型企业",
                "从业人员10人及以上，且资产总额100万元及以上的为小型企业",
                "从业人员10人以下或资产总额100万元以下的为微型企业",
            ),
        ),
        _rule(
            Sector.OTHER, "(十六)", "其他未列明行业", "Other industries not listed",
            [(E, 300)], [(E, 100)], [(E, 10)],
            (
                "从业人员300人以下的为中小微型企业",
                "从业人员100人及以上的为中型企业",
                "从业人员10人及以上的为小型企业",
                "从业人员10人以下的为微型企业",
            ),
        ),
    )
}  # fmt: skip

_SECTOR_BY_NAME: Final[dict[str, Sector]] = {
    **{s.value: s for s in Sector},
    **{r.name_zh: r.sector for r in RULES.values()},
}


@dataclass(frozen=True, slots=True)
class SizeResult:
    """Outcome of classify(). size is None when the given inputs do not decide it (see `missing`)."""

    size: Size | None
    sector: Sector
    rule_zh: str  # verbatim sentence of 300号 that decided the size ("" when undecided)
    rule_en: str  # short English explanation with the user's values
    clause: str  # e.g. "300号 第四条(二) 工业"
    missing: tuple[Metric, ...] = ()  # inputs needed when size is None

    @property
    def size_zh(self) -> str | None:
        return None if self.size is None else self.size.zh

    @property
    def is_sme(self) -> bool | None:
        return None if self.size is None else self.size.is_sme


# ---- three-valued helpers (True / False / None = unknown) ----------------------------------------------


def _below(values: dict[Metric, float | None], b: Bound) -> bool | None:
    v = values[b.metric]
    return None if v is None else v < b.value  # "以下": the bound itself is NOT below


def _any(items: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for item in items:
        if item is True:
            return True
        if item is None:
            result = None
    return result


def _all(items: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for item in items:
        if item is False:
            return False
        if item is None:
            result = None
    return result


def _at_least(values: dict[Metric, float | None], b: Bound) -> bool | None:
    v = values[b.metric]
    return None if v is None else v >= b.value  # "及以上": the bound itself counts


def _explain(op: str, bounds: tuple[Bound, ...], values: dict[Metric, float | None], joiner: str) -> str:
    parts = []
    for b in bounds:
        unit = "" if b.metric is Metric.EMPLOYEES else " (10k CNY)"
        parts.append(f"{METRIC_NAMES_EN[b.metric]} {values[b.metric]:g} {op} {b.value:g}{unit}")
    return f" {joiner} ".join(parts)


def get_sector(sector: str) -> Sector:
    """Sector from its value ("industry") or the rule's Chinese name ("工业"); ValueError if unknown."""
    key = sector.strip()
    try:
        return _SECTOR_BY_NAME[key]
    except KeyError:
        raise ValueError(f"unknown sector {sector!r}; use one of {[s.value for s in Sector]}") from None


def classify(  # noqa: PLR0911 — one return per 300号 clause
    sector: str,
    employees: int | None,
    revenue_wan: float | None,
    total_assets_wan: float | None,
) -> SizeResult:
    """Size of an enterprise under 300号 第四条.

    sector: a Sector value ("industry") or 第四条 name ("工业"); sector_for_division() maps GB/T 4754.
    employees: 从业人员 (persons); revenue_wan: 营业收入 in 万元; total_assets_wan: 资产总额 in 万元.
    Inputs the clause does not use are ignored. Negative inputs raise ValueError.
    """
    rule = RULES[get_sector(sector)]
    values: dict[Metric, float | None] = {E: employees, R: revenue_wan, A: total_assets_wan}
    for metric, value in values.items():
        if value is not None and value < 0:
            raise ValueError(f"{metric.value} must not be negative")
    name = rule.name_en

    def undecided() -> SizeResult:
        missing = tuple(m for m in rule.metrics if values[m] is None)
        needed = ", ".join(METRIC_NAMES_EN[m] for m in missing)
        return SizeResult(None, rule.sector, "", f"{name}: size needs {needed}", rule.clause, missing)

    is_sme = _any(_below(values, b) for b in rule.sme_ceiling)
    if is_sme is None:
        return undecided()
    if is_sme is False:
        why = _explain("≥", rule.sme_ceiling, values, "and")
        return SizeResult(
            Size.LARGE,
            rule.sector,
            rule.sme_zh,
            f"{name}: {why} → not an SME, so large (第七条: the medium ceiling is the large floor)",
            rule.clause,
        )
    medium = _all(_at_least(values, b) for b in rule.medium_floor)
    if medium is None:
        return undecided()
    if medium:
        why = _explain("≥", rule.medium_floor, values, "and")
        return SizeResult(Size.MEDIUM, rule.sector, rule.medium_zh, f"{name}: {why} → medium", rule.clause)
    small = _all(_at_least(values, b) for b in rule.small_floor)
    if small is None:
        return undecided()
    if small:
        why = _explain("≥", rule.small_floor, values, "and")
        return SizeResult(Size.SMALL, rule.sector, rule.small_zh, f"{name}: {why} → small", rule.clause)
    decisive = tuple(b for b in rule.small_floor if _below(values, b))
    why = _explain("<", decisive, values, "and")
    return SizeResult(Size.MICRO, rule.sector, rule.micro_zh, f"{name}: {why} → micro", rule.clause)


# ---- GB/T 4754-2017 → 第四条 industry ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectorMapping:
    prefix: str  # GB/T 4754-2017 code prefix (section letter or 2-4 digits)
    sector: Sector | None  # None: not covered by 300号, or the division alone does not decide (70)
    note: str


# Longest matching prefix wins. Sources: 300号 第三条; 国家统计局 2017 办法 table (module docstring).
_MAPPINGS: Final[tuple[SectorMapping, ...]] = (
    SectorMapping("A", Sector.AGRICULTURE, "第三条 农、林、牧、渔业 (whole section A)"),
    SectorMapping("B", Sector.INDUSTRY, "第三条 工业（包括采矿业…）"),
    SectorMapping("C", Sector.INDUSTRY, "第三条 工业（包括…制造业…）"),
    SectorMapping("D", Sector.INDUSTRY, "第三条 工业（包括…电力、热力、燃气及水生产和供应业）"),
    SectorMapping("E", Sector.CONSTRUCTION, "建筑业 (section E)"),
    SectorMapping("51", Sector.WHOLESALE, "批发业"),
    SectorMapping("52", Sector.RETAIL, "零售业"),
    SectorMapping("53", None, "铁路运输业 is excluded: 第三条 交通运输业（不含铁路运输业）"),
    SectorMapping("54", Sector.TRANSPORT, "交通运输业"),
    SectorMapping("55", Sector.TRANSPORT, "交通运输业"),
    SectorMapping("56", Sector.TRANSPORT, "交通运输业"),
    SectorMapping("57", Sector.TRANSPORT, "交通运输业"),
    SectorMapping("58", Sector.TRANSPORT, "交通运输业 (多式联运和运输代理业)"),
    SectorMapping("59", Sector.WAREHOUSING, "仓储业 (装卸搬运和仓储业; NBS 2017 table)"),
    SectorMapping("60", Sector.POSTAL, "邮政业"),
    SectorMapping("61", Sector.ACCOMMODATION, "住宿业"),
    SectorMapping("62", Sector.CATERING, "餐饮业"),
    SectorMapping("63", Sector.INFO_TRANSMISSION, "信息传输业（包括电信、互联网和相关服务）"),
    SectorMapping("64", Sector.INFO_TRANSMISSION, "信息传输业（包括电信、互联网和相关服务）"),
    SectorMapping("65", Sector.SOFTWARE_IT, "软件和信息技术服务业"),
    SectorMapping("J", None, "金融业 has its own rule (银发〔2015〕309号), not 300号"),
    SectorMapping("70", None, "房地产业: give the group (701 开发经营 / 702 物业管理 / 703, 709 其他)"),
    SectorMapping("701", Sector.REAL_ESTATE_DEV, "房地产开发经营 (7010)"),
    SectorMapping("702", Sector.PROPERTY_MGMT, "物业管理 (7020)"),
    SectorMapping("703", Sector.OTHER, "房地产中介服务 → 其他未列明行业 (NBS 2017 table)"),
    SectorMapping("704", None, "房地产租赁经营 (自有房地产经营活动): excluded (NBS 2017 table)"),
    SectorMapping("709", Sector.OTHER, "其他房地产业 → 其他未列明行业 (NBS 2017 table)"),
    SectorMapping("L", Sector.LEASING_BUSINESS, "租赁和商务服务业 (71, 72)"),
    SectorMapping("M", Sector.OTHER, "其他未列明行业（包括科学研究和技术服务业…）"),
    SectorMapping("N", Sector.OTHER, "其他未列明行业（…水利、环境和公共设施管理业…）"),
    SectorMapping("O", Sector.OTHER, "其他未列明行业（…居民服务、修理和其他服务业…）"),
    SectorMapping("P", None, "教育 is not covered by 300号 (第六条: 参照本规定)"),
    SectorMapping("84", None, "卫生 is not covered by 300号 (第六条: 参照本规定)"),
    SectorMapping("85", Sector.OTHER, "其他未列明行业（…社会工作…）"),
    SectorMapping("R", Sector.OTHER, "其他未列明行业（…文化、体育和娱乐业等）"),
    SectorMapping("S", None, "公共管理、社会保障和社会组织: not enterprises under 300号"),
    SectorMapping("T", None, "国际组织: not covered"),
)
_MAPPING_BY_PREFIX: Final = {m.prefix: m for m in _MAPPINGS}


def sector_mapping(code: str) -> SectorMapping:
    """How a GB/T 4754-2017 code (2-digit division, or 3-/4-digit group/class) maps to a 第四条 industry.

    KeyError for an unknown division.
    """
    key = code.strip()
    if len(key) == 1 and key.isdigit():
        key = "0" + key
    div = division(key)  # validates the 2-digit part
    for length in range(min(len(key), 4), 1, -1):
        hit = _MAPPING_BY_PREFIX.get(key[:length])
        if hit is not None:
            return hit
    return _MAPPING_BY_PREFIX[div.section]


def sector_for_division(code: str) -> Sector | None:
    """第四条 industry for a GB/T 4754-2017 code, e.g. "39" → INDUSTRY, "7010" → REAL_ESTATE_DEV.

    None when 300号 does not cover the code (53 铁路, J 金融, P, 84, S, T, 704) or when "70" is given
    without its 3-digit group; sector_mapping(code).note says which. KeyError for an unknown division.
    """
    return sector_mapping(code).sector
