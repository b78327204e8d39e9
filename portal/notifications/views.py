"""The notification list (/notifications/) and "我的任务" (/company/tasks): what is assigned to me, in which
round, by when, how far along — each with a link straight to the module."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles, signed_in
from portal.companies import workspace
from portal.models import Role
from portal.notifications import services

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """The number in the top bar (one indexed count, only for signed-in pages)."""
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@bp.get("/notifications/")
@signed_in
def index() -> Any:
    return render_template(
        "notifications/index.html", entries=services.entries(current_user), form=FlaskForm()
    )


@bp.post("/notifications/<int:notification_id>/open")
@signed_in
def open_notification(notification_id: int) -> Any:
    """Mark the notice read and go where it leads (a form button: works without JavaScript)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    row = services.own(current_user, notification_id)
    if row is None:
        abort(404)
    url = services.target(row)
    services.mark_read(current_user, row.id)
    return redirect(url)


@bp.post("/notifications/read")
@signed_in
def mark_all_read() -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.get("/company/tasks")
@roles(Role.ENTERPRISE)
def tasks() -> Any:
    company = current_user.company
    if company is None:  # enterprise users always have one (database constraint)
        abort(404)
    return render_template("notifications/tasks.html", tasks=workspace.my_tasks(company, current_user))
