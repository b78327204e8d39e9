"""The OpenAPI 3.1 document of the JSON API, served at GET /api/v1/openapi.json (public).

EVERY endpoint under /api/v1 must be described in ``SPEC["paths"]`` (path template with ``{param}``, and each
HTTP method): tests/portal/test_openapi.py compares the document with the app's URL map and fails on any
route that is missing or differs. When you add an API endpoint, add its path item here in the same commit.

The eligibility schemas are embedded from the engine (``scoring.eligibility.contract``), so the document
cannot drift from what the endpoint accepts and returns.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from flask import jsonify

from portal.access import public
from portal.api.blueprint import bp
from portal.inputs import MAX_DB_ID, MAX_PAGE
from portal.results import plain
from questionnaires.validator import ID_RE
from scoring.eligibility import ERROR_SCHEMA, INPUT_SCHEMA, OUTPUT_SCHEMA

JSONDict = dict[str, Any]


def _component(schema: JSONDict) -> JSONDict:
    """A contract schema as an OpenAPI component (the 3.1 default dialect is 2020-12 already)."""
    out = copy.deepcopy(schema)
    out.pop("$schema", None)
    return out


def _ref(name: str) -> JSONDict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> JSONDict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _error(description: str) -> JSONDict:
    return _json("Errors", description)


_UNAUTHENTICATED: Final = _error("Not signed in (请先登录)")
_FORBIDDEN: Final = _error("Signed in, but this role may not use the endpoint (无权访问)")

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
    "EligibilityInput": _component(INPUT_SCHEMA),
    "EligibilityReport": _component(OUTPUT_SCHEMA),
    "EligibilityErrors": _component(ERROR_SCHEMA),
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
            "answers": {"type": "object", "additionalProperties": _ref("AnswerVersion")},
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

_ASSESSMENT_ID: Final = {
    "name": "assessment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_DB_ID},
    "description": "an assessment of the signed-in user's company (a larger number is not found: 404)",
}

_BUREAU_FILTERS: Final = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("city", "地市, e.g. 揭阳市 (province officers; others are fixed to their jurisdiction)"),
        ("district", "区县 within the city"),
        ("cluster", "industry cluster c01–c20"),
        ("size_class", "large | medium | small | micro"),
        ("from", "first submission month YYYY-MM"),
        ("to", "last submission month YYYY-MM"),
    )
]
_PAGE: Final = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1},
    "description": f"page number; one above {MAX_PAGE:,} is read as {MAX_PAGE:,}, a malformed one as 1",
}

SPEC: Final[JSONDict] = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "info": {
        "title": "数转评估 (DX Assess) JSON API",
        "version": "1",
        "description": (
            "JSON API of the DX Assess portal. Authentication: the portal's session cookie "
            "(sign in at /login); API tokens for integrators are planned. State-changing endpoints "
            "that use the session also need "
            'the X-CSRFToken header. Errors: {"errors": [{"field", "message", "message_zh", "message_en"}]} '
            "(message: in the request's language)."
        ),
    },
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
    },
    "paths": {
        "/api/v1/eligibility": {
            "post": {
                "operationId": "evaluateEligibility",
                "summary": "Check a company profile and projects against the subsidy and recognition rules",
                "description": (
                    "Same JSON in, same JSON out as `python -m scoring eligibility` "
                    "(docs/eligibility.md). A pure calculation on the posted data with the shipped rules; "
                    "nothing is read or stored. "
                    "Any signed-in user; no CSRF token needed."
                ),
                "security": [{"session": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("EligibilityInput")}},
                },
                "responses": {
                    "200": _json("EligibilityReport", "The report"),
                    "400": _json("EligibilityErrors", "Invalid input (every problem, with its JSON path)"),
                    "401": _UNAUTHENTICATED,
                },
            }
        },
        "/api/v1/assessments/{assessment_id}/answers": {
            "parameters": [_ASSESSMENT_ID],
            "get": {
                "operationId": "getAnswers",
                "summary": "Answers of an assessment with versions, visible items and progress",
                "security": [{"session": []}],
                "responses": {
                    "200": _json("AnswerState", "Current answers and progress"),
                    "401": _UNAUTHENTICATED,
                    "403": _FORBIDDEN,
                    "404": _error("No such assessment of your company"),
                },
            },
            "post": {
                "operationId": "saveAnswers",
                "summary": "Autosave answers (optimistic concurrency by base_version)",
                "description": "Enterprise users; needs the X-CSRFToken header. Conflicting answers are not "
                "saved and come back in `conflicts` with status 409; the others are saved.",
                "security": [{"session": []}],
                "parameters": [
                    {
                        "name": "module",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 60, "pattern": ID_RE.pattern},
                        "description": "module being filled (remembered as the resume point); "
                        "anything but a module id is a 400",
                    },
                    {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AnswerChanges")}},
                },
                "responses": {
                    "200": _json("SaveResult", "All answers saved"),
                    "409": {
                        "description": "Some answers conflict with newer versions (SaveResult with "
                        "conflicts), or the assessment is locked (Errors)",
                        "content": {
                            "application/json": {"schema": {"oneOf": [_ref("SaveResult"), _ref("Errors")]}}
                        },
                    },
                    "400": _error(
                        "Malformed body (invalid JSON, nested too deeply, NaN), missing item_id, unknown "
                        "fields, bad base_version or module, no CSRF"
                    ),
                    "401": _UNAUTHENTICATED,
                    "403": _FORBIDDEN,
                    "404": _error("No such assessment of your company"),
                    "413": _error("More than 500 answers in one request, or a body over 4 MB"),
                    "422": _error("A value is not valid for its item"),
                },
            },
        },
        "/api/v1/assessments/{assessment_id}/result": {
            "parameters": [_ASSESSMENT_ID],
            "get": {
                "operationId": "getResult",
                "summary": "The maturity result (stored when submitted, a live preview for drafts)",
                "description": "The same result the result page shows (scoring.maturity output as "
                "plain JSON, with a fresh peer `benchmark`), plus `stored`: {computed_at, engine_version} "
                "or null for a draft preview, plus `view`: the result as the result page and the PDF "
                "report state it (levels, gaps, programmes, labels, already in one language). "
                "Enterprise users of the company.",
                "security": [{"session": []}],
                "parameters": [
                    {
                        "name": "lang",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["zh", "zh_CN", "en"]},
                        "description": "language of `view`; without it, the language the pages use for "
                        "this user (session choice, account setting, else Chinese)",
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The result",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["stored", "view"],
                                    "properties": {
                                        "benchmark": {"type": "object"},
                                        "stored": {
                                            "type": ["object", "null"],
                                            "properties": {
                                                "computed_at": {"type": "string", "format": "date-time"},
                                                "engine_version": {"type": "string"},
                                            },
                                        },
                                        "view": _ref(plain.PREFIX),
                                    },
                                }
                            }
                        },
                    },
                    "400": _error("`lang` is not zh or en"),
                    "401": _UNAUTHENTICATED,
                    "403": _FORBIDDEN,
                    "404": _error("No such assessment of your company"),
                },
            },
        },
        # Bureau dashboards (portal/api/bureau.py): bureau officers, scoped to their jurisdiction.
        **{
            f"/api/v1/bureau/{name}": {
                "get": {
                    "operationId": operation,
                    "summary": summary,
                    "description": (
                        "Bureau officers (session sign-in); every figure is limited to the officer's "
                        "jurisdiction (province: all; city; district) and equals the dashboard and its "
                        "exports. Counts are published under cell-key perturbation (docs/disclosure.md): "
                        "a number of 5 or more (the count plus a fixed noise of at most ±6), or the string "
                        "'<5'; shares are fractions (0.253) computed from published figures, or '—'; each "
                        "table gives its columns' kinds and row keys. A list of consenting companies is "
                        "withheld (withheld: true) when fewer than 5 others in the selection did not agree."
                    ),
                    "security": [{"session": []}],
                    "parameters": [*_BUREAU_FILTERS, *extra],
                    "responses": {
                        "200": {
                            "description": "jurisdiction, filters, warnings, counting_rule and the body",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": _UNAUTHENTICATED,
                        "403": _FORBIDDEN,
                    },
                }
            }
            for name, operation, summary, extra in (
                (
                    "summary",
                    "bureauSummary",
                    "Dashboard tables: headline, distributions, breakdowns, trends, program pipeline",
                    [],
                ),
                (
                    "targets",
                    "bureauTargets",
                    "Plan targets with sources, reported actuals and portal-measured values",
                    [],
                ),
                ("companies", "bureauCompanies", "Assessed companies that share details (paged)", [_PAGE]),
                (
                    "pipeline",
                    "bureauPipeline",
                    "Program pipeline of companies that share details (paged)",
                    [
                        _PAGE,
                        {"name": "program", "in": "query", "required": False, "schema": {"type": "string"}},
                    ],
                ),
            )
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
}


def document() -> JSONDict:
    return copy.deepcopy(SPEC)


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(document())
