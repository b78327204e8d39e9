"""What a save does, decided without the database: read the request, validate each answer, sort the
changes into writes, unchanged answers and conflicts, and build the reply.

Both write paths (portal/assessments/saving/fast.py and locked.py) run `decide()` on the answers they
read, so the rules below exist once. No SQL here: the tests run these functions on plain values.

The rules (what "nothing typed is ever lost" means here):
- Every answer is its own row with a version number. Edits to different items never conflict.
- A write names the version it was based on. If someone else changed that item since, and to a different
  value, the write is refused as a conflict and the caller is shown the other value (nothing overwritten
  silently). Writing the same value as the current one is not a conflict.
- A batch is validated as a whole first; one invalid answer rejects the batch and changes nothing. It
  names each item at most once. Skip rules are judged against the answers as they will be after the batch;
  clearing an answer is always allowed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import questionnaires
from portal.assessments.services import AssessmentError
from portal.assessments.stored import StoredAnswer, StoredAnswers
from portal.inputs import MAX_DB_ID
from questionnaires import Instrument

MAX_CHANGES = 500  # answers per request


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
    status: dict[str, Any] = field(default_factory=dict)  # status_payload() after the batch


def parse_changes(payload: Any) -> list[Change]:
    """Read `{"answers": [{"item_id", "value", "base_version"}, …]}` (or one such object); each item at most
    once."""
    if not isinstance(payload, Mapping):
        raise AssessmentError(400, "请求内容应为 JSON 对象", "the body must be a JSON object")
    entries = payload.get("answers", [payload] if "item_id" in payload else None)
    if not isinstance(entries, list) or not entries:
        raise AssessmentError(400, "请求中没有答案（answers 列表）", "no answers given (answers list)")
    if len(entries) > MAX_CHANGES:
        raise AssessmentError(413, "一次最多保存 500 个答案", "at most 500 answers per request")
    changes = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        changes.append(_parse_entry(index, entry, seen))
        seen.add(changes[-1].item_id)
    return changes


def _parse_entry(index: int, entry: Any, seen: set[str]) -> Change:
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
    if base is not None and (
        not isinstance(base, int) or isinstance(base, bool) or not 0 <= base <= MAX_DB_ID
    ):  # versions are INTEGER columns: a larger number failed the statement on PostgreSQL
        raise AssessmentError(
            400,
            f"base_version 应为 0 至 {MAX_DB_ID} 的整数",
            f"base_version must be a whole number from 0 to {MAX_DB_ID}",
            "base_version",
        )
    if entry["item_id"] in seen:
        raise AssessmentError(
            400,
            f"第 {index + 1} 个答案与前面的答案是同一题（{entry['item_id']}）",
            f"answer {index + 1} repeats item {entry['item_id']}",
            "item_id",
        )
    return Change(entry["item_id"], entry.get("value"), base)


def normalized_alone(instrument: Instrument, changes: Sequence[Change]) -> dict[str, Any] | None:
    """Each change's value normalised by the checks that need no other answer (None: one is refused).
    The one-statement path writes these values before it can judge the skip rules."""
    normalized = {}
    for change in changes:
        check = questionnaires.validate_answer(instrument, change.item_id, change.value)
        if not check.ok:
            return None
        normalized[change.item_id] = check.normalized
    return normalized


def validated(
    instrument: Instrument, change: Change, proposed: Mapping[str, Any], cluster: str | None
) -> Any:
    """The change's value, normalised, or AssessmentError (422). Visibility is judged against the answers
    as they will be after the whole batch (`proposed`); clearing an answer is always allowed."""
    check = questionnaires.validate_answer(
        instrument, change.item_id, change.value, answers=proposed, cluster=cluster
    )
    if not check.ok and check.code == "not_visible" and change.value in (None, "", []):
        check = questionnaires.validate_answer(instrument, change.item_id, None)
    if not check.ok:
        # the item is named by `field` (the page shows the message at that question), never in the text
        raise AssessmentError(422, check.message_zh, check.message_en, change.item_id)
    return check.normalized


class Kind(enum.Enum):
    KEEP = "keep"  # the stored value is already the one sent: nothing to write
    WRITE = "write"
    CONFLICT = "conflict"  # changed by someone else since the client's version, to another value


@dataclass(frozen=True)
class Outcome:
    """What happens to one change: its normalised value, the answer stored now (None: never answered)."""

    kind: Kind
    item_id: str
    value: Any
    current: StoredAnswer | None

    @property
    def version(self) -> int:
        """The answer's version after the save."""
        stored = self.current.version if self.current else 0
        return stored + 1 if self.kind is Kind.WRITE else stored


@dataclass(frozen=True)
class Decision:
    outcomes: list[Outcome]  # in the order of the changes
    answers_after: dict[str, Any]  # the answered items' values once the writes are done

    @property
    def writes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind is Kind.WRITE]

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind is Kind.CONFLICT]


def decide(
    instrument: Instrument, cluster: str | None, answers: StoredAnswers, changes: Sequence[Change]
) -> Decision:
    """Validate the whole batch against `answers` (AssessmentError 422 on the first invalid change: nothing
    is written), then sort each change. See the module docstring."""
    proposed = {item: a.value for item, a in answers.items() if a.value is not None}
    proposed.update({c.item_id: c.value for c in changes})
    normalized = {c.item_id: validated(instrument, c, proposed, cluster) for c in changes}
    outcomes = [_outcome(c, normalized[c.item_id], answers.get(c.item_id)) for c in changes]
    after = {item: a.value for item, a in answers.items()}
    after.update({o.item_id: o.value for o in outcomes if o.kind is Kind.WRITE})
    return Decision(outcomes, {item: value for item, value in after.items() if value is not None})


def _outcome(change: Change, value: Any, current: StoredAnswer | None) -> Outcome:
    if (current.value if current else None) == value:
        return Outcome(Kind.KEEP, change.item_id, value, current)
    if current is not None and change.base_version not in (None, current.version):
        return Outcome(Kind.CONFLICT, change.item_id, value, current)
    return Outcome(Kind.WRITE, change.item_id, value, current)


def result_of(
    decision: Decision, now: datetime, status: dict[str, Any], editor: Callable[[int | None], str | None]
) -> SaveResult:
    """The reply: every change saved (with its version and time) or in conflict. `now` is the time of this
    save's writes; `editor(user_id)` names the author of a conflicting answer."""
    result = SaveResult(status=status)
    for outcome in decision.outcomes:
        current = outcome.current
        if outcome.kind is Kind.CONFLICT:
            assert current is not None  # a conflict is with a stored answer
            result.conflicts.append(
                Conflict(
                    outcome.item_id,
                    outcome.value,
                    current.value,
                    current.version,
                    editor(current.updated_by_id),
                    current.updated_at,
                )
            )
        elif outcome.kind is Kind.WRITE or current is None:
            result.saved.append((outcome.item_id, outcome.version, now))
        else:  # unchanged: when the stored value was written
            result.saved.append((outcome.item_id, outcome.version, current.updated_at))
    return result
