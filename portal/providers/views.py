"""Service-provider pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from portal.access import roles
from portal.models import Role

bp = Blueprint("providers", __name__)


@bp.get("/")
@roles(Role.PROVIDER)
def dashboard() -> Any:
    return render_template("providers/dashboard.html", org=current_user.provider_org)
