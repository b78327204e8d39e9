"""Which API endpoints an integrator's bearer token may call, by scope (portal/auth/security.py SCOPES).

Endpoints not listed here cannot be called with a token (only from a signed-in browser session).
Every new /api/v1 endpoint meant for integrators must be added here.
"""

from __future__ import annotations

ENDPOINT_SCOPES: dict[str, str] = {
    "api.get_answers": "assessments:read",
    "api.get_result": "assessments:read",
    "api.eligibility": "eligibility",
    "api.bureau_summary": "bureau:read",
    "api.bureau_targets": "bureau:read",
    "api.bureau_companies": "bureau:read",
    "api.bureau_pipeline": "bureau:read",
}
