"""Bureau (工业和信息化主管部门) pages, scoped to the officer's jurisdiction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from portal.access import roles
from portal.bureau.scope import company_scope
from portal.extensions import db
from portal.models import Company, Role

bp = Blueprint("bureau", __name__)


@bp.get("/")
@roles(Role.BUREAU)
def dashboard() -> Any:
    scope = company_scope(current_user)
    registered = db.session.scalar(sa.select(sa.func.count(Company.id)).where(scope)) or 0
    by_size = dict(
        db.session.execute(
            sa.select(Company.size_class, sa.func.count(Company.id)).where(scope).group_by(Company.size_class)
        ).all()
    )
    return render_template("bureau/dashboard.html", registered=registered, by_size=by_size)
