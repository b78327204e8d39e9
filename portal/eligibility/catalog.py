"""What the eligibility pages ask and how they label it: field groups, choice labels, rule usage hints.

Everything comes from the engine's field registry (``scoring/eligibility/fields.py``) and the rule set, so a
field added to the registry or read by an uploaded rule file shows up here without another list to update.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from flask_babel import gettext as _

from portal.i18n import list_separator, pick
from scoring.eligibility import RuleSet
from scoring.eligibility.fields import COMPANY, COMPANY_FIELDS, PROJECT, FieldSpec
from scoring.eligibility.rules import Program
from scoring.reference import regions

# Company fields taken from the company profile (企业信息) or derived from it; never asked again.
MAPPED_FROM_PROFILE: Final = {
    "city": "所在地市",
    "sector": "行业门类",
    "sme_size_class": "企业规模（由企业信息自动划型）",
    "credit_code": "统一社会信用代码",
    "employees": "从业人员",
    "revenue_wan": "营业收入",
    "total_assets_wan": "资产总额",
    "years_in_operation": "成立年份（连续经营年限 = 评估日期年份 − 成立年份）",
}

# (group id, zh title, en title, field names) — the page "企业条件" in this order.
GROUPS: Final[tuple[tuple[str, str, str, tuple[str, ...]], ...]] = (
    (
        "basic",
        "基本情况",
        "Basic facts",
        ("registered_in_guangdong", "independent_legal_person", "miit_digital_level"),
    ),
    (
        "finance",
        "经营与财务",
        "Business and finance",
        (
            "main_business_revenue_wan",
            "main_business_share_pct",
            "revenue_growth_2y_avg_pct",
            "revenue_growth_each_year_positive",
            "net_profit_growth_2y_avg_pct",
            "profit_total_wan",
            "debt_to_asset_pct",
            "new_equity_financing_2y_wan",
        ),
    ),
    (
        "rd",
        "研发与知识产权",
        "R&D and intellectual property",
        (
            "rd_ratio_2y_pct",
            "rd_spend_2y_wan",
            "rd_staff_share_pct",
            "qualified_staff_share_pct",
            "leading_talent",
            "invention_patents",
            "utility_model_patents",
            "other_ip_items",
            "standards_drafted",
            "tech_center_level",
            "rd_institution",
            "postdoc_workstation",
        ),
    ),
    (
        "compliance",
        "合规记录",
        "Compliance record",
        (
            "dishonest_judgment_debtor",
            "years_since_major_accident",
            "years_since_serious_violation",
            "overdue_unaccepted_provincial_project",
        ),
    ),
    (
        "zjtx",
        "专精特新专项",
        "Specialised SME specifics",
        (
            "priority_field",
            "single_champion",
            "years_in_niche",
            "province_niche_rank",
            "core_business_on_info_system",
            "own_brand",
            "certifications",
            "executes_product_standards",
            "standards_advanced_level",
            "customer_satisfaction_or_traceability",
            "regional_specialty_product",
            "unique_process_or_formula",
            "time_honored_or_famous_brand",
        ),
    ),
)

# Labels of enum values (zh, en). A value missing here is shown as is.
CHOICE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "none": ("无", "none"),
    "大型企业": ("大型企业", "large enterprise"),
    "中型企业": ("中型企业", "medium-sized enterprise"),
    "小型企业": ("小型企业", "small enterprise"),
    "微型企业": ("微型企业", "micro enterprise"),
    "county": ("县级", "county"),
    "city": ("市级", "city"),
    "provincial": ("省级", "provincial"),
    "national": ("国家级", "national"),
    "quality_management": ("质量管理体系认证", "quality management system"),
    "ip_management": ("知识产权管理体系认证", "IP management system"),
    "other_management_system": ("其他管理体系认证", "other management system"),
    "developed_country_product": ("发达国家或地区产品认证", "product certification of a developed economy"),
    "equipment": ("设备数据", "equipment data"),
    "system": ("业务系统数据", "business-system data"),
    "supply_chain": ("供应链数据", "supply-chain data"),
    "other": ("其他", "other"),
    "manufacturing": ("制造业", "manufacturing"),
    "mining": ("采矿业", "mining"),
    "utilities": ("电力、热力、燃气及水生产和供应业", "utilities"),
    "construction": ("建筑业", "construction"),
    "services": ("服务业", "services"),
    "micro": ("微型企业", "micro"),
    "small": ("小型企业", "small"),
    "medium": ("中型企业", "medium"),
    "large": ("大型企业", "large"),
}


def choice_label(value: str) -> str:
    pair = CHOICE_LABELS.get(value)
    if pair is None and value in regions.CITY_NAMES_EN:  # a city, named in the page's language
        pair = (value, regions.CITY_NAMES_EN[value])
    return value if pair is None else pick(*pair)


def company_fields_asked() -> list[FieldSpec]:
    """Company fields the page asks: every registry field except those mapped from the profile."""
    grouped = [name for _g, _zh, _en, names in GROUPS for name in names]
    rest = [f.name for f in COMPANY_FIELDS if f.name not in MAPPED_FROM_PROFILE and f.name not in grouped]
    return [COMPANY[n] for n in grouped + rest if n in COMPANY]


def groups() -> list[tuple[str, str, str, list[FieldSpec]]]:
    """The groups of the conditions page; registry fields not placed in a group go to the last one."""
    placed = {name for _g, _zh, _en, names in GROUPS for name in names}
    extra = [f for f in COMPANY_FIELDS if f.name not in placed and f.name not in MAPPED_FROM_PROFILE]
    out = []
    for i, (gid, zh, en, names) in enumerate(GROUPS):
        specs = [COMPANY[n] for n in names if n in COMPANY]
        if i == len(GROUPS) - 1:
            specs += extra
        out.append((gid, zh, en, specs))
    return out


def group_title(group: tuple[str, str, str, list[FieldSpec]]) -> str:
    """The title of a group of ``groups()`` in the current language."""
    _gid, zh, en, _specs = group
    return pick(zh, en)


def label(spec: FieldSpec) -> str:
    text = pick(spec.label_zh, spec.label_en)
    unit = pick(spec.unit_zh, spec.unit_en)
    if unit and unit not in ("项",):
        return _("%(label)s（%(unit)s）", label=text, unit=unit)
    return text


# ------------------------------------------------------------------------------------ rule usage hints


def _fields_of_test(node: object) -> Iterator[str]:
    if not isinstance(node, Mapping):
        return
    for key in ("all", "any"):
        for sub in node.get(key) or []:
            yield from _fields_of_test(sub)
    for case in node.get("cases") or []:
        if isinstance(case, Mapping):
            yield from _fields_of_test(case.get("when"))
            yield from _fields_of_test(case.get("then"))
    for key in ("field", "percent_of", "years_after"):
        if isinstance(node.get(key), str):
            yield str(node[key])
    relax = node.get("relax")
    if isinstance(relax, Mapping):
        yield from _fields_of_test(relax.get("when"))


@dataclass(frozen=True)
class Usage:
    program_id: str
    program_zh: str
    program_en: str
    clause_zh: str
    clause_en: str
    directions: tuple[str, ...] | None


def field_usage(rules: RuleSet) -> dict[str, list[Usage]]:
    """Field path (``company.x`` / ``project.y``) → the clauses (and award bases) that read it."""
    usage: dict[str, list[Usage]] = {}
    for program in rules.programs:
        for clause in program.clauses:
            paths = set(_fields_of_test(clause.test)) | set(_fields_of_test(clause.applies_when))
            for path in sorted(paths):
                usage.setdefault(path, []).append(
                    Usage(
                        program.id,
                        program.name_zh,
                        program.name_en,
                        clause.title_zh,
                        clause.title_en,
                        clause.directions,
                    )
                )
        bases = {program.award.base} if program.award and program.award.base else set()
        bases |= {d.award.base for d in program.directions if d.award and d.award.base}
        for base in sorted(bases):
            usage.setdefault(base, []).append(
                Usage(program.id, program.name_zh, program.name_en, "奖补计算基数", "award base", None)
            )
    return usage


def hint(spec: FieldSpec, usage: Mapping[str, list[Usage]], program_id: str | None = None) -> str:
    """Help text: which programs and clauses read the field (only the clauses, within one program's form)."""
    uses = [u for u in usage.get(spec.path, []) if program_id is None or u.program_id == program_id]
    names: list[str] = []
    for u in uses:
        clause = pick(u.clause_zh, u.clause_en)
        if program_id is not None:
            text = clause
        else:
            text = _("%(program)s（%(clause)s）", program=pick(u.program_zh, u.program_en), clause=clause)
        if text not in names:
            names.append(text)
    if not names:
        return _("当前规则未使用此项。")
    shown = names[:3]
    more = len(names) - len(shown)
    joined = _("；").join(shown)
    if more:
        joined += _("（另 %(n)s 项）", n=more)
    return _("用于：%(names)s", names=joined)


def project_fields(program: Program, usage: Mapping[str, list[Usage]]) -> list[FieldSpec]:
    """Project fields a program reads (clauses of any direction, award bases), in registry order."""
    wanted = {path for path, uses in usage.items() for u in uses if u.program_id == program.id}
    return [spec for spec in PROJECT.values() if spec.path in wanted]


def project_field_directions(program: Program, spec: FieldSpec, usage: Mapping[str, list[Usage]]) -> set[str]:
    """Directions a project field is limited to (empty = all directions)."""
    dirs: set[str] = set()
    for u in usage.get(spec.path, []):
        if u.program_id != program.id:
            continue
        if u.directions is None:
            return set()
        dirs |= set(u.directions)
    return dirs


def describe_value(spec: FieldSpec, value: Any) -> str:
    """A stored contract value in words, in the current language (for read-only views)."""
    if value is None and spec.null_means_never:
        return _("从未发生")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        if not value:
            return _("无")
        return list_separator().join(choice_label(v) for v in value)
    if isinstance(value, str) and spec.choices:
        return choice_label(value)
    unit = pick(spec.unit_zh, spec.unit_en)
    return _("%(value)s%(unit)s", value=value, unit=unit).strip() if unit else str(value)


PROJECT_SPECS: Final = PROJECT


def status_key(result: Mapping[str, Any]) -> str:
    """The STATUS_LABELS key of a result: its status, or eligible_relaxed when it holds only with the
    relaxation (``relaxation_to_confirm``)."""
    status = str(result.get("status") or "")
    return "eligible_relaxed" if status == "eligible" and result.get("relaxation_to_confirm") else status


STATUS_LABELS: Final[dict[str, tuple[str, str, str]]] = {
    # status → (zh, en, badge class)
    "eligible": ("符合", "eligible", "badge-ok"),
    "ineligible": ("不符合", "not eligible", "badge-err"),
    "needs_info": ("待补充信息", "needs information", "badge-warn"),
    # an eligible result that holds only with a discretionary relaxation (result flag relaxation_to_confirm)
    "eligible_relaxed": (
        "放宽后符合（须经主管部门确认）",
        "eligible only with the relaxation, to be confirmed by the bureau",
        "badge-warn",
    ),
    "not_covered": ("不适用本地区", "not available in this region", "badge-muted"),
    "expired": ("已过期", "expired", "badge-muted"),
}

KIND_LABELS: Final[dict[str, tuple[str, str]]] = {
    "subsidy": ("资金奖补", "subsidy"),
    "recognition": ("资质认定", "recognition"),
    "information": ("信息提示", "information"),
}


def field_spec(name: str) -> FieldSpec | None:
    """A contract field by bare name (gaps and missing_fields name fields without scope)."""
    bare = name.split(".", 1)[1] if name.startswith(("company.", "project.")) else name
    return COMPANY.get(bare) or PROJECT.get(bare)
