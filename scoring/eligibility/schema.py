"""JSON Schema (2020-12) of the eligibility contract: ``INPUT_SCHEMA``, ``OUTPUT_SCHEMA`` and
``ERROR_SCHEMA`` for the portal's OpenAPI document (importable from ``contract`` and the package too).
"""

from __future__ import annotations

from typing import Any, Final

from scoring.eligibility.fields import (
    COMPANY_FIELDS,
    MAX_PROJECTS,
    PROJECT_FIELDS,
    FieldSpec,
    FieldType,
)
from scoring.eligibility.model import Status
from scoring.reference.regions import CITIES

JSONDict = dict[str, Any]


def _field_schema(spec: FieldSpec) -> JSONDict:
    t = spec.type
    s: JSONDict
    if t is FieldType.NUMBER:
        s = {"type": "number"}
    elif t is FieldType.INTEGER:
        s = {"type": "integer"}
    elif t is FieldType.BOOLEAN:
        s = {"type": "boolean"}
    elif t is FieldType.DATE:
        s = {"type": "string", "format": "date"}
    elif t is FieldType.ENUM:
        s = {"type": "string", "enum": list(spec.choices)}
    elif t is FieldType.ENUM_LIST:
        s = {"type": "array", "items": {"type": "string", "enum": list(spec.choices)}, "uniqueItems": True}
    else:
        s = {"type": "string"}
    if spec.minimum is not None and spec.numeric:
        s["minimum"] = spec.minimum
    if spec.maximum is not None and spec.numeric:
        s["maximum"] = spec.maximum
    unit = f" [{spec.unit_en}]" if spec.unit_en else ""
    s["description"] = f"{spec.label_zh} / {spec.label_en}{unit}" + (
        f". {spec.description}" if spec.description else ""
    )
    if spec.name != "city":
        s["type"] = [s["type"], "null"]
    return s


def _input_schema() -> JSONDict:
    company = {f.name: _field_schema(f) for f in COMPANY_FIELDS}
    company["city"]["enum"] = [*CITIES, *(c.removesuffix("市") for c in CITIES)]
    project: JSONDict = {
        "id": {"type": "string", "minLength": 1},
        "program": {
            "type": "string",
            "description": "id of a project-level program (see docs/eligibility.md)",
        },
        "direction": {"type": ["string", "null"], "description": "required when the program has directions"},
    }
    project.update({f.name: _field_schema(f) for f in PROJECT_FIELDS})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "EligibilityInput",
        "type": "object",
        "additionalProperties": False,
        "required": ["as_of", "company"],
        "properties": {
            "as_of": {"type": "string", "format": "date", "description": "evaluation date (rule validity)"},
            "company": {
                "type": "object",
                "additionalProperties": False,
                "required": ["city"],
                "properties": company,
            },
            "projects": {
                "type": "array",
                "maxItems": MAX_PROJECTS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "program"],
                    "properties": project,
                },
            },
        },
    }


_STATUS: Final = {"type": "string", "enum": [s.value for s in Status]}
_NUM_OR_NULL: Final = {"type": ["number", "null"]}
_STR: Final = {"type": "string"}
_REASON: Final = {
    "type": "object",
    "required": [
        "clause",
        "passed",
        "to_confirm",
        "relaxed",
        "message_zh",
        "message_en",
        "missing_fields",
        "source",
        "ambiguity",
    ],
    "properties": {
        "clause": _STR,
        "passed": {"type": ["boolean", "null"]},
        "to_confirm": {"type": "boolean"},
        "relaxed": {"type": "boolean", "description": "met only under a discretionary relaxation"},
        "message_zh": _STR,
        "message_en": _STR,
        "missing_fields": {"type": "array", "items": _STR},
        "source": {
            "type": ["object", "null"],
            "required": ["document", "file", "lines", "quote"],
            "properties": {"document": _STR, "file": _STR, "lines": _STR, "quote": _STR},
        },
        "ambiguity": {
            "type": ["object", "null"],
            "required": ["decision", "reason"],
            "properties": {"decision": _STR, "reason": _STR, "change": _STR},
        },
    },
}
_GAP: Final = {
    "type": "object",
    "required": ["field", "required", "actual", "shortfall", "clause", "alternative"],
    "properties": {
        "field": _STR,
        "required": {"type": "number"},
        "actual": {"type": "number"},
        "shortfall": {"type": "number", "minimum": 0},
        "clause": _STR,
        "alternative": {"type": "boolean"},
    },
}
_RESULT: Final = {
    "type": "object",
    "required": [
        "program",
        "name_zh",
        "name_en",
        "kind",
        "direction",
        "project",
        "status",
        "under_last_rules",
        "valid_from",
        "valid_to",
        "reasons",
        "estimated_award_wan",
        "award_cap_wan",
        "award_recipient",
        "award_note_zh",
        "award_note_en",
        "gaps",
        "relaxation_to_confirm",
    ],
    "properties": {
        "program": _STR,
        "name_zh": _STR,
        "name_en": _STR,
        "kind": {"type": "string", "enum": ["subsidy", "recognition", "information"]},
        "direction": {"type": ["string", "null"]},
        "project": {"type": ["string", "null"]},
        "status": _STATUS,
        "under_last_rules": {"type": ["string", "null"], "enum": [*(s.value for s in Status), None]},
        "valid_from": {"type": ["string", "null"], "format": "date"},
        "valid_to": {"type": ["string", "null"], "format": "date"},
        "reasons": {"type": "array", "items": _REASON},
        "estimated_award_wan": _NUM_OR_NULL,
        "award_cap_wan": _NUM_OR_NULL,
        "award_recipient": {"type": ["string", "null"], "enum": ["applicant", "city_government", None]},
        "award_note_zh": _STR,
        "award_note_en": _STR,
        "gaps": {"type": "array", "items": _GAP},
        "relaxation_to_confirm": {
            "type": "boolean",
            "description": "eligible only with a discretionary relaxation, to be confirmed by the bureau",
        },
    },
}
_DERIVATION: Final = {
    "type": "object",
    "required": ["field", "value", "message_zh", "message_en"],
    "properties": {
        "field": _STR,
        "value": {"description": "the derived value; null when it could not be derived"},
        "message_zh": _STR,
        "message_en": _STR,
    },
}

INPUT_SCHEMA: Final[JSONDict] = _input_schema()
OUTPUT_SCHEMA: Final[JSONDict] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "EligibilityReport",
    "type": "object",
    "required": ["as_of", "city", "region_group", "zone", "derived", "results"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "city": _STR,
        "region_group": {"type": "string", "enum": ["prd_8", "ewn_12", "shenzhen"]},
        "zone": {"type": "string", "enum": ["prd_core", "coast_east", "coast_west", "north_eco"]},
        "derived": {"type": "array", "items": _DERIVATION},
        "results": {"type": "array", "items": _RESULT},
    },
}
ERROR_SCHEMA: Final[JSONDict] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "EligibilityErrors",
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["field", "message", "message_zh", "message_en"],
                "properties": {
                    "field": _STR,
                    "message": {**_STR, "description": "the message in the default language (zh)"},
                    "message_zh": _STR,
                    "message_en": _STR,
                },
            },
        }
    },
}
