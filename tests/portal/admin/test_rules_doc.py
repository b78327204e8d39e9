"""docs/rules.md is executed: its commands run, its worked example validates, quotes its source verbatim, and
its preview on the demo data counts what the rule says."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from tests_support import SHARED_DIR, require_shared

from portal import demo
from portal.admin import rule_preview, rule_versions
from portal.eligibility import inputs, rulesets
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company
from questionnaires import strict_yaml
from scoring.eligibility import validate_rule_file

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "rules.md"
EXAMPLE = ROOT / "docs" / "examples" / "gd_sme_dt_pilot_upgraded_2026.yaml"
PILOT_CITIES = {
    "广州市", "珠海市", "汕头市", "佛山市", "韶关市", "梅州市", "惠州市",
    "东莞市", "中山市", "江门市", "湛江市", "茂名市", "肇庆市", "揭阳市",
}  # fmt: skip
SUBMITTED = datetime(2026, 11, 30, 3, tzinfo=UTC)


def doc_commands() -> list[str]:
    """The commands of the doc's ```sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_every_command_of_the_doc_runs() -> None:
    commands = doc_commands()
    assert commands == ["python -m scoring rules validate docs/examples/gd_sme_dt_pilot_upgraded_2026.yaml"]
    for command in commands:
        argv = [sys.executable, *command.split()[1:]] if command.startswith("python ") else command.split()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.endswith("ok: 1 rule file(s) valid\n")
        assert "gd_sme_dt_pilot_upgraded_2026.yaml" in done.stdout.splitlines()[2]  # the file's row


def test_the_doc_shows_the_validators_real_message(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("company.miit_digital_level", "company.miit_level")
    )
    [error] = validate_rule_file(wrong)
    shown = f"{error.path}: {error.reason}"
    assert shown == "clauses[1].test.field: unknown field 'company.miit_level'"
    assert f"`{shown}`" in DOC.read_text(encoding="utf-8")


def test_the_example_quotes_its_source_verbatim() -> None:
    doc = strict_yaml.load_file(EXAMPLE)
    source = require_shared(SHARED_DIR / "policy" / "pilot_cities_2023_2026.md")
    assert doc["program"]["file"] == "policy/pilot_cities_2023_2026.md"
    lines = source.read_text(encoding="utf-8").splitlines()
    sources = [doc["program"]["validity"]["source"], doc["program"]["region_source"]]
    sources += [clause["source"] for clause in doc["clauses"]]
    for cited in sources:
        first, _sep, last = str(cited["lines"]).partition("-")
        text = " ".join(line.strip() for line in lines[int(first) - 1 : int(last or first)])
        assert cited["quote"] in text, cited
    assert set(doc["program"]["region_scope"]) == PILOT_CITIES


def submit_miit(company: Company, level: int, when: datetime = SUBMITTED) -> None:
    """A submitted MIIT 2024 assessment with its stored level (as results.store keeps it)."""
    assessment = Assessment(
        company_id=company.id,
        instrument_id="miit-sme-digital",
        instrument_version="t",
        instrument_hash="x",
        status=AssessmentStatus.SUBMITTED,
        created_at=when,
        updated_at=when,
        submitted_at=when,
    )
    db.session.add(assessment)
    db.session.flush()
    db.session.add(
        AssessmentResult(
            assessment_id=assessment.id,
            engine_version="test",
            answers_hash="0" * 64,
            computed_at=when,
            result={},
            miit_level=level,
        )
    )


def demo_with_miit_levels() -> list[Company]:
    """The demo data, with MIIT levels for two companies in three (levels 0–4)."""
    demo.seed()
    rng = random.Random(18)
    companies = list(db.session.scalars(sa.select(Company).order_by(Company.id)))
    for company in companies[::3] + companies[1::3]:
        submit_miit(company, rng.randint(0, 4))
    db.session.commit()
    return companies


def _expected(company: Company, level: int | None) -> str:
    if company.city not in PILOT_CITIES:
        return "other"  # not covered
    if company.size_class == "large":
        return "ineligible"
    if level is not None and level < 2:
        return "ineligible"
    if company.size_class is None or level is None:
        return "needs_info"
    return "eligible"


def test_preview_of_the_example_on_demo_data(app: Flask) -> None:
    companies = demo_with_miit_levels()
    levels = dict(
        db.session.execute(
            sa.select(Assessment.company_id, AssessmentResult.miit_level).join(
                AssessmentResult, AssessmentResult.assessment_id == Assessment.id
            )
        ).all()
    )
    draft = rule_versions.upload(EXAMPLE.name, EXAMPLE.read_bytes(), None)
    preview = rule_preview.preview(draft, datetime(2026, 12, 6).date())
    assert preview.companies == len(companies)
    expected: dict[str, Counter[str]] = {}
    for company in companies:
        expected.setdefault(company.city, Counter())[_expected(company, levels.get(company.id))] += 1
    assert {row.city: +row.counts for row in preview.cities} == {c: +n for c, n in expected.items()}
    assert sum(preview.totals.values()) == len(companies)
    assert preview.totals["eligible"] > 0 and preview.totals["needs_info"] > 0
    # the changes are exactly the companies whose status differs from the rules in force
    day = preview.as_of
    changed = set()
    for company in companies:
        before = rule_preview.program_status(inputs.evaluate_company(company, day), draft.program_id)
        after = rule_preview.program_status(
            inputs.evaluate_company(
                company, day, rulesets.rules_with(draft.program_id, EXAMPLE.name, EXAMPLE.read_bytes())
            ),
            draft.program_id,
        )
        if before != after:
            changed.add((company.id, before, after))
    assert changed == {(c.company_id, c.before, c.after) for c in preview.changes}
