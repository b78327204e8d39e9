"""Which instruments exist, and which exact version an assessment is pinned to.

An assessment keeps the id, version and content hash of the instrument it was started on; every page, save,
score and report reads that version through `instrument_of`, so a new version never changes an old round.
"""

from __future__ import annotations

from typing import Protocol

import questionnaires
from questionnaires import Instrument


def available_instruments() -> list[Instrument]:
    """The latest published version of each instrument, in a stable order."""
    ids = sorted({info.id for info in questionnaires.list_available() if info.status == "published"})
    return [questionnaires.latest_published(instrument_id) for instrument_id in ids]


class Pinned(Protocol):
    """The instrument pin of an Assessment or of a plain AssessmentRow (portal/assessments/stored.py)."""

    @property
    def instrument_id(self) -> str: ...

    @property
    def instrument_version(self) -> str: ...

    @property
    def instrument_hash(self) -> str: ...


def instrument_of(assessment: Pinned) -> Instrument:
    """The exact version (and content hash) the assessment is pinned to."""
    return questionnaires.load(
        assessment.instrument_id, assessment.instrument_version, expected_hash=assessment.instrument_hash
    )
