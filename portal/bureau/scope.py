"""Jurisdiction scoping: every bureau query goes through `company_scope` so officers see only their area."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.models import Company, JurisdictionLevel, User


def company_scope(user: User) -> Any:
    """A SQL condition on Company limiting rows to the officer's jurisdiction (province: everything)."""
    level = user.jurisdiction_level
    if level is JurisdictionLevel.PROVINCE:
        return sa.true()
    if level is JurisdictionLevel.CITY:
        return Company.city == user.jurisdiction_city
    if level is JurisdictionLevel.DISTRICT:
        return sa.and_(Company.city == user.jurisdiction_city, Company.district == user.jurisdiction_district)
    return sa.false()  # not a bureau officer: nothing
