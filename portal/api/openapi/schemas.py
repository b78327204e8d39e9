"""The schemas of the OpenAPI document (its `components`) and the helpers that refer to them."""

from __future__ import annotations

import copy
from typing import Any, Final

from portal.inputs import MAX_DB_ID
from portal.results import plain
from scoring.eligibility import ERROR_SCHEMA, INPUT_SCHEMA, OUTPUT_SCHEMA

JSONDict = dict[str, Any]


def component(schema: JSONDict) -> JSONDict:
    """A contract schema as an OpenAPI component (the 3.1 default dialect is 2020-12 already)."""
    out = copy.deepcopy(schema)
    out.pop("$schema", None)
    return out


def ref(name: str) -> JSONDict:
    return {"$ref": f"#/components/schemas/{name}"}


def response(name: str, description: str) -> JSONDict:
    return {"description": description, "content": {"application/json": {"schema": ref(name)}}}


def error(description: str) -> JSONDict:
    return response("Errors", description)


UNAUTHENTICATED: Final = error("Not signed in (请先登录)")
FORBIDDEN: Final = error("Signed in, but this role may not use the endpoint (无权访问)")

_ERRORS: Final = {
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
                    "field": {"type": ["string", "null"], "description": "JSON path of the problem, or null"},
                    "message": {
                        "type": "string",
                        "description": "the message in the request's language (what clients show)",
                    },
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                },
            },
        }
    },
}

_ANSWER_STATE: Final = {
    "type": "object",
    "required": ["value", "version", "updated_by", "updated_at"],
    "properties": {
        "value": {"description": "the answer (type depends on the item)"},
        "version": {"type": "integer", "minimum": 1},
        "updated_by": {"type": ["string", "null"]},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}

_STATUS_BODY: Final = {
    "assessment_id": {"type": "integer"},
    "status": {"type": "string"},
    "visible_items": {"type": "array", "items": {"type": "string"}},
    "progress": {
        "type": "object",
        "required": ["answered", "total", "modules"],
        "properties": {
            "answered": {"type": "integer"},
            "total": {"type": "integer"},
            "modules": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["answered", "total"],
                    "properties": {"answered": {"type": "integer"}, "total": {"type": "integer"}},
                },
            },
        },
    },
}

SCHEMAS: Final[dict[str, JSONDict]] = {
    "EligibilityInput": component(INPUT_SCHEMA),
    "EligibilityReport": component(OUTPUT_SCHEMA),
    "EligibilityErrors": component(ERROR_SCHEMA),
    "Errors": _ERRORS,
    **plain.components(),  # the result view: ResultView, ResultView.Dimension, …
    "AnswerChanges": {
        "type": "object",
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "array",
                "minItems": 1,
                "maxItems": 500,
                "items": {
                    "type": "object",
                    "required": ["item_id"],
                    "additionalProperties": False,
                    "properties": {
                        "item_id": {"type": "string"},
                        "value": {"description": "the new answer; null clears it"},
                        "base_version": {
                            "type": ["integer", "null"],
                            "minimum": 0,
                            "maximum": MAX_DB_ID,
                            "description": "version the client saw; a newer stored version is a conflict",
                        },
                    },
                },
            }
        },
    },
    "AnswerState": {
        "type": "object",
        "required": ["answers", *_STATUS_BODY],
        "properties": {
            "answers": {"type": "object", "additionalProperties": ref("AnswerVersion")},
            **_STATUS_BODY,
        },
    },
    "AnswerVersion": _ANSWER_STATE,
    "SaveResult": {
        "type": "object",
        "required": ["saved", "conflicts", *_STATUS_BODY],
        "properties": {
            "saved": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["item_id", "version", "saved_at"],
                    "properties": {
                        "item_id": {"type": "string"},
                        "version": {"type": "integer"},
                        "saved_at": {"type": "string", "format": "date-time"},
                    },
                },
            },
            "conflicts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "item_id",
                        "your_value",
                        "current_value",
                        "current_version",
                        "updated_by",
                        "updated_at",
                    ],
                    "properties": {
                        "item_id": {"type": "string"},
                        "your_value": {},
                        "current_value": {},
                        "current_version": {"type": "integer"},
                        "updated_by": {"type": ["string", "null"]},
                        "updated_at": {"type": "string", "format": "date-time"},
                    },
                },
            },
            **_STATUS_BODY,
        },
    },
}
