"""JSON API under /api/v1: the same access rules and zh/en error bodies as the pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import (  # noqa: E402, F401 — registers routes (see openapi)
    assessments,
    bureau,
    eligibility,
    openapi,
)
