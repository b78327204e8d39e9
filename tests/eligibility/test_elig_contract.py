"""The JSON contract: input errors, schemas, determinism, CLI (subprocess), rule-file validator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from elig_support import payload

from questionnaires.strict_yaml import load_file
from scoring.eligibility import (
    INPUT_SCHEMA,
    OUTPUT_SCHEMA,
    dumps,
    evaluate_json,
    load_rules,
    validate_rule_file,
)
from scoring.eligibility.fields import COMPANY, PROJECT
from scoring.eligibility.rules import RULES_DIR, RuleFileError

ROOT = Path(__file__).resolve().parents[2]
BRIEF_EXAMPLE: dict[str, Any] = {
    "as_of": "2021-06-01",
    "company": {
        "city": "揭阳市",
        "registered_in_guangdong": True,
        "independent_legal_person": True,
        "sector": "manufacturing",
        "years_in_operation": 6,
        "employees": 180,
        "revenue_wan": 12000,
        "main_business_revenue_wan": 11000,
        "total_assets_wan": 9000,
        "revenue_growth_2y_avg_pct": 18,
        "profit_total_wan": 600,
        "rd_ratio_2y_pct": 4.2,
        "debt_to_asset_pct": 55,
        "invention_patents": 3,
        "other_ip_items": 8,
        "priority_field": False,
        "dishonest_judgment_debtor": False,
        "years_since_major_accident": None,
        "years_since_serious_violation": None,
        "overdue_unaccepted_provincial_project": False,
    },
    "projects": [
        {
            "id": "p1",
            "program": "gd_dt_benchmark_2022",
            "direction": "industrial_internet_app_innovation",
            "start_date": "2019-06-01",
            "completion_date": "2020-12-01",
            "investment_wan": 350,
            "it_investment_wan": 250,
            "evaluation_score": 78,
            "uses_external_provider": True,
            "data_on_cloud": ["equipment", "system"],
            "data_used_on_platform": True,
            "quantified_kpis": True,
        },
        {
            "id": "p2",
            "program": "gd_techreform_equipment_post_award",
            "equipment_purchase_wan": 450,
            "filed_with_authority": True,
            "completed_within_filing_period": True,
            "prior_provincial_funding": False,
            "counted_in_techreform_statistics": True,
        },
    ],
}


def errors_of(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    code, out = evaluate_json(body)
    assert code == 400
    for e in out["errors"]:
        assert set(e) == {"field", "message", "message_zh", "message_en"}
        assert e["message"] == e["message_zh"]  # the default language, identical for the CLI and the API
        assert e["message_zh"]
        assert e["message_en"]
    return {e["field"]: e for e in out["errors"]}


def test_brief_example() -> None:
    code, out = evaluate_json(BRIEF_EXAMPLE)
    assert code == 200
    assert (out["as_of"], out["region_group"], out["zone"]) == ("2021-06-01", "ewn_12", "coast_east")
    got = [(r["program"], r["project"], r["status"], r["under_last_rules"]) for r in out["results"]]
    assert got == [
        ("gd_sme_dt_pilot_digital_level", None, "expired", "needs_info"),
        ("gd_zjtx_sme", None, "needs_info", None),
        ("miit_zjtx_little_giant_batch3", None, "expired", "needs_info"),
        ("gd_dt_benchmark_2022", "p1", "expired", "eligible"),
        ("gd_techreform_equipment_post_award", "p2", "expired", "eligible"),
    ]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.update(extra=1), "extra"),
        (lambda b: b["company"].update(turnover=1), "company.turnover"),
        (lambda b: b["company"].update(revenue_wan="12000"), "company.revenue_wan"),
        (lambda b: b["company"].update(revenue_wan=True), "company.revenue_wan"),
        (lambda b: b["company"].update(revenue_wan=-1), "company.revenue_wan"),
        (lambda b: b["company"].update(employees=1.5), "company.employees"),
        (lambda b: b["company"].update(own_brand="yes"), "company.own_brand"),
        (lambda b: b["company"].update(sector="farming"), "company.sector"),
        (lambda b: b["company"].update(certifications=["iso9001"]), "company.certifications"),
        (lambda b: b["company"].update(city="北京市"), "company.city"),
        (lambda b: b["company"].pop("city"), "company.city"),
        (lambda b: b.update(as_of="2021-13-01"), "as_of"),
        (lambda b: b.update(as_of="01/06/2021"), "as_of"),
        (lambda b: b.pop("as_of"), "as_of"),
        (lambda b: b.pop("company"), "company"),
        (lambda b: b.update(projects={}), "projects"),
        (lambda b: b["projects"][0].update(program="nope"), "projects[0].program"),
        (lambda b: b["projects"][0].update(program="gd_zjtx_sme"), "projects[0].program"),
        (lambda b: b["projects"][0].update(direction="ai"), "projects[0].direction"),
        (lambda b: b["projects"][0].pop("direction"), "projects[0].direction"),
        (lambda b: b["projects"][1].update(direction="x"), "projects[1].direction"),
        (lambda b: b["projects"][0].update(start_date="2019-02-30"), "projects[0].start_date"),
        (lambda b: b["projects"][0].update(investment_wan=-5), "projects[0].investment_wan"),
        (lambda b: b["projects"][0].update(it_investment_wan=400), "projects[0].it_investment_wan"),
        (lambda b: b["projects"][0].update(completion_date="2019-01-01"), "projects[0].completion_date"),
        (lambda b: b["projects"][0].update(colour="red"), "projects[0].colour"),
        (lambda b: b["projects"][1].update(id="p1"), "projects[1].id"),
        (lambda b: b["projects"][0].pop("id"), "projects[0].id"),
        (lambda b: b["projects"][0].update(evaluation_score=101), "projects[0].evaluation_score"),
    ],
)
def test_bad_input(mutate: Any, field: str) -> None:
    body = json.loads(json.dumps(BRIEF_EXAMPLE))
    mutate(body)
    assert field in errors_of(body)


def test_non_object_body() -> None:
    assert "" in errors_of([1, 2])  # type: ignore[arg-type]


def test_unknown_city_message_bilingual() -> None:
    body = payload("gd_zjtx_sme", company={"city": "香港"})
    e = errors_of(body)["company.city"]
    assert "广东省21个地级市" in e["message_zh"]
    assert "21 cities" in e["message_en"]


def test_city_short_name_and_null_means_unknown() -> None:
    body = payload("gd_zjtx_sme", company={"city": "揭阳", "own_brand": None})
    code, out = evaluate_json(body)
    assert code == 200
    assert out["city"] == "揭阳市"


def test_deterministic_output() -> None:
    a = dumps(evaluate_json(BRIEF_EXAMPLE)[1])
    b = dumps(evaluate_json(json.loads(json.dumps(BRIEF_EXAMPLE)))[1])
    assert a == b
    shuffled = dict(reversed(list(BRIEF_EXAMPLE.items())))
    shuffled["company"] = dict(reversed(list(BRIEF_EXAMPLE["company"].items())))
    assert dumps(evaluate_json(shuffled)[1]) == a


def _check(schema: dict[str, Any], value: Any, path: str = "$") -> None:
    """A tiny JSON-Schema subset checker (type, enum, required, properties, items, additionalProperties)."""
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        py = {
            "object": dict,
            "array": list,
            "string": str,
            "boolean": bool,
            "null": type(None),
            "number": (int, float),
            "integer": int,
        }
        assert any(
            isinstance(value, py[t]) and not (t in ("number", "integer") and isinstance(value, bool))
            for t in names
        ), f"{path}: {value!r} is not {names}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(props), f"{path}: extra {set(value) - set(props)}"
        for key, sub in props.items():
            if key in value:
                _check(sub, value[key], f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(schema["items"], item, f"{path}[{i}]")


def test_schemas_match_contract() -> None:
    _check(INPUT_SCHEMA, BRIEF_EXAMPLE)
    _check(OUTPUT_SCHEMA, evaluate_json(BRIEF_EXAMPLE)[1])
    for program in ("gd_inclusive_mfg_investment_award", "jy_tu_techreform_2018_2020"):
        _check(OUTPUT_SCHEMA, evaluate_json(payload(program))[1])
    assert set(INPUT_SCHEMA["properties"]["company"]["properties"]) == set(COMPANY)
    assert set(INPUT_SCHEMA["properties"]["projects"]["items"]["properties"]) == {
        "id",
        "program",
        "direction",
        *PROJECT,
    }
    json.dumps(INPUT_SCHEMA)
    json.dumps(OUTPUT_SCHEMA)


# ---------------------------------------------------------------- CLI


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_cli_eligibility_file_and_stdin(tmp_path: Path) -> None:
    f = tmp_path / "profile.json"
    f.write_text(json.dumps(BRIEF_EXAMPLE, ensure_ascii=False), encoding="utf-8")
    a = run_cli("eligibility", str(f))
    b = run_cli("eligibility", "-", stdin=f.read_text(encoding="utf-8"))
    assert a.returncode == 0
    assert a.stderr == ""
    assert a.stdout == b.stdout
    assert a.stdout == dumps(evaluate_json(BRIEF_EXAMPLE)[1])


@pytest.mark.parametrize(
    "text",
    ['{"as_of": "2021-06-01"}', "not json", '{"as_of": "x", "company": {"city": "x"}}', "[" * 50000],
    ids=["no-company", "not-json", "bad-values", "deep"],
)
def test_cli_bad_input_exit_2_only_errors(text: str) -> None:
    p = run_cli("eligibility", "-", stdin=text)
    assert p.returncode == 2
    assert p.stderr == ""
    body = json.loads(p.stdout)
    assert list(body) == ["errors"]
    assert body["errors"]


def test_cli_missing_file() -> None:
    p = run_cli("eligibility", "/nonexistent/profile.json")
    assert p.returncode == 2
    assert json.loads(p.stdout)["errors"][0]["field"] == ""


def test_cli_rules_validate() -> None:
    ok = run_cli("rules", "validate")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.endswith("ok: 7 rule file(s) valid\n")


def test_cli_rules_validate_broken(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nprogram: {}\nclauses: []\n", encoding="utf-8")
    p = run_cli("rules", "validate", str(bad))
    assert p.returncode == 1
    assert "program.id: is required" in p.stdout


# ---------------------------------------------------------------- rule-file validator


def _doc(name: str = "gd_techreform_equipment_post_award.yaml") -> dict[str, Any]:
    doc = load_file(RULES_DIR / name)
    assert isinstance(doc, dict)
    return doc


def _validate(tmp_path: Path, doc: Any) -> list[tuple[str, str]]:
    f = tmp_path / "rule.yaml"
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    errs = validate_rule_file(f)
    assert all(e.file == str(f) for e in errs)
    return [(e.path, e.reason) for e in errs]


def test_shipped_rules_valid() -> None:
    for f in sorted(RULES_DIR.glob("*.yaml")):
        assert validate_rule_file(f) == [], f
    assert len(load_rules().programs) == 7


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (lambda d: d["clauses"][8]["test"].update(op="≥"), "clauses[8].test.op", "unknown op"),
        (
            lambda d: d["clauses"][8]["test"].update(field="project.equipment_wan"),
            "clauses[8].test.field",
            "unknown field",
        ),
        (lambda d: d["clauses"][0].pop("source"), "clauses[0].source", "is required"),
        (lambda d: d["clauses"][0]["source"].pop("quote"), "clauses[0].source.quote", "is required"),
        (
            lambda d: d["clauses"][0]["source"].update(lines="somewhere"),
            "clauses[0].source.lines",
            "bad line",
        ),
        (lambda d: d["program"]["validity"].update(to="2026-02-30"), "program.validity.to", "bad date"),
        (lambda d: d["program"]["validity"].update(to="2020-01-01"), "program.validity.to", "ends before"),
        (lambda d: d["program"].update(region_scope=["mars"]), "program.region_scope[0]", "unknown region"),
        (
            lambda d: d["clauses"][8]["test"].update(value={"prd_8": 700}),
            "clauses[8].test.value",
            "no value for",
        ),
        (lambda d: d["clauses"][0].update(colour="red"), "clauses[0].colour", "unknown key"),
        (lambda d: d["clauses"][1].update(id=d["clauses"][0]["id"]), "clauses[1].id", "duplicate"),
        (
            lambda d: d["clauses"][0].update(to_confirm=True),
            "clauses[0].test",
            "to_confirm clause has no test",
        ),
        (lambda d: d["clauses"][3].pop("to_confirm"), "clauses[3].test", "is required"),
        (lambda d: d["clauses"][0]["test"].update(value="yes"), "clauses[0].test.value", "true or false"),
        (
            lambda d: d["clauses"][0].update(test={"special": "magic"}),
            "clauses[0].test.special",
            "unknown special",
        ),
        (
            lambda d: d["clauses"][0].update(ambiguity={"decision": "x"}),
            "clauses[0].ambiguity.reason",
            "is required",
        ),
        (lambda d: d["program"].update(level="city"), "program.level", "must be one of"),
        (lambda d: d.update(schema_version=2), "schema_version", "must be 1"),
        (
            lambda d: d["program"]["award"].update(base="project.filed_with_authority"),
            "program.award.base",
            "numeric",
        ),
    ],
)
def test_validator_reports_broken_files(tmp_path: Path, mutate: Any, path: str, reason: str) -> None:
    doc = _doc()
    mutate(doc)
    errs = _validate(tmp_path, doc)
    assert any(p == path and reason in r for p, r in errs), errs


def test_validator_company_program_cannot_read_project_fields(tmp_path: Path) -> None:
    doc = _doc("gd_zjtx_sme.yaml")
    doc["clauses"][0]["test"]["field"] = "project.investment_wan"
    assert any("company-level program" in r for _, r in _validate(tmp_path, doc))


def test_validator_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("program: [unclosed", encoding="utf-8")
    assert "invalid YAML" in validate_rule_file(f)[0].reason
    assert "cannot read" in validate_rule_file(tmp_path / "missing.yaml")[0].reason


SHIPPED_TEXT = (RULES_DIR / "gd_techreform_equipment_post_award.yaml").read_text(encoding="utf-8")
# The shipped file with `kind:` twice in `program:` (PyYAML's safe_load keeps the last one silently).
TWO_KINDS = SHIPPED_TEXT.replace("  kind: subsidy\n", "  kind: subsidy\n  kind: recognition\n", 1)
# Nine aliases to the level below on each of nine levels: 9**9 strings once expanded, from 600 bytes.
BILLION_LAUGHS = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)


def test_validator_refuses_a_duplicate_key_naming_it(tmp_path: Path) -> None:
    f = tmp_path / "two_kinds.yaml"
    f.write_text(TWO_KINDS, encoding="utf-8")
    line = TWO_KINDS.splitlines().index("  kind: recognition") + 1
    [err] = validate_rule_file(f)
    assert err.reason.startswith(f"invalid YAML: line {line}, column 3: duplicate key 'kind'"), err.reason
    with pytest.raises(RuleFileError):
        load_rules(tmp_path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 50000, "nested deeper than"),
        ("a: &a [x, x]\nb: *a\n", "anchors and aliases"),
        (BILLION_LAUGHS + SHIPPED_TEXT, "anchors and aliases"),
    ],
    ids=["deep", "alias", "billion-laughs"],
)
def test_validator_refuses_hostile_yaml_cleanly(tmp_path: Path, text: str, reason: str) -> None:
    f = tmp_path / "hostile.yaml"
    f.write_text(text, encoding="utf-8")
    [err] = validate_rule_file(f)
    assert err.reason.startswith("invalid YAML: line ") and reason in err.reason


def test_cli_rules_validate_reports_yaml_problems(tmp_path: Path) -> None:
    (tmp_path / "two_kinds.yaml").write_text(TWO_KINDS, encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("[" * 50000, encoding="utf-8")
    p = run_cli("rules", "validate", str(tmp_path / "two_kinds.yaml"), str(tmp_path / "deep.yaml"))
    assert (p.returncode, p.stderr) == (1, "")
    assert "duplicate key 'kind'" in p.stdout and "nested deeper than 32 levels" in p.stdout


def test_new_rule_file_without_code_changes(tmp_path: Path) -> None:
    """An administrator adds next year's call: copy, change id/dates/threshold, load, evaluate."""
    doc = _doc()
    doc["program"]["id"] = "gd_techreform_equipment_post_award_2027"
    doc["program"]["validity"].update({"from": "2027-01-01", "to": "2031-12-31"})
    doc["clauses"][8]["test"]["value"] = {"prd_8": 800, "ewn_12": 500}
    for f in RULES_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "next.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    rules = load_rules(tmp_path)
    body = payload("gd_techreform_equipment_post_award", as_of="2027-06-01")
    body["projects"][0]["program"] = "gd_techreform_equipment_post_award_2027"
    code, out = evaluate_json(body, rules)
    assert code == 200
    r = out["results"][-1]
    assert r["status"] == "ineligible"
    assert r["gaps"][0] == {
        "field": "equipment_purchase_wan",
        "required": 500,
        "actual": 450,
        "shortfall": 50,
        "clause": "equipment_floor",
        "alternative": False,
    }


