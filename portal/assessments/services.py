"""Assessments: start one pinned to an instrument version, save answers safely, review and submit.

Saving rules (what "nothing typed is ever lost" means here):
- Every answer is its own row with a version number. Edits to different items never conflict.
- A write names the version it was based on. If someone else changed that item since, and to a different
  value, the write is refused as a conflict and the caller is shown the other value (nothing overwritten
  silently). Writing the same value as the current one is not a conflict.
- A batch is validated as a whole first; one invalid answer rejects the batch and changes nothing.
- Every accepted write is kept in AnswerChange, so any earlier value can be recovered.
- A submitted assessment is locked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
from sqlalchemy.orm.exc import StaleDataError

import questionnaires
from portal import audit as platform_audit
from portal.extensions import db
from portal.models import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentStatus,
    Company,
    ModuleAssignment,
    ResumePoint,
    Role,
    User,
)
from portal.models._common import utcnow
from questionnaires import Instrument

ATTESTATION_ZH = (
    "本企业承诺：所填报的信息真实、准确、完整，佐证数据可追溯、可核查；如有不实，愿承担相应责任。"
)


RACE_RETRIES = 6


class AssessmentError(Exception):
    """A request the assessment cannot accept; carries zh/en messages and an HTTP-like status."""

    def __init__(self, status: int, message_zh: str, message_en: str, field: str | None = None) -> None:
        super().__init__(message_en)
        self.status = status
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


# ---------------------------------------------------------------------------------------------------
# Instruments
# ---------------------------------------------------------------------------------------------------


def available_instruments() -> list[Instrument]:
    """The latest published version of each instrument, in a stable order."""
    ids = sorted({info.id for info in questionnaires.list_available() if info.status == "published"})
    return [questionnaires.latest_published(instrument_id) for instrument_id in ids]


def instrument_of(assessment: Assessment) -> Instrument:
    """The exact version (and content hash) the assessment is pinned to."""
    return questionnaires.load(
        assessment.instrument_id, assessment.instrument_version, expected_hash=assessment.instrument_hash
    )


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
        raise AssessmentError(404, "没有这个问卷", "unknown instrument") from exc
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


# ---------------------------------------------------------------------------------------------------
# Saving answers
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    item_id: str
    value: Any
    base_version: int | None  # version the client started from; None = "I have not seen any value"


@dataclass(frozen=True)
class Conflict:
    item_id: str
    your_value: Any
    current_value: Any
    current_version: int
    updated_by: str | None
    updated_at: datetime


@dataclass
class SaveResult:
    saved: list[tuple[str, int, datetime]] = field(default_factory=list)  # item, new version, when
    conflicts: list[Conflict] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)  # status_body() after the batch


def parse_changes(payload: Any) -> list[Change]:
    """Read `{"answers": [{"item_id", "value", "base_version"}, …]}` (or one such object)."""
    if not isinstance(payload, Mapping):
        raise AssessmentError(400, "请求内容应为 JSON 对象", "the body must be a JSON object")
    entries = payload.get("answers", [payload] if "item_id" in payload else None)
    if not isinstance(entries, list) or not entries:
        raise AssessmentError(400, "请求中没有答案（answers 列表）", "no answers given (answers list)")
    if len(entries) > 500:
        raise AssessmentError(413, "一次最多保存 500 个答案", "at most 500 answers per request")
    changes = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("item_id"), str):
            raise AssessmentError(
                400, f"第 {index + 1} 个答案缺少 item_id", f"answer {index + 1} has no item_id", "item_id"
            )
        unknown = set(entry) - {"item_id", "value", "base_version"}
        if unknown:
            raise AssessmentError(
                400,
                f"不认识的字段：{', '.join(sorted(unknown))}",
                f"unknown fields: {', '.join(sorted(unknown))}",
            )
        base = entry.get("base_version")
        if base is not None and (not isinstance(base, int) or isinstance(base, bool) or base < 0):
            raise AssessmentError(
                400, "base_version 应为非负整数", "base_version must be a non-negative integer"
            )
        changes.append(Change(entry["item_id"], entry.get("value"), base))
    return changes


def save_answers(
    assessment: Assessment,
    changes: Sequence[Change],
    user: User,
    position: tuple[str, str | None] | None = None,
) -> SaveResult:
    """Validate all changes, then apply those that do not conflict. See the module docstring.
    `position` (module, item) is remembered as the user's resume point in the same transaction.

    Callers on the request path load the assessment with `assessment_for(..., lock=True)`, so concurrent
    saves of one assessment queue on its row lock (PostgreSQL). Without that lock, or on SQLite, two
    requests racing on the same item are still resolved by the database: the loser's INSERT hits the
    unique constraint or its UPDATE finds the version changed; it is then run again on fresh data (now
    holding the lock), where the version check reports a conflict or the value is equal.
    """
    for attempt in range(RACE_RETRIES):
        try:
            return _save_answers(assessment, changes, user, position)
        except (sa.exc.IntegrityError, StaleDataError):
            db.session.rollback()
            if attempt == RACE_RETRIES - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311 — jitter, not security
            db.session.refresh(assessment, ["status"], with_for_update={"of": Assessment})
    raise AssertionError("unreachable")


def _save_answers(
    assessment: Assessment, changes: Sequence[Change], user: User, position: tuple[str, str | None] | None
) -> SaveResult:
    """One attempt of save_answers.

    A provider user may write only under an active assist-mode consent; each change then records the
    provider organisation (AnswerChange.acting_provider_org_id) and the batch is written to the
    company's audit trail, so the company sees "服务商 X 的 Y 代为修改".
    """
    acting_org_id = _acting_provider_org(assessment, user)
    if assessment.locked:
        raise AssessmentError(
            409, "评估已提交并锁定，不能再修改答案", "the assessment is submitted and locked"
        )
    instrument = instrument_of(assessment)
    cluster = assessment.company.cluster
    rows = {a.item_id: a for a in assessment.answers}
    current = {item_id: row.value for item_id, row in rows.items() if row.value is not None}
    proposed = dict(current)
    for change in changes:
        proposed[change.item_id] = change.value

    normalized: dict[str, Any] = {}
    for change in changes:
        # Visibility is judged against the answers as they will be after this batch.
        check = questionnaires.validate_answer(
            instrument, change.item_id, change.value, answers=proposed, cluster=cluster
        )
        if not check.ok and check.code == "not_visible" and change.value in (None, "", []):
            check = questionnaires.validate_answer(
                instrument, change.item_id, None
            )  # clearing is always fine
        if not check.ok:
            item_label = change.item_id
            raise AssessmentError(
                422, f"{item_label}：{check.message_zh}", f"{item_label}: {check.message_en}", change.item_id
            )
        normalized[change.item_id] = check.normalized

    result = SaveResult()
    now = utcnow()
    for change in changes:
        value = normalized[change.item_id]
        row = rows.get(change.item_id)
        if row is None:
            row = Answer(assessment=assessment, item_id=change.item_id, value=None, version=0)
            db.session.add(row)
            rows[change.item_id] = row
        if row.value == value:
            result.saved.append((change.item_id, row.version, row.updated_at or now))
            continue
        if change.base_version is not None and change.base_version != row.version:
            result.conflicts.append(
                Conflict(
                    change.item_id,
                    value,
                    row.value,
                    row.version,
                    editor_label(row.updated_by),
                    row.updated_at,
                )
            )
            continue
        db.session.add(
            AnswerChange(
                assessment_id=assessment.id,
                item_id=change.item_id,
                old_value=row.value,
                new_value=value,
                version=row.version + 1,
                user_id=user.id,
                changed_at=now,
                acting_provider_org_id=acting_org_id,
            )
        )
        row.value, row.version, row.updated_by_id, row.updated_at = value, row.version + 1, user.id, now
        result.saved.append((change.item_id, row.version, now))
    if result.saved:
        assessment.updated_at = now
    if position is not None:
        _upsert_position(assessment.id, user.id, *position)
    # built before the commit, which expires every loaded object: nothing is read again afterwards
    result.status = status_body(
        assessment, {item_id: row.value for item_id, row in rows.items() if row.value is not None}
    )
    db.session.commit()
    changed = [item_id for item_id, _version, at in result.saved if at == now]
    if acting_org_id is not None and changed:
        from portal.providers import audit  # the provider feature builds on this module

        audit.record(user, assessment, "edit_answers", f"{len(changed)} 项：{'、'.join(changed[:5])}")
    return result


def _acting_provider_org(assessment: Assessment, user: User) -> int | None:
    """The provider organisation a write is made for, after checking its assist consent (None: a member)."""
    if user.role is not Role.PROVIDER:
        return None
    from portal.providers.consent import can_edit

    if not can_edit(user, assessment):
        raise AssessmentError(404, "评估不存在", "assessment not found")
    return user.provider_org_id


def editor_label(user: User | None) -> str | None:
    """How an answer's author is shown: the name, or "服务商 X 的 Y" for a provider acting for the company."""
    if user is None:
        return None
    if user.role is Role.PROVIDER and user.provider_org is not None:
        return f"服务商 {user.provider_org.name} 的 {user.name}"
    return user.name


