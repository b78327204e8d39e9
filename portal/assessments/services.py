"""Assessments: start one pinned to an instrument version, resume, review and submit. Saving answers, with
its rules, is in the portal/assessments/saving/ package."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
from flask_babel import lazy_gettext as _l

import questionnaires
from portal import audit as platform_audit
from portal.errors import PortalError
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import (
    Assessment,
    AssessmentKey,
    AssessmentStatus,
    Company,
    ModuleAssignment,
    ResumePoint,
    Role,
    User,
)
from portal.models._common import utcnow
from questionnaires import Instrument

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

ATTESTATION_ZH = (
    "本企业承诺：所填报的信息真实、准确、完整，佐证数据可追溯、可核查；如有不实，愿承担相应责任。"
)


class AssessmentError(PortalError):
    """A refusal of the answer-saving code, in its older (status, zh, en, field) form.

    Kept for the saving package (portal/assessments/saving/), whose fast path also catches it to fall back
    to the locked path; new code raises PortalError with a msgid."""

    def __init__(self, status: int, message_zh: str, message_en: str, field: str | None = None) -> None:
        super().__init__(status, (message_zh, message_en), field)


# ---------------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------------


def start(company: Company, instrument_id: str, user: User) -> Assessment:
    """Open a new draft pinned to the latest published version (one open draft per instrument)."""
    existing = open_draft(company, instrument_id)
    if existing is not None:
        return existing
    try:
        instrument = questionnaires.latest_published(instrument_id)
    except questionnaires.QuestionnaireError as exc:
        raise PortalError(404, _l("没有这个问卷")) from exc
    assessment = Assessment(
        company_id=company.id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_hash=instrument.content_hash,
        created_by_id=user.id,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def open_draft(company: Company, instrument_id: str) -> Assessment | None:
    return db.session.scalar(
        sa.select(Assessment).where(
            Assessment.company_id == company.id,
            Assessment.instrument_id == instrument_id,
            Assessment.status == AssessmentStatus.DRAFT,
        )
    )


def company_assessments(company: Company) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment).where(Assessment.company_id == company.id).order_by(Assessment.created_at)
        )
    )


def get_for_company(company: Company, assessment_id: int) -> Assessment | None:
    """The company's own assessment, or None (callers answer 404 for other companies' ids)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.company_id != company.id:
        return None
    return assessment


def editor_label(user: User | None) -> str | None:
    """How an answer's author is shown: the name, or "服务商 X 的 Y" for a provider acting for the company."""
    if user is None:
        return None
    if user.role is Role.PROVIDER and user.provider_org is not None:
        return f"服务商 {user.provider_org.name} 的 {user.name}"
    return user.name


