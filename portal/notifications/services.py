"""Notify people of what concerns them: a row in their notification list, and a mail (portal/mail.py sends
it by SMTP when MAIL_SERVER is set, else writes it to the log).

The list's text is written when it is shown, in the reader's language, from what the row points at; mail
is written in Chinese like the portal's other mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal import mail
from portal.assessments.rounds import round_name
from portal.extensions import db
from portal.i18n import localized
from portal.instruments import instrument_of
from portal.links import external_url
from portal.models import Assessment, ModuleAssignment, User
from portal.models._common import utcnow
from portal.notifications.models import Notification, NotificationKind
from portal.templating import zh_data

LIST_LENGTH = 50  # the list shows the newest; older notices are rarely looked for


def assigned(
    assessment: Assessment, module_id: str, user: User, due_on: date | None, actor: User | None
) -> Notification:
    """Record that `user` was assigned a module (in the caller's transaction)."""
    row = Notification(
        user=user,
        kind=NotificationKind.ASSIGNED,
        assessment_id=assessment.id,
        module_id=module_id,
        actor_id=actor.id if actor else None,
    )
    db.session.add(row)
    return row


def mail_assigned(rows: list[Notification]) -> None:
    """One mail per new assignment, after the commit (a refused plan mails nobody)."""
    if rows and not has_request_context():  # assigned from a command or a test: links still need building
        with current_app.test_request_context():
            mail_assigned(rows)
        return
    for row in rows:
        if row.assessment is None or row.module_id is None:
            continue
        with force_locale("zh_CN"):
            module = _module_title(row.assessment, row.module_id)
            round_ = round_name(row.assessment)
        due = _due(row.assessment, row.module_id, row.user_id)
        who = row.actor.name if row.actor else "企业管理员"
        link = external_url("assessments.module", assessment_id=row.assessment.id, module_id=row.module_id)
        mail.send(
            row.user.email,
            f"数转评估：{who} 请您填写“{module}”",
            f"{who} 在数转评估（DX Assess）中把模块“{module}”（{round_}）分配给了您"
            + (f"，截止日期 {due.isoformat()}" if due else "")
            + f"。\n直接打开填写（回答自动保存）：\n{link}\n"
            f"您的全部任务：{external_url('notifications.tasks')}\n",
        )


@dataclass(frozen=True)
class Entry:
    id: int
    text: Markup
    when: datetime
    url: str
    unread: bool


def entries(user: User) -> list[Entry]:
    """The user's newest notices, newest first, as the list shows them."""
    rows = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(LIST_LENGTH)
    )
    return [Entry(r.id, _text(r), r.created_at, target(r), r.read_at is None) for r in rows]


def unread_count(user: User) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def own(user: User, notification_id: int) -> Notification | None:
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one notice (or, without an id, all of the user's) as read."""
    statement = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    db.session.execute(statement.values(read_at=utcnow()))
    db.session.commit()


def target(row: Notification) -> str:
    """Where the notice leads: straight to the module assigned."""
    if row.assessment is None:
        return url_for("notifications.tasks")
    if row.module_id and row.module_id in {m.id for m in instrument_of(row.assessment).modules}:
        return url_for("assessments.module", assessment_id=row.assessment.id, module_id=row.module_id)
    return url_for("assessments.overview", assessment_id=row.assessment.id)


def _text(row: Notification) -> Markup:
    """The notice in the reader's language; people's names are Chinese data, marked as such."""
    if row.assessment is None or row.module_id is None:
        return escape(_("分配给你的评估已删除。"))
    text = escape(_("%(who)s 把“%(module)s”（%(round)s）分配给了你。")) % {
        "who": zh_data(row.actor.name) if row.actor else _("企业管理员"),
        "module": _module_title(row.assessment, row.module_id),
        "round": round_name(row.assessment),
    }
    due = _due(row.assessment, row.module_id, row.user_id)
    return text + (" " + _("截止日期：%(date)s", date=due.isoformat()) if due else "")


def _module_title(assessment: Assessment, module_id: str) -> str:
    module = next((m for m in instrument_of(assessment).modules if m.id == module_id), None)
    return localized(module, "title") if module is not None else module_id


def _due(assessment: Assessment, module_id: str, user_id: int) -> date | None:
    """The due date as it is now (the administrator may have changed it since)."""
    return db.session.scalar(
        sa.select(ModuleAssignment.due_on).where(
            ModuleAssignment.assessment_id == assessment.id,
            ModuleAssignment.module_id == module_id,
            ModuleAssignment.user_id == user_id,
        )
    )
