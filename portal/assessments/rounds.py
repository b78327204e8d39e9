"""One human name for an assessment round, the same on every page: "T1 · 广东制造业数字化转型成熟度评估".

A company answers each instrument again every year; its rounds of one instrument are numbered from T0 in the
order they were started (the before/after pair the provincial pilots count is T0 → T1). Pages never show the
database id or the instrument's identifier and version.
"""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa
from flask import g

import questionnaires
from portal.extensions import db
from portal.i18n import localized
from portal.models import Assessment


class RoundKey(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def company_id(self) -> int: ...

    @property
    def instrument_id(self) -> str: ...


def round_numbers(company_id: int) -> dict[int, int]:
    """Assessment id → its round number (0 = T0) among the company's rounds of the same instrument.

    One query per company and request, however many rounds a page lists."""
    cache: dict[int, dict[int, int]] = g.setdefault("round_numbers", {})
    if company_id not in cache:
        rows = db.session.execute(
            sa.select(Assessment.id, Assessment.instrument_id)
            .where(Assessment.company_id == company_id)
            .order_by(Assessment.created_at, Assessment.id)
        )
        seen: dict[str, int] = {}
        numbers = {}
        for assessment_id, instrument_id in rows:
            numbers[assessment_id] = seen.get(instrument_id, 0)
            seen[instrument_id] = numbers[assessment_id] + 1
        cache[company_id] = numbers
    return cache[company_id]


def instrument_title(instrument_id: str) -> str:
    """The instrument's title in the page's language (of its newest published version).

    The newest version is looked up once per instrument and request (the look-up scans the definition
    files): a list of fifty rounds names the instrument fifty times."""
    found: dict[str, questionnaires.Instrument | None] = g.setdefault("latest_instruments", {})
    if instrument_id not in found:
        try:
            found[instrument_id] = questionnaires.latest_published(instrument_id)
        except questionnaires.InstrumentNotFoundError:
            found[instrument_id] = None
    instrument = found[instrument_id]
    return localized(instrument, "title") if instrument is not None else instrument_id


def round_label(assessment: RoundKey) -> str:
    """ "T1" — the round number alone, for tables that show the instrument in a column of its own."""
    return f"T{round_numbers(assessment.company_id).get(assessment.id, 0)}"


def round_name(assessment: RoundKey) -> str:
    """ "T1 · 广东制造业数字化转型成熟度评估" — the round's name wherever a page names it."""
    return f"{round_label(assessment)} · {instrument_title(assessment.instrument_id)}"