def test_duplicate_program_ids_rejected(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            (RULES_DIR / "gd_zjtx_sme.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    with pytest.raises(RuleFileError, match="duplicate program id"):
        load_rules(tmp_path)


def test_library_is_pure() -> None:
    code = (
        "import sys, scoring.eligibility; "
        "print(any(m.split('.')[0] in ('flask', 'sqlalchemy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------- declared ranges, hostile numbers


def test_every_number_field_declares_a_range_in_the_schema_too() -> None:
    for scope, specs in (("company", COMPANY), ("projects", PROJECT)):
        for spec in specs.values():
            if not spec.numeric:
                continue
            assert spec.minimum is not None and spec.maximum is not None, spec.path
            props = INPUT_SCHEMA["properties"][scope]
            schema = (props["items"] if scope == "projects" else props)["properties"][spec.name]
            assert (schema["minimum"], schema["maximum"]) == (spec.minimum, spec.maximum)


@pytest.mark.parametrize("number", [1e24, 10**24, 10**4000, 1e300])
def test_huge_numbers_are_refused_with_the_field_and_its_maximum(number: float) -> None:
    """1e24 used to reach the engine's Decimal arithmetic: decimal.InvalidOperation, a 500 over HTTP."""
    body = payload("gd_zjtx_sme", company={"revenue_wan": number, "invention_patents": number})
    code, out = evaluate_json(body)
    assert code == 400
    errors = {e["field"]: e for e in out["errors"]}
    assert errors["company.revenue_wan"]["message_zh"] == "上年度营业收入不能大于 1,000,000,000 万元"
    assert errors["company.revenue_wan"]["message_en"] == (
        "revenue, last year must not be greater than 1,000,000,000 10k CNY"
    )
    assert "不能大于 10,000,000" in errors["company.invention_patents"]["message_zh"]


def test_too_small_names_the_field_and_its_minimum() -> None:
    e = errors_of(payload("gd_zjtx_sme", company={"revenue_growth_2y_avg_pct": -150}))
    assert e["company.revenue_growth_2y_avg_pct"]["message_zh"] == (
        "近两年主营业务收入年平均增长率不能小于 -100 %"
    )


@pytest.mark.parametrize("day", ["9999-06-01", "1900-01-01", "2101-01-01"])
def test_dates_outside_1949_to_2100_are_refused(day: str) -> None:
    """A project start date of 9999-06-01 overflowed ('year 10001') once the rules added years to it."""
    body = json.loads(json.dumps(BRIEF_EXAMPLE))
    body["projects"][0]["start_date"] = day
    e = errors_of(body)["projects[0].start_date"]
    assert e["message_zh"] == "项目启动日期应在 1949-01-01 至 2100-12-31 之间"
    assert e["message_en"] == "project start date must be between 1949-01-01 and 2100-12-31"
    assert "as_of" in errors_of({**BRIEF_EXAMPLE, "as_of": day})


def test_cli_deeply_nested_json_is_an_input_error() -> None:
    p = run_cli("eligibility", "-", stdin="[" * 100_000)
    assert p.returncode == 2
    assert p.stderr == ""
    assert "nested too deeply" in json.loads(p.stdout)["errors"][0]["message_en"]


def test_at_most_200_projects_per_request() -> None:
    body = json.loads(json.dumps(BRIEF_EXAMPLE))
    body["projects"] = [{**body["projects"][1], "id": f"p{i}"} for i in range(201)]
    assert errors_of(body)["projects"]["message_en"] == "at most 200 projects per request"
    body["projects"] = body["projects"][:200]
    assert evaluate_json(body)[0] == 200
