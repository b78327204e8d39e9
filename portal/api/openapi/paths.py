"""The path items of the OpenAPI document: every endpoint under /api/v1, with each HTTP method."""

from __future__ import annotations

from typing import Final

from portal.api.openapi.schemas import FORBIDDEN, UNAUTHENTICATED, JSONDict, error, ref, response
from portal.inputs import MAX_DB_ID, MAX_PAGE
from portal.results import plain
from questionnaires.validator import ID_RE

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

PATHS: Final[JSONDict] = {
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
                "content": {"application/json": {"schema": ref("EligibilityInput")}},
            },
            "responses": {
                "200": response("EligibilityReport", "The report"),
                "400": response("EligibilityErrors", "Invalid input (every problem, with its JSON path)"),
                "401": UNAUTHENTICATED,
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
                "200": response("AnswerState", "Current answers and progress"),
                "401": UNAUTHENTICATED,
                "403": FORBIDDEN,
                "404": error("No such assessment of your company"),
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
                "content": {"application/json": {"schema": ref("AnswerChanges")}},
            },
            "responses": {
                "200": response("SaveResult", "All answers saved"),
                "409": {
                    "description": "Some answers conflict with newer versions (SaveResult with "
                    "conflicts), or the assessment is locked (Errors)",
                    "content": {
                        "application/json": {"schema": {"oneOf": [ref("SaveResult"), ref("Errors")]}}
                    },
                },
                "400": error(
                    "Malformed body (invalid JSON, nested too deeply, NaN), missing item_id, unknown "
                    "fields, bad base_version or module, no CSRF"
                ),
                "401": UNAUTHENTICATED,
                "403": FORBIDDEN,
                "404": error("No such assessment of your company"),
                "413": error("More than 500 answers in one request, or a body over 4 MB"),
                "422": error("A value is not valid for its item"),
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
                                    "view": ref(plain.PREFIX),
                                },
                            }
                        }
                    },
                },
                "400": error("`lang` is not zh or en"),
                "401": UNAUTHENTICATED,
                "403": FORBIDDEN,
                "404": error("No such assessment of your company"),
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
                    "401": UNAUTHENTICATED,
                    "403": FORBIDDEN,
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
}
