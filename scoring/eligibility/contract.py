"""The JSON contract shared by ``python -m scoring eligibility`` and ``POST /api/v1/eligibility``.

``evaluate_json(payload) -> (status_code, body)``: 200 with the report, or 400 with
``{"errors": [{"field", "message", "message_zh", "message_en"}]}`` (``message`` = zh, the portal's default
language; the same item shape as the portal's own errors). ``INPUT_SCHEMA`` / ``OUTPUT_SCHEMA`` /
``ERROR_SCHEMA`` (JSON Schema, in ``schema``) are re-exported here.
"""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.eligibility.engine import evaluate
from scoring.eligibility.fields import (
    COMPANY,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_PROJECTS,
    PROJECT,
    PROJECT_META,
    TOP_LEVEL,
    FieldSpec,
    FieldType,
)
from scoring.eligibility.model import EligibilityInput, ProjectInput
from scoring.eligibility.rules import RuleSet, default_rules
from scoring.eligibility.schema import ERROR_SCHEMA, INPUT_SCHEMA, OUTPUT_SCHEMA
from scoring.reference.credit_code import validate as validate_credit_code
from scoring.reference.regions import (
    CITIES,
    CITY_NAMES_EN,
    DISTRICT_KIND_NAMES_EN,
    DISTRICT_KIND_NAMES_ZH,
    find_district,
    normalize_city,
)

JSONDict = dict[str, Any]


class _Errors:
    def __init__(self) -> None:
        self.items: list[JSONDict] = []

    def add(self, field: str, zh: str, en: str) -> None:
        # ``message`` is the portal's default language (zh): the CLI and the API answer the same bytes.
        self.items.append({"field": field, "message": zh, "message_zh": zh, "message_en": en})


def _parse_date(raw: object) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else None
    except ValueError:
        return None


def _check_date(raw: object, path: str, label_zh: str, label_en: str, errors: _Errors) -> date | None:
    """A YYYY-MM-DD date within EARLIEST_DATE..LATEST_DATE, or None after recording an error."""
    d = _parse_date(raw)
    if d is None:
        errors.add(path, f"{label_zh}：日期格式应为 YYYY-MM-DD", f"{label_en}: must be a date YYYY-MM-DD")
        return None
    if not EARLIEST_DATE <= d <= LATEST_DATE:
        low, high = EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()
        errors.add(
            path,
            f"{label_zh}应在 {low} 至 {high} 之间",
            f"{label_en} must be between {low} and {high}",
        )
        return None
    return d


def _show(number: float) -> str:
    """A bound as people write it: 1,000,000,000 (not 1e+09)."""
    return f"{Decimal(str(number)).normalize():,f}"


