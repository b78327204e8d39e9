"""Contradictions among a company's answers, and with its profile, in the page's language.

The checks are data in questionnaires/consistency.py; here they meet the company's profile figures, read
only when a check needs them (the module page otherwise reads everything in one statement).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

import questionnaires
from portal.extensions import db
from portal.i18n import pick
from portal.models import Assessment, Company
from questionnaires import consistency


class ProfileFacts(Mapping[str, Decimal | int | None]):
    """The company's profile figures, read from the database on first use."""

    def __init__(self, assessment_id: int) -> None:
        self.assessment_id = assessment_id
        self._facts: dict[str, Decimal | int | None] | None = None

    def _load(self) -> dict[str, Decimal | int | None]:
        if self._facts is None:
            row = db.session.execute(
                sa.select(Company.employees, Company.revenue_wan)
                .join(Assessment, Assessment.company_id == Company.id)
                .where(Assessment.id == self.assessment_id)
            ).first()
            self._facts = {"employees": row[0], "revenue_wan": row[1]} if row else {}
        return self._facts

    def __getitem__(self, key: str) -> Decimal | int | None:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def warnings(
    instrument: questionnaires.Instrument, answers: Mapping[str, Any], assessment_id: int
) -> list[consistency.Warning]:
    return consistency.warnings(instrument, answers, ProfileFacts(assessment_id))


def by_item(found: list[consistency.Warning]) -> dict[str, list[str]]:
    """Each warning's text at every question it concerns."""
    out: dict[str, list[str]] = {}
    for warning in found:
        for item_id in warning.item_ids:
            out.setdefault(item_id, []).append(pick(warning.message_zh, warning.message_en))
    return out
