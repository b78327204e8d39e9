"""Landing page (with the sign-in form) and each role's home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, redirect, render_template, send_from_directory
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


@bp.get("/vendor/plotly.min.js")
@public
def plotly_js() -> Any:
    """plotly.js from the installed plotly package: no CDN (users' networks may block foreign hosts).

    Only pages with charts load it."""
    import plotly

    folder = Path(plotly.__file__).parent / "package_data"
    response = send_from_directory(folder, "plotly.min.js", max_age=365 * 24 * 3600)
    response.headers["ETag"] = f'"plotly-{plotly.__version__}"'
    return response


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
