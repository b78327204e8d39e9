"""The OpenAPI 3.1 document of the JSON API, served at GET /api/v1/openapi.json (public).

EVERY endpoint under /api/v1 must be described in ``SPEC["paths"]`` (path template with ``{param}``, and each
HTTP method): tests/portal/api/test_openapi.py compares the document with the app's URL map and fails on any
route that is missing or differs. When you add an API endpoint, add its path item to ``paths.PATHS`` in the
same commit; the schemas its requests and answers refer to go in ``schemas.SCHEMAS``.

The eligibility schemas are embedded from the engine (``scoring.eligibility.contract``), so the document
cannot drift from what the endpoint accepts and returns.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from flask import jsonify

from portal.access import public
from portal.api.blueprint import bp
from portal.api.openapi.paths import PATHS
from portal.api.openapi.schemas import SCHEMAS, JSONDict

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
    "paths": PATHS,
}


def document() -> JSONDict:
    return copy.deepcopy(SPEC)


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(document())
