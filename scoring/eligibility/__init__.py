"""Eligibility engine for Guangdong subsidy and recognition programs.

A pure library: no web or database imports.

Public API (stable; see docs/eligibility.md):

- ``evaluate_json(payload) -> (status_code, body)`` — the JSON contract of the CLI and
  ``POST /api/v1/eligibility``; ``loads_payload(bytes | str)`` reads its text (BOM, duplicate keys),
  raising ``PayloadError``.
- ``parse_input(payload) -> (EligibilityInput | None, errors)``;
  ``evaluate(profile, rules=None) -> EligibilityReport``.
- ``load_rules(directory=None) -> RuleSet``, ``validate_rule_file(path) -> list[RuleError]``.
- ``INPUT_SCHEMA``, ``OUTPUT_SCHEMA``, ``ERROR_SCHEMA`` (JSON Schema dicts).
"""

from __future__ import annotations

from scoring.eligibility.contract import (
    ERROR_SCHEMA,
    INPUT_SCHEMA,
    OUTPUT_SCHEMA,
    dumps,
    evaluate_json,
    parse_input,
)
from scoring.eligibility.engine import evaluate
from scoring.eligibility.json_input import PayloadError, loads_payload
from scoring.eligibility.model import (
    EligibilityInput,
    EligibilityReport,
    Gap,
    ProgramResult,
    ProjectInput,
    Reason,
    Status,
)
from scoring.eligibility.rules import (
    RuleError,
    RuleFileError,
    RuleSet,
    default_rules,
    load_rules,
    validate_rule_file,
)

__all__ = [
    "ERROR_SCHEMA",
    "INPUT_SCHEMA",
    "OUTPUT_SCHEMA",
    "EligibilityInput",
    "EligibilityReport",
    "Gap",
    "PayloadError",
    "ProgramResult",
    "ProjectInput",
    "Reason",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "Status",
    "default_rules",
    "dumps",
    "evaluate",
    "evaluate_json",
    "load_rules",
    "loads_payload",
    "parse_input",
    "validate_rule_file",
]
