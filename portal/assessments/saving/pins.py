"""What this worker remembers for the one-statement save (portal/assessments/saving/fast.py).

That path normalises the values before its statement, so it must know the assessment's instrument before
reading anything: assessments are pinned to an instrument version for life, and each worker remembers the
pins of the assessments it has shown or saved. The module page calls remember() when it shows an
assessment that its user may write; a save through the locked path remembers the pin it read. A pin that
does not match the stored one only costs a save through the locked path (the statement returns the pin).

It also remembers assessments that someone else was saving when this worker tried (NOWAIT found the row
locked): their saves go straight to the locked path, which queues on the lock, for a while. Colleagues
saving one assessment at the same moment tend to go on doing so, and every save through the one statement
would otherwise cost a failed statement and a rollback first.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from portal.assessments.stored import AssessmentRow


class Pin(NamedTuple):
    """The instrument version an assessment is pinned to (portal.instruments.Pinned)."""

    instrument_id: str
    instrument_version: str
    instrument_hash: str


_PINS: dict[int, Pin] = {}  # by assessment id; one Pin object per instrument version (_VERSIONS)
_VERSIONS: dict[Pin, Pin] = {}
_KEPT = 100_000  # ~10 MB at most; forgetting only costs one save through the locked path
_BUSY: dict[int, float] = {}  # by assessment id: monotonic time until which saves take the locked path
BUSY_SECONDS = 2.0


def remember(assessment: AssessmentRow) -> None:
    """Keep the assessment's pin so that its next saves by this worker can take the one-statement path.
    Call it only for an assessment the user may write (the statement checks membership again)."""
    if len(_PINS) >= _KEPT:
        _PINS.clear()
    pin = Pin(assessment.instrument_id, assessment.instrument_version, assessment.instrument_hash)
    _PINS[assessment.id] = _VERSIONS.setdefault(pin, pin)


def pin_of(assessment_id: int) -> Pin | None:
    return _PINS.get(assessment_id)


def mark_busy(assessment_id: int) -> None:
    if len(_BUSY) >= _KEPT:
        _BUSY.clear()
    _BUSY[assessment_id] = time.monotonic() + BUSY_SECONDS


def is_busy(assessment_id: int) -> bool:
    return _BUSY.get(assessment_id, 0.0) > time.monotonic()


def forget_this_worker() -> None:
    """For tests: start as a fresh worker does."""
    _PINS.clear()
    _BUSY.clear()
