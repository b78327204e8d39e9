"""Landing page (with the sign-in form) and each role's home."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from flask_login import current_user

from portal.access import home_url, public

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    from portal.auth.forms import LoginForm

    return render_template("home/index.html", form=LoginForm())


PLOTLY_BUNDLE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "plotly-dx.min.js"


@functools.cache
def plotly_digest() -> str:
    """The vendored bundle's recorded sha256 (scripts/plotly/build.sh checks that it reproduces)."""
    return PLOTLY_BUNDLE.with_name(PLOTLY_BUNDLE.name + ".sha256").read_text().split()[0]


@bp.get("/vendor/plotly.min.js")
@public
def plotly_js() -> Any:
    """plotly.js served locally (no CDN: users' networks may block foreign hosts), only to chart pages:
    a partial bundle with the trace types the portal draws (scripts/plotly), cached for a year under
    its checksum (the pages link it with ?v=<checksum>)."""
    from portal.compression import best_encoding, encoded

    encoding = best_encoding()
    response = Response(encoded(PLOTLY_BUNDLE, encoding), mimetype="text/javascript")
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding  # Flask-Compress leaves it as it is
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(f"{plotly_digest()[:16]}-{encoding}")
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    return response.make_conditional(request)


@bp.get("/healthz")
@public
def healthz() -> Any:
    """Liveness: the process answers (load balancers restart nodes that stop answering)."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
def readyz() -> Any:
    """Readiness: the node can serve traffic — database reachable and migrated, Redis reachable if used."""
    from portal.ops import readiness

    checks = readiness()
    ready = all(c["ok"] for c in checks.values())
    return {"status": "ready" if ready else "not ready", "checks": checks}, (200 if ready else 503)


@bp.get("/metrics")
@public  # the token is the rule: Bearer METRICS_TOKEN, else 404 (portal/metrics.py)
def metrics() -> Any:
    """Prometheus metrics for the operator's monitoring; not for people, so no page and no link."""
    from portal.metrics import scrape

    return scrape()