def status_body(assessment: Assessment, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Progress and the items visible under `answers`, as the answers API returns them so the page can
    update its counters and skip logic."""
    return status_payload(
        instrument_of(assessment), assessment.company.cluster, assessment.id, assessment.status, answers
    )


def status_payload(
    instrument: Instrument,
    cluster: str | None,
    assessment_id: int,
    status: AssessmentStatus,
    answers: Mapping[str, Any],
) -> dict[str, Any]:
    progress = questionnaires.progress(instrument, answers, cluster)
    return {
        "assessment_id": assessment_id,
        "status": status.value,
        "visible_items": sorted(progress.visible_ids),
        "progress": {
            "answered": progress.answered,
            "total": progress.total,
            "modules": {m.module_id: {"answered": m.answered, "total": m.total} for m in progress.modules},
        },
    }


# ---------------------------------------------------------------------------------------------------
# Resume points, assignments, submission
# ---------------------------------------------------------------------------------------------------


def remember_position(assessment: AssessmentKey, user: User, module_id: str, last_module: str | None) -> None:
    """The user opened a module page: remember it. `last_module` is the module of the user's resume point,
    which the page has already read: a write only when the module changes (reopening the module keeps the
    item last saved there)."""
    if last_module == module_id:
        return
    upsert_position(assessment.id, user.id, module_id, None)
    db.session.commit()


def upsert_position(assessment_id: int, user_id: int, module_id: str, item_id: str | None) -> None:
    """Write the resume point in one statement (no read first): a save writes anyway, and autosave
    moves the point with every answered item."""
    insert = (
        sa.dialects.postgresql.insert
        if db.session.get_bind().dialect.name == "postgresql"
        else sa.dialects.sqlite.insert
    )
    values = {"module_id": module_id, "item_id": item_id, "updated_at": utcnow()}
    statement = insert(ResumePoint).values(assessment_id=assessment_id, user_id=user_id, **values)
    keys = ["assessment_id", "user_id"]
    db.session.execute(statement.on_conflict_do_update(index_elements=keys, set_=values))


def resume_point(assessment: AssessmentKey, user: User) -> ResumePoint | None:
    return db.session.get(ResumePoint, (assessment.id, user.id))


def assignments(assessment: Assessment) -> dict[str, list[User]]:
    out: dict[str, list[User]] = {}
    for a in assessment.assignments:
        out.setdefault(a.module_id, []).append(a.user)
    return out


def assignment_rows(assessment: Assessment) -> dict[str, list[ModuleAssignment]]:
    """Module → its assignment rows (who, and by when)."""
    out: dict[str, list[ModuleAssignment]] = {}
    for a in assessment.assignments:
        out.setdefault(a.module_id, []).append(a)
    return out


def due_range() -> tuple[date, date]:
    """The due dates the picker accepts for a new or changed date: today to a year ahead (China time)."""
    today = china_today()
    return today, today + timedelta(days=MAX_DUE_DAYS)


def set_assignments(
    assessment: Assessment, module_id: str, user_ids: Sequence[int], actor: User | None = None
) -> None:
    """Replace who is assigned to one module (due dates kept); only members of the company can be assigned."""
    due = {a.module_id: a.due_on for a in assessment.assignments}
    assign_modules(assessment, {module_id: Pick(tuple(user_ids), due.get(module_id))}, actor)


@dataclass(frozen=True)
class Pick:
    """Who answers one module, and by when (a China calendar day; optional)."""

    user_ids: tuple[int, ...]
    due_on: date | None = None


# A due date is a plan for this round, not a wish list: from today up to a year ahead.
MAX_DUE_DAYS = 366


def assign_modules(assessment: Assessment, plan: Mapping[str, Pick], actor: User | None) -> int:
    """Apply the administrator's plan (module → pick) in one transaction, notify the people newly assigned
    (in the portal, and by mail), and return how many modules changed. Nothing changes when one pick is
    refused: a module of another instrument, someone outside the company, a due date out of range."""
    if assessment.locked:
        raise PortalError(409, _l("评估已经提交"))
    modules = {m.id for m in instrument_of(assessment).modules}
    members = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.company_id == assessment.company_id, User.active.is_(True))
        )
    }
    current = assignment_rows(assessment)
    for module_id, pick in plan.items():
        if module_id not in modules:
            raise PortalError(404, _l("没有这个模块"))
        if not set(pick.user_ids) <= members.keys():
            raise PortalError(400, _l("只能分配给本企业成员"))
        _check_due(pick.due_on, {r.due_on for r in current.get(module_id, [])})
    changed, added = 0, []
    for module_id, pick in plan.items():
        rows = current.get(module_id, [])
        before = ({r.user_id for r in rows}, {r.due_on for r in rows})
        new_users = _replace(assessment, module_id, rows, pick)
        changed += before != (set(pick.user_ids), {pick.due_on} if pick.user_ids else set())
        added += [(module_id, members[user_id], pick.due_on) for user_id in new_users]
    from portal.notifications import services as notifications  # notifications build on assessments

    sent = [
        notifications.assigned(assessment, m, user, due, actor) for m, user, due in added if user != actor
    ]
    db.session.commit()
    notifications.mail_assigned(sent)
    return changed


def _check_due(due_on: date | None, kept: set[date | None]) -> None:
    """A new or changed due date lies between today and a year ahead; an unchanged one is kept as it is."""
    if due_on is None or due_on in kept:
        return
    first, last = due_range()
    if not first <= due_on <= last:
        raise PortalError(400, _l("截止日期应在今天到一年之内"), "due_on")


def _replace(assessment: Assessment, module_id: str, rows: list[ModuleAssignment], pick: Pick) -> list[int]:
    """Make the module's rows match the pick; returns the users newly assigned."""
    # Keep the rows that stay: removing and re-adding the same (module, user) in one flush would INSERT
    # before the DELETE and break the unique constraint (saving the same assignment twice was a 500).
    wanted = set(pick.user_ids)
    for existing in rows:
        if existing.user_id not in wanted:
            assessment.assignments.remove(existing)
        else:
            existing.due_on = pick.due_on
    new_users = sorted(wanted - {a.user_id for a in rows})
    for user_id in new_users:
        assessment.assignments.append(
            ModuleAssignment(module_id=module_id, user_id=user_id, due_on=pick.due_on)
        )
    return new_users


def china_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def missing_required(assessment: Assessment) -> list[questionnaires.MissingItem]:
    return questionnaires.missing_required(
        instrument_of(assessment), assessment.answer_map(), assessment.company.cluster
    )


def submit(assessment: Assessment, user: User, attested: bool) -> None:
    if assessment.locked:
        raise PortalError(409, _l("评估已经提交"))
    if not attested:
        raise PortalError(400, _l("请勾选真实性承诺后再提交"), "attest")
    # One conditional UPDATE claims the draft: of two submits at once (a double click, two colleagues)
    # only one changes the row, so the assessment is scored, audited and counted once. The row stays
    # locked until the commit, so no save changes the answers between the check below and the submit.
    claimed = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT)
        .values(
            status=AssessmentStatus.SUBMITTED,
            submitted_at=utcnow(),
            submitted_by_id=user.id,
            attestation=ATTESTATION_ZH,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise PortalError(409, _l("评估已经提交"))
    db.session.expire(assessment)  # its status and answers as of the claim
    missing = missing_required(assessment)
    if missing:
        db.session.rollback()
        raise PortalError(400, _l("还有 %(count)s 个必答题未作答", count=len(missing)))
    platform_audit.record(user, "submit_assessment", f"assessment:{assessment.id}", assessment.company_id)
    db.session.commit()
    # Score once at submission and keep the result with the engine version (imported here: results
    # builds on this module).
    from portal.results.services import store

    store(assessment)
