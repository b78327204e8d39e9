"""The maintained totals (registered companies, the program pipeline) always equal a count from the raw
tables, whatever path changed them: objects, bulk statements, moves, removals, rolled-back transactions."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from tests_support import Factory

from portal.bureau import aggregates, disclosure, queries
from portal.bureau.aggregates import totals
from portal.bureau.models import BureauAggregate, BureauFact, BureauProgramStatus
from portal.bureau.queries import summary
from portal.bureau.queries.filters import Filters
from portal.extensions import db
from portal.models import Company, JurisdictionLevel
from tests.portal.bureau.test_bureau_dashboard import GD, MIIT, officer, random_fields, submit


def _snapshot() -> dict[tuple[Any, ...], tuple[int, int, Decimal]]:
    t = totals.TABLE.c
    rows = db.session.execute(
        sa.select(*(t[c] for c in totals.KEY_COLUMNS), t.companies, t.key_companies, t.award_wan)
    )
    return {tuple(r[:-3]): (r.companies, r.key_companies, Decimal(r.award_wan)) for r in rows}


def _assert_equal_to_a_recount() -> None:
    db.session.commit()
    kept = _snapshot()
    totals.rebuild(db.session)
    recounted = _snapshot()
    db.session.rollback()
    assert kept == recounted


def _pipeline(company_id: int, program: str, status: str, award: str | None = None) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "program": program,
        "name_zh": "省专精特新",
        "name_en": "Provincial specialised SMEs",
        "status": status,
        "estimated_award_wan": Decimal(award) if award else None,
        "gaps": [],
    }


def test_totals_follow_every_change_of_companies_and_pipeline_rows(make: Factory) -> None:
    a = make.company(name="总数甲", city="揭阳市", district="榕城区", cluster="c01", size_class="small")
    b = make.company(name="总数乙", city="揭阳市", district="普宁市", cluster="c02", size_class="micro")
    c = make.company(name="总数丙", city="梅州市", district="梅江区", size_class="medium")
    _assert_equal_to_a_recount()

    # pipeline rows as statements (the eligibility refresh) and as objects
    db.session.execute(
        sa.insert(BureauProgramStatus),
        [_pipeline(a.id, "p1", "eligible", "30"), _pipeline(b.id, "p1", "needs_info")],
    )
    db.session.add(BureauProgramStatus(**_pipeline(c.id, "p2", "eligible", "12.5")))
    _assert_equal_to_a_recount()

    # a company moves: its registration and its pipeline rows move with it
    a.city, a.district, a.cluster = "梅州市", "梅江区", "c05"
    _assert_equal_to_a_recount()

    # a pipeline row changes status as an object; another is deleted by a statement
    row = db.session.get(BureauProgramStatus, (c.id, "p2"))
    assert row is not None
    row.status, row.estimated_award_wan = "needs_info", None
    db.session.execute(sa.delete(BureauProgramStatus).where(BureauProgramStatus.company_id == b.id))
    _assert_equal_to_a_recount()

    # companies removed: by a statement (abandoned registrations) and as an object, pipeline rows cascading
    db.session.execute(sa.delete(Company).where(Company.id == b.id))
    db.session.delete(db.session.get(Company, c.id))
    _assert_equal_to_a_recount()

    # a rolled-back transaction leaves nothing behind
    before = _snapshot()
    db.session.add(Company(name="总数丁", credit_code="91445200MA4X000001", city="揭阳市", district="榕城区"))
    db.session.flush()
    db.session.rollback()
    assert _snapshot() == before


def test_dashboard_counts_registered_companies_and_pipeline_from_the_totals(make: Factory) -> None:
    for i in range(7):
        company = make.company(name=f"揭阳总数{i}", city="揭阳市", district="榕城区", cluster="c01")
        db.session.add(BureauProgramStatus(**_pipeline(company.id, "p1", "eligible", "10")))
    make.company(name="梅州总数", city="梅州市", district="梅江区")
    db.session.commit()
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    tables = summary(user, Filters())
    headline = dict(zip(tables["headline"].row_keys, tables["headline"].rows, strict=True))
    registered = headline["registered"][1]
    # perturbed (the noise follows record keys, which follow the database's ids), never the other city's
    assert isinstance(registered, int) and abs(registered - 7) <= disclosure.MAX_NOISE
    assert tables["programs"].row_keys == ["p1"]
    award = tables["programs"].rows[0][3]
    assert abs(award - 70) <= 70 * disclosure.MONEY_NOISE  # seven companies' awards, keyed noise of ≤ 5 %


def _cube_and_facts() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    agg, facts = BureauAggregate.__table__, BureauFact.__table__
    present = sa.or_(*(agg.c[m] > 0 for m in aggregates.upkeep.PRESENCE))
    cube = {
        tuple(r) for r in db.session.execute(sa.select(*(c for c in agg.c if c.name != "id")).where(present))
    }
    return cube, {tuple(r) for r in db.session.execute(sa.select(*facts.c))}


def test_consent_moves_and_removals_reach_the_facts_and_the_cube_at_once(make: Factory) -> None:
    rng = random.Random(7)
    firms = [
        make.company(name=f"同意变更{i}", city="揭阳市", district="榕城区", bureau_sharing=i % 2 == 0)
        for i in range(4)
    ]
    for i, company in enumerate(firms):
        submit(company, datetime(2025, 1 + i, 5, tzinfo=UTC), GD, **random_fields(rng, GD))
        submit(company, datetime(2025, 3 + i, 9, tzinfo=UTC), MIIT, **random_fields(rng, MIIT))
    registered_only = [make.company(name=f"仅注册{i}", city="揭阳市", district="榕城区") for i in range(2)]
    firms[0].bureau_sharing = False  # consent withdrawn
    firms[1].bureau_sharing = True  # consent given
    firms[2].city, firms[2].district, firms[2].cluster = "梅州市", "梅江区", "c05"  # moved
    db.session.commit()
    # removed: by a statement (an abandoned registration) and as an object
    db.session.execute(sa.delete(Company).where(Company.id == registered_only[0].id))
    db.session.delete(db.session.get(Company, registered_only[1].id))
    db.session.commit()

    kept = _cube_and_facts()
    aggregates.rebuild_all()
    assert _cube_and_facts() == kept
    _assert_equal_to_a_recount()

    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    counted = queries.measure(user, Filters())[""]
    assert counted["assessed"].count == 3  # 0, 1 and 3 (2 moved away)
    assert counted["listed"].count == 1  # of those only 1 shares now (0 withdrew, 3 never agreed)
    listing = queries.company_list(user, Filters())
    assert listing["withheld"] or [c["id"] for c in listing["companies"]] == [firms[1].id]
