"""HTTP-level protections: security headers with a Content-Security-Policy, CSRF for session requests,
bearer-token authentication for the JSON API.

CSP: scripts only from our own origin (no inline scripts: chart specs travel as JSON data blocks and
static/js/charts.js draws them), so injected markup cannot run code. Styles likewise come only from our
stylesheets: templates carry no style attributes or <style> elements. Run-time positions (plotly.js,
static/js/geometry.js) are set through the CSSOM, which the policy does not restrict.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l

from portal.errors import PortalError

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages and API answers carry companies' business data: never store them in shared caches.
    if request.endpoint not in ("static", "home.plotly_js") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    elif request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        # asset() names a file by its content hash (?v=…): a changed file has a new URL, so keep it a year
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def authenticate_bearer() -> None:
    """`Authorization: Bearer dxa_…` on /api/ routes signs in the token's owner for this request only.

    A valid token replaces the session: the request acts as the token's owner whatever cookie came
    with it, and skips the CSRF check (a cross-site page cannot set this header). An invalid token
    authenticates nothing, so the request is judged on its cookie alone, CSRF check included."""
    if not request.path.startswith("/api/") or not request.headers.get("Authorization"):
        return
    from portal.auth.security import token_from_header

    token = token_from_header(request.headers.get("Authorization"))
    if token is None:
        return
    g.api_token = token
    g._login_user = token.user  # Flask-Login's per-request user: the session cookie is not consulted


def csrf_check() -> Any:
    """Flask-WTF's check for every state-changing request that relies on the session cookie."""
    from portal.extensions import csrf

    if not current_app.config.get("WTF_CSRF_ENABLED", True) or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.endpoint is None or g.get("api_token") is not None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
        return None
    csrf.protect()  # raises CSRFError, answered by portal/errors.py
    return None


def token_scope_check() -> Any:
    """A token may call only the endpoints its scopes cover (portal/api/scopes.py)."""
    token = g.get("api_token")
    if token is None:
        return None
    from portal.api.scopes import ENDPOINT_SCOPES

    needed = ENDPOINT_SCOPES.get(request.endpoint or "")
    if needed is None or needed not in token.scope_set:
        if needed:
            raise PortalError(403, _l("此令牌无权调用该接口（需要权限范围：%(scope)s）", scope=needed))
        raise PortalError(403, _l("此令牌无权调用该接口（需要权限范围：不开放令牌访问）"))
    return None


def register(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # csrf_check above decides, per request
    app.before_request(csrf_check)
    app.before_request(token_scope_check)
    app.after_request(security_headers)
