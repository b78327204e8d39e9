"""Administrators: verification of recognitions and support declarations, and moderation."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import (
    Recognition,
    Solution,
    User,
)
from portal.models._common import utcnow
from portal.providers.services.catalogue import ProviderError


def all_recognitions() -> list[Recognition]:
    return list(
        db.session.scalars(
            sa.select(Recognition).order_by(Recognition.verified_on.is_not(None), Recognition.id)
        )
    )


def all_solutions() -> list[Solution]:
    return list(db.session.scalars(sa.select(Solution).order_by(Solution.hidden.desc(), Solution.id)))


def set_recognition_verified(recognition_id: int, on: date | None, by: User) -> Recognition | None:
    rec = db.session.get(Recognition, recognition_id)
    if rec is None:
        return None
    rec.verified_on, rec.verified_by_id = on, (by.id if on else None)
    db.session.commit()
    return rec


def set_support_verified(solution_id: int, on: date | None, by: User) -> Solution | None:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        return None
    if on is not None and not solution.support_listed:
        raise ProviderError(400, _l("服务商未声明该方案可享受省级支持，无需核实。"))
    solution.support_verified_on, solution.support_verified_by_id = on, (by.id if on else None)
    db.session.commit()
    return solution


def moderate(solution_id: int, hidden: bool, reason: str, by: User) -> Solution | None:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        return None
    solution.hidden = hidden
    solution.moderation_reason = reason.strip()
    solution.moderated_at = utcnow()
    solution.moderated_by_id = by.id
    db.session.commit()
    return solution
