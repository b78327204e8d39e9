"""JSON API under /api/v1: the same access rules and zh/en error bodies as the pages."""

from __future__ import annotations

from portal.api import assessments, bureau, eligibility, openapi  # noqa: F401 — registers the routes
from portal.api.blueprint import bp

__all__ = ["bp"]