def answer_state(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """{item_id: {value, version, updated_by, updated_at}} for the page and the JSON API."""
    return {
        a.item_id: {
            "value": a.value,
            "version": a.version,
            "updated_by": editor_label(a.updated_by),
            "updated_at": a.updated_at.isoformat(),
        }
        for a in assessment.answers
    }


def status_body(assessment: Assessment, answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Progress and the items visible under `answers` (default: the stored ones), as the autosave API
    returns them so the page can update its counters and skip logic."""
    instrument = instrument_of(assessment)
    cluster = assessment.company.cluster
    answers = assessment.answer_map() if answers is None else answers
    progress = questionnaires.progress(instrument, answers, cluster)
    return {
        "assessment_id": assessment.id,
        "status": assessment.status.value,
        "visible_items": sorted(i.id for i in questionnaires.visible_items(instrument, answers, cluster)),
        "progress": {
            "answered": progress.answered,
            "total": progress.total,
            "modules": {m.module_id: {"answered": m.answered, "total": m.total} for m in progress.modules},
        },
    }


# ---------------------------------------------------------------------------------------------------
# Resume points, assignments, submission
# ---------------------------------------------------------------------------------------------------


def remember_position(assessment: Assessment, user: User, module_id: str) -> None:
    """The user opened a module page: remember it (a write only when the module changes; reopening the
    module keeps the item last saved there)."""
    point = resume_point(assessment, user)
    if point is not None and point.module_id == module_id:
        return
    _upsert_position(assessment.id, user.id, module_id, None)
    db.session.commit()


def _upsert_position(assessment_id: int, user_id: int, module_id: str, item_id: str | None) -> None:
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


def resume_point(assessment: Assessment, user: User) -> ResumePoint | None:
    return db.session.get(ResumePoint, (assessment.id, user.id))


def assignments(assessment: Assessment) -> dict[str, list[User]]:
    out: dict[str, list[User]] = {}
    for a in assessment.assignments:
        out.setdefault(a.module_id, []).append(a.user)
    return out


def set_assignments(assessment: Assessment, module_id: str, user_ids: Sequence[int]) -> None:
    """Replace who is assigned to a module; only members of the same company can be assigned."""
    instrument = instrument_of(assessment)
    if module_id not in {m.id for m in instrument.modules}:
        raise AssessmentError(404, "没有这个模块", "unknown module")
    members = {
        u.id for u in db.session.scalars(sa.select(User).where(User.company_id == assessment.company_id))
    }
    if not set(user_ids) <= members:
        raise AssessmentError(400, "只能分配给本企业成员", "only members of the company can be assigned")
    for existing in [a for a in assessment.assignments if a.module_id == module_id]:
        assessment.assignments.remove(existing)
    for user_id in sorted(set(user_ids)):
        assessment.assignments.append(ModuleAssignment(module_id=module_id, user_id=user_id))
    db.session.commit()


def missing_required(assessment: Assessment) -> list[questionnaires.MissingItem]:
    return questionnaires.missing_required(
        instrument_of(assessment), assessment.answer_map(), assessment.company.cluster
    )


def submit(assessment: Assessment, user: User, attested: bool) -> None:
    if assessment.locked:
        raise AssessmentError(409, "评估已经提交", "the assessment was already submitted")
    if not attested:
        raise AssessmentError(
            400, "请勾选真实性承诺后再提交", "tick the truthfulness pledge to submit", "attest"
        )
    missing = missing_required(assessment)
    if missing:
        raise AssessmentError(
            400, f"还有 {len(missing)} 个必答题未作答", f"{len(missing)} required items are unanswered"
        )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = user.id
    assessment.attestation = ATTESTATION_ZH
    platform_audit.record(user, "submit_assessment", f"assessment:{assessment.id}", assessment.company_id)
    db.session.commit()
    # Score once at submission and keep the result with the engine version (imported here: results
    # builds on this module).
    from portal.results.services import store

    store(assessment)
