"""Saving answers: autosave from the module page's script, the page's form without JavaScript, the demo.

One entry point, save(). The rules are in rules.py (pure: validate, sort into writes, unchanged answers
and conflicts, the reply); they run on both write paths:
- fast.py, PostgreSQL: the usual save (a member, no conflict) in one statement; it gives way to the locked
  path whenever judgement is needed, with nothing written;
- locked.py, every database: lock the assessment and read its answers, decide, write, commit.
The SQL of both is in statements.py; what a worker remembers for the fast path (pins) is in pins.py.

Every accepted write is kept in AnswerChange, so any earlier value can be recovered. A submitted
assessment is locked.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.assessments.saving import fast
from portal.assessments.saving.locked import Draft, lock_draft, require_draft, save_locked
from portal.assessments.saving.pins import forget_this_worker, remember
from portal.assessments.saving.rules import Change, Conflict, SaveResult, parse_changes
from portal.models import User

__all__ = [
    "Change",
    "Conflict",
    "Draft",
    "SaveResult",
    "forget_this_worker",
    "lock_draft",
    "parse_changes",
    "remember",
    "require_draft",
    "save",
]


def save(
    assessment: int | Draft,
    changes: Sequence[Change],
    user: User,
    position: tuple[str, str | None] | None = None,
) -> SaveResult:
    """Save `changes` for `user` and commit; the reply lists each change as saved or in conflict.

    `assessment` is an id, or a Draft this transaction has locked already (lock_draft()). Only members
    of the company and providers under an active assist consent may write (others: AssessmentError 404).
    `position` (module, item) is remembered as the user's resume point in the same transaction. Invalid
    changes: AssessmentError 422, nothing written; a submitted assessment: 409.
    """
    if isinstance(assessment, Draft):
        return save_locked(assessment, changes, user, position)
    result = fast.try_save(assessment, changes, user, position)
    if result is None:  # the row lock queues concurrent saves of this assessment
        result = save_locked(require_draft(assessment), changes, user, position)
    return result
