"""Landing page (with the sign-in form), each role's home, and the user agreement and privacy notice."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import home_url, public
from portal.i18n import pick

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    from portal.auth.forms import LoginForm

    return render_template("home/index.html", form=LoginForm())


LEGAL_EFFECTIVE = "2026-12-06"  # the date the current texts of the two pages below took effect


def _legal(name: str, heading: str) -> str:
    """One of the agreement pages; each language has its own text (templates/legal/<name>_zh|en.html)."""
    return render_template(
        pick(f"legal/{name}_zh.html", f"legal/{name}_en.html"),
        heading=heading,
        effective=LEGAL_EFFECTIVE,
        contact=current_app.config.get("PRIVACY_CONTACT"),
    )


@bp.get("/terms")
@public
def terms() -> Any:
    """《用户服务协议》, which users accept at registration."""
    return _legal("terms", _("用户服务协议"))


@bp.get("/privacy")
@public
def privacy() -> Any:
    """《个人信息保护说明》: what is collected, who sees it, retention, copies and deletion, contact."""
    return _legal("privacy", _("个人信息保护说明"))


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