def _parse_number(spec: FieldSpec, raw: object, path: str, errors: _Errors) -> Decimal | None:
    """A JSON number within the field's declared range, compared before any conversion (a 4,000-digit
    integer or 1e24 never reaches the engine's Decimal arithmetic)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        errors.add(path, f"{spec.label_zh}：应为数字", f"{spec.label_en}: must be a number")
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        errors.add(path, f"{spec.label_zh}：应为有限数字", f"{spec.label_en}: must be a finite number")
        return None
    assert spec.minimum is not None  # fields.py declares every range
    assert spec.maximum is not None
    unit_zh = f" {spec.unit_zh}" if spec.unit_zh else ""
    unit_en = f" {spec.unit_en}" if spec.unit_en else ""
    if raw < spec.minimum:
        errors.add(
            path,
            f"{spec.label_zh}不能小于 {_show(spec.minimum)}{unit_zh}",
            f"{spec.label_en} must not be less than {_show(spec.minimum)}{unit_en}",
        )
        return None
    if raw > spec.maximum:
        errors.add(
            path,
            f"{spec.label_zh}不能大于 {_show(spec.maximum)}{unit_zh}",
            f"{spec.label_en} must not be greater than {_show(spec.maximum)}{unit_en}",
        )
        return None
    if spec.type is FieldType.INTEGER and not (isinstance(raw, int) or raw.is_integer()):
        errors.add(path, f"{spec.label_zh}：应为整数", f"{spec.label_en}: must be an integer")
        return None
    return Decimal(str(raw))


def _parse_value(spec: FieldSpec, raw: object, path: str, errors: _Errors) -> object:
    """The parsed value, or None after recording an error."""
    t = spec.type
    if spec.numeric:
        return _parse_number(spec, raw, path, errors)
    if t is FieldType.BOOLEAN:
        if not isinstance(raw, bool):
            errors.add(path, "应为 true 或 false", "must be true or false")
            return None
        return raw
    if t is FieldType.DATE:
        return _check_date(raw, path, spec.label_zh, spec.label_en, errors)
    if t is FieldType.ENUM:
        if raw not in spec.choices:
            errors.add(
                path, f"取值应为：{'、'.join(spec.choices)}", f"must be one of: {', '.join(spec.choices)}"
            )
            return None
        return raw
    if t is FieldType.ENUM_LIST:
        if not isinstance(raw, list) or any(v not in spec.choices for v in raw):
            errors.add(
                path,
                f"应为列表，元素取值：{'、'.join(spec.choices)}",
                f"must be a list of: {', '.join(spec.choices)}",
            )
            return None
        return tuple(sorted(set(raw), key=spec.choices.index))
    if not isinstance(raw, str):
        errors.add(path, "应为字符串", "must be a string")
        return None
    return raw


def _parse_fields(raw: JSONDict, specs: dict[str, FieldSpec], prefix: str, errors: _Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{prefix}.{key}"
        spec = specs.get(key)
        if spec is None:
            errors.add(path, "未知字段", "unknown field")
            continue
        if value is None:  # explicit null: "not known", or "never" for years_since_* fields
            if spec.null_means_never:
                values[key] = None
            continue
        parsed = _parse_value(spec, value, path, errors)
        if parsed is not None:
            values[key] = parsed
    return values


def _parse_project(
    raw: object, i: int, rules: RuleSet, seen: set[str], errors: _Errors
) -> ProjectInput | None:
    prefix = f"projects[{i}]"
    if not isinstance(raw, dict):
        errors.add(prefix, "应为对象", "must be an object")
        return None
    before = len(errors.items)
    pid, program_id, direction = raw.get("id"), raw.get("program"), raw.get("direction")
    if not isinstance(pid, str) or not pid.strip():
        errors.add(f"{prefix}.id", "项目编号必填（非空字符串）", "is required (non-empty string)")
    elif pid in seen:
        errors.add(f"{prefix}.id", "项目编号重复", "duplicate project id")
    else:
        seen.add(pid)
    program = rules.get(program_id) if isinstance(program_id, str) else None
    if program is None or program.level != "project":
        known = ", ".join(p.id for p in rules.programs if p.level == "project")
        errors.add(
            f"{prefix}.program",
            f"未知的项目类政策：{program_id!r}",
            f"unknown project program {program_id!r} ({known})",
        )
    elif program.directions:
        ids = [d.id for d in program.directions]
        if direction not in ids:
            errors.add(
                f"{prefix}.direction", f"方向应为：{'、'.join(ids)}", f"must be one of: {', '.join(ids)}"
            )
    elif direction is not None:
        errors.add(f"{prefix}.direction", "该政策没有申报方向", "this program has no directions")
    fields = {k: v for k, v in raw.items() if k not in PROJECT_META}
    values = _parse_fields(fields, PROJECT, prefix, errors)
    start, end = values.get("start_date"), values.get("completion_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.add(f"{prefix}.completion_date", "完工日期早于启动日期", "is before start_date")
    it, total = values.get("it_investment_wan"), values.get("investment_wan")
    if isinstance(it, Decimal) and isinstance(total, Decimal) and it > total:
        errors.add(
            f"{prefix}.it_investment_wan", "信息化投入不能大于项目投入", "must not exceed investment_wan"
        )
    if len(errors.items) > before:
        return None
    assert isinstance(pid, str)
    assert isinstance(program_id, str)
    return ProjectInput(pid, program_id, direction if isinstance(direction, str) else None, values)


def _unknown_city(raw: str) -> tuple[str, str]:
    """The message for a name that is not one of the 21 cities; a county-level unit names its city."""
    for parent in CITIES:
        unit = find_district(parent, raw)
        if unit is not None:
            kind_zh, kind_en = DISTRICT_KIND_NAMES_ZH[unit.kind], DISTRICT_KIND_NAMES_EN[unit.kind]
            return (
                f"{unit.name_zh}是{parent}下辖的{kind_zh}；所在地级市请填写“{parent}”",
                f"{unit.name_en} is a {kind_en} of {CITY_NAMES_EN[parent]}; enter the prefecture-level city "
                f"{parent!r}",
            )
    return (
        f"未知城市：{raw}（应为广东省21个地级市之一）",
        f"unknown city {raw!r} (must be one of Guangdong's 21 cities)",
    )


def _check_company(company: dict[str, Any], errors: _Errors) -> None:
    """Checks across company fields, and the credit code (normalised when valid)."""
    main, total = company.get("main_business_revenue_wan"), company.get("revenue_wan")
    if isinstance(main, Decimal) and isinstance(total, Decimal) and main > total:
        errors.add(
            "company.main_business_revenue_wan",
            f"主营业务收入（{_show(float(main))} 万元）不能大于营业收入（{_show(float(total))} 万元）",
            f"must not exceed revenue_wan ({_show(float(main))} > {_show(float(total))} 10k CNY)",
        )
    code = company.get("credit_code")
    if isinstance(code, str):
        checked = validate_credit_code(code)
        if checked.ok:
            company["credit_code"] = checked.normalized
        else:
            del company["credit_code"]
            errors.add("company.credit_code", checked.message_zh, checked.message_en)


def parse_input(
    payload: object, rules: RuleSet | None = None
) -> tuple[EligibilityInput | None, list[JSONDict]]:
    """Validate and parse a contract payload: (input, []) or (None, errors)."""
    ruleset = rules if rules is not None else default_rules()
    errors = _Errors()
    if not isinstance(payload, dict):
        errors.add("", "请求体应为 JSON 对象", "the body must be a JSON object")
        return None, errors.items
    for key in payload:
        if key not in TOP_LEVEL:
            errors.add(str(key), "未知字段", "unknown field")
    as_of = None
    if "as_of" not in payload:
        errors.add("as_of", "必填", "is required")
    else:
        as_of = _check_date(payload.get("as_of"), "as_of", "评估日期", "evaluation date", errors)
    company_raw = payload.get("company")
    city = ""
    company: dict[str, Any] = {}
    if not isinstance(company_raw, dict):
        errors.add("company", "必填，应为对象", "is required and must be an object")
    else:
        raw_city = company_raw.get("city")
        if not isinstance(raw_city, str):
            errors.add("company.city", "必填（广东省地级市名称）", "is required (a Guangdong city name)")
        else:
            try:
                city = normalize_city(raw_city)
            except KeyError:
                errors.add("company.city", *_unknown_city(raw_city))
        company = _parse_fields(
            {k: v for k, v in company_raw.items() if k != "city"}, COMPANY, "company", errors
        )
        _check_company(company, errors)
    projects: list[ProjectInput] = []
    raw_projects = payload.get("projects", [])
    if not isinstance(raw_projects, list):
        errors.add("projects", "应为数组", "must be an array")
    elif len(raw_projects) > MAX_PROJECTS:  # each is evaluated against every rule: bound the work
        errors.add("projects", f"项目最多 {MAX_PROJECTS} 个", f"at most {MAX_PROJECTS} projects per request")
    else:
        seen: set[str] = set()
        for i, raw in enumerate(raw_projects):
            project = _parse_project(raw, i, ruleset, seen, errors)
            if project is not None:
                projects.append(project)
    if errors.items or as_of is None:
        return None, errors.items
    return EligibilityInput(as_of, city, company, tuple(projects)), []


def evaluate_json(payload: object, rules: RuleSet | None = None) -> tuple[int, JSONDict]:
    """The whole contract: (200, report) or (400, {"errors": [...]}). Pure; no I/O."""
    profile, errors = parse_input(payload, rules)
    if profile is None:
        return 400, {"errors": errors}
    return 200, evaluate(profile, rules).to_dict()


def dumps(body: JSONDict) -> str:
    """The canonical serialisation (UTF-8 text, stable key order, 2-space indent)."""
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


__all__ = ["ERROR_SCHEMA", "INPUT_SCHEMA", "OUTPUT_SCHEMA", "dumps", "evaluate_json", "parse_input"]
