"""The bureau jurisdiction rule, in one place: what part of the province an officer may see.

Every bureau read (dashboards, trends, drill-downs, company and pipeline lists, exports, the bureau API,
the target catalogue) limits its rows with `within_jurisdiction`, whatever table it reads: companies,
the aggregate cubes or the indicator catalogue all carry a city and a district column.
tests/portal/bureau/test_bureau_scope.py closes the rule and checks that every bureau page and API answer then
shows nothing, so a query that bypassed it would show up there.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.models import JurisdictionLevel, User


def within_jurisdiction(user: User, city: Any, district: Any) -> Any:
    """A SQL condition on a row's `city` and `district` columns: true for rows in the officer's
    jurisdiction (the province sees everything; anyone who is not an officer sees nothing)."""
    level = user.jurisdiction_level
    if level is JurisdictionLevel.PROVINCE:
        return sa.true()
    if level is JurisdictionLevel.CITY:
        return city == user.jurisdiction_city
    if level is JurisdictionLevel.DISTRICT:
        return sa.and_(city == user.jurisdiction_city, district == user.jurisdiction_district)
    return sa.false()
