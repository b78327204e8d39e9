"""``python -m scoring rules validate``: problems named by file and line, quotes checked against the cited
source lines (when the policy material is present), and a summary table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.eligibility.rule_audit import Citation, check_quote, shared_dir
from scoring.eligibility.rules import RULES_DIR

ROOT = Path(__file__).resolve().parents[2]
TECHREFORM = RULES_DIR / "gd_techreform_equipment_post_award.yaml"


def _validate(*files: str, shared: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if shared is not None:
        env["DX_SHARED_DIR"] = shared
    return subprocess.run(
        [sys.executable, "-m", "scoring", "rules", "validate", *files],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )


def _shared() -> Path:
    shared = shared_dir()
    if shared is None:
        if os.environ.get("CI"):
            pytest.fail("policy sources not found: set DX_SHARED_DIR")
        pytest.skip("policy sources not found: set DX_SHARED_DIR")
    return shared


def test_every_shipped_rule_is_valid_and_every_quote_verbatim() -> None:
    shared = _shared()
    done = _validate(shared=str(shared))
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "rule",
        "file",
        "program",
        "clauses",
        "citations",
        "quotes",
        "verbatim",
        "problems",
    ]
    for f in sorted(RULES_DIR.glob("*.yaml")):
        (row,) = [line for line in lines if line.startswith(f.name)]
        citations, verified = row.split()[3], row.split()[4]
        assert verified == f"{citations}/{citations}", row
    assert lines[-1] == "ok: 7 rule file(s) valid"


def test_a_quote_not_in_its_cited_line_is_reported_with_the_rule_files_line(tmp_path: Path) -> None:
    shared = _shared()
    text = TECHREFORM.read_text(encoding="utf-8")
    changed = text.replace("不低于 400 万元。}", "不低于 300 万元。}", 1)
    assert changed != text
    rule = tmp_path / "rule.yaml"
    rule.write_text(changed, encoding="utf-8")
    clause = changed.index("  - id: equipment_floor")
    line = 1 + changed[: changed.index("    source:", clause)].count("\n")
    done = _validate(str(rule), shared=str(shared))
    assert done.returncode == 1
    (problem,) = [p for p in done.stdout.splitlines() if "quote not in" in p]
    assert problem.startswith(f"{rule}:{line}: clauses[8].source: quote not in seeds/002_")
    assert "1 problem(s) in 1 rule file(s)" in done.stdout


def test_a_schema_problem_names_the_line(tmp_path: Path) -> None:
    text = TECHREFORM.read_text(encoding="utf-8")
    changed = text.replace('op: ">=", value: {prd_8: 700', 'op: "≥", value: {prd_8: 700', 1)
    rule = tmp_path / "rule.yaml"
    rule.write_text(changed, encoding="utf-8")
    line = 1 + changed[: changed.index('op: "≥"')].count("\n")
    done = _validate(str(rule))
    assert done.returncode == 1
    assert f"{rule}:{line}: clauses[8].test.op: unknown op '≥'" in done.stdout


def test_strict_yaml_problems_name_the_line(tmp_path: Path) -> None:
    rule = tmp_path / "rule.yaml"
    rule.write_text("schema_version: 1\nschema_version: 1\n", encoding="utf-8")
    done = _validate(str(rule))
    assert done.returncode == 1
    assert f"{rule}:2: invalid YAML: " in done.stdout and "schema_version" in done.stdout


def test_without_the_policy_material_quotes_are_skipped_with_the_reason(tmp_path: Path) -> None:
    done = _validate(shared=str(tmp_path / "absent"))
    assert done.returncode == 0
    assert "not checked" in done.stdout
    assert "quotes not checked: policy sources not found" in done.stdout


def test_ellipsis_stands_for_omitted_text_and_pieces_must_keep_their_order() -> None:
    shared = _shared()
    file = "seeds/002_f2edbe3fa4cb40a2.txt"
    ok = Citation("x", file, "402-404", "珠三角地区……不低于 700 万元，粤东粤西粤北地区")
    assert check_quote(shared, ok) is None
    swapped = Citation("x", file, "402-404", "粤东粤西粤北地区……珠三角地区（广州")
    assert check_quote(shared, swapped) is not None
    wrong_line = Citation("x", file, "403", "不低于 700 万元")
    assert check_quote(shared, wrong_line) is not None
