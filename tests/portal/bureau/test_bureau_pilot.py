"""The pilot-city target: who counts (self-reported and confirmed), against which target, in which
jurisdiction, published through the disclosure control, with the consenting companies behind the count."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.bureau import disclosure, pilot
from portal.bureau.disclosure import ZERO, Tally
from portal.extensions import db
from portal.models import Company, JurisdictionLevel, Role, User
from portal.review.models import AssessmentReview, ReviewStatus
from tests.portal.bureau.test_bureau_dashboard import MIIT, submit

IN_WINDOW = datetime(2024, 6, 1, tzinfo=UTC)
BEFORE_WINDOW = datetime(2023, 9, 30, tzinfo=UTC)
EARLY = datetime(2022, 3, 1, tzinfo=UTC)


def miit_round(company: Company, when: datetime, level: int, confirmed: int | None = None) -> int:
    """A submitted MIIT round at `level` (self-reported); `confirmed`: a signed-off review's level."""
    row = submit(company, when, MIIT, miit_level=level, miit_points=10 * level)
    if confirmed is not None:
        db.session.add(
            AssessmentReview(
                assessment_id=row.assessment_id,
                assessor_name="核查员",
                status=ReviewStatus.SIGNED_OFF,
                signed_off_at=when,
                confirmed_miit_level=confirmed,
            )
        )
        db.session.commit()
    return row.assessment_id


# name -> (rounds [(when, self level, confirmed level)], counts as self-reported, counts as confirmed)
CASES: dict[str, tuple[list[tuple[datetime, int, int | None]], bool, bool]] = {
    "first_round_level2_confirmed": ([(IN_WINDOW, 2, 2)], True, True),
    "from_level1_to_3_confirmed": ([(EARLY, 1, None), (IN_WINDOW, 3, 3)], True, True),
    "already_level2_before": ([(EARLY, 2, None), (IN_WINDOW, 3, 3)], False, False),
    "upgrade_before_the_window": ([(BEFORE_WINDOW, 2, 2)], False, False),
    "lowered_on_review": ([(IN_WINDOW, 2, 1)], True, False),
    "not_reviewed": ([(EARLY, 0, None), (IN_WINDOW, 2, None)], True, False),
    "raised_on_review": ([(IN_WINDOW, 1, 2)], False, True),
    "before_level_as_confirmed": ([(EARLY, 3, 1), (IN_WINDOW, 2, 2)], True, True),
    "still_below": ([(IN_WINDOW, 1, 1)], False, False),
}


def _population(
    make: Factory, city: str = "揭阳市", district: str = "榕城区", **fields: Any
) -> dict[int, str]:
    names = {}
    for name, (rounds, _reported, _confirmed) in CASES.items():
        company = make.company(city=city, district=district, size_class="small", **fields)
        for when, level, confirmed in rounds:
            miit_round(company, when, level, confirmed)
        names[company.id] = name
    return names


def _officer(
    make: Factory, level: JurisdictionLevel, city: str | None = None, district: str | None = None
) -> User:
    return make.user(
        Role.BUREAU, jurisdiction_level=level, jurisdiction_city=city, jurisdiction_district=district
    )


def test_who_counts_self_reported_and_confirmed(app: Flask, make: Factory) -> None:
    names = _population(make)
    large = make.company(size_class="large")  # not an SME
    miit_round(large, IN_WINDOW, 3, 3)
    officer = _officer(make, JurisdictionLevel.CITY, "揭阳市")
    found = {names.get(u.company.id, "large"): u for u in pilot.upgrades(officer)}
    expected_reported = {n for n, (_, reported, _c) in CASES.items() if reported}
    expected_confirmed = {n for n, (_, _r, confirmed) in CASES.items() if confirmed}
    assert {n for n, u in found.items() if u.reported} == expected_reported
    assert {n for n, u in found.items() if u.confirmed} == expected_confirmed


def test_targets_come_from_the_shipped_rule() -> None:
    assert pilot.city_target("揭阳市") == 200
    assert pilot.city_target("梅州市") == 200
    assert pilot.city_target("广州市") == 350
    assert pilot.city_target("深圳市") is None  # a national pilot, not one of the 14 provincial cities
    assert len(pilot.pilot_cities()) == 14
    for clause in pilot.program().clauses:  # the numbers the module uses are the ones the rule states
        if clause.id in pilot.CITY_TARGETS:
            assert str(pilot.CITY_TARGETS[clause.id]) in clause.title_zh
    assert [d.isoformat() for d in pilot.window()] == ["2023-10-11", "2026-12-31"]


def _shown(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def test_page_publishes_only_confirmed_toward_the_target(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    for _ in range(3):  # 27 companies: enough for figures above the threshold
        _population(make)
    officer = _officer(make, JurisdictionLevel.CITY, "揭阳市")
    html = login_as(officer).get("/bureau/pilot/").get_data(as_text=True)
    upgrades = pilot.upgrades(officer)
    confirmed = [u for u in upgrades if u.confirmed]
    reported = [u for u in upgrades if u.reported]
    assert len(confirmed) == 3 * sum(1 for _, _r, c in CASES.values() if c)
    assert len(reported) == 3 * sum(1 for _, r, _c in CASES.values() if r)
    # the same Tally as the module's: each company's record key, summed (docs/disclosure.md)
    keys = {u.company.id: Tally(1, disclosure.record_key(u.company.id)) for u in upgrades}
    assert all(u.key == keys[u.company.id] for u in upgrades)
    published_confirmed = disclosure.publish(sum((u.key for u in confirmed), ZERO))
    assert _shown(html, "confirmed-count") == str(published_confirmed)
    assert _shown(html, "reported-count") == str(disclosure.publish(sum((u.key for u in reported), ZERO)))
    assert "200" in html  # 揭阳's target
    progress = disclosure.share(published_confirmed, 200)
    assert f"{progress:.0%}" in html


def test_jurisdiction(app: Flask, make: Factory, login_as: LoginAs) -> None:
    jieyang = _population(make, "揭阳市", "榕城区", name="揭阳样本有限公司", bureau_sharing=True)
    meizhou = _population(make, "梅州市", "梅江区")
    _population(make, "深圳市", "南山区")  # not a pilot city: never counted
    city = _officer(make, JurisdictionLevel.CITY, "揭阳市")
    district = _officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅县区")
    province = _officer(make, JurisdictionLevel.PROVINCE)
    assert {u.company.id for u in pilot.upgrades(city)} <= jieyang.keys()
    assert pilot.upgrades(district) == []  # the 梅州 companies are in 梅江区, not 梅县区
    meijiang = _officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅江区")
    assert {u.company.id for u in pilot.upgrades(meijiang)} <= meizhou.keys()
    assert pilot.upgrades(meijiang)
    seen = {u.company.id for u in pilot.upgrades(province)}
    assert seen <= jieyang.keys() | meizhou.keys() and seen & meizhou.keys() and seen & jieyang.keys()
    shenzhen = _officer(make, JurisdictionLevel.CITY, "深圳市")
    page = login_as(shenzhen).get("/bureau/pilot/").get_data(as_text=True)
    assert 'id="not-pilot"' in page
    assert "揭阳样本" not in login_as(_officer(make, JurisdictionLevel.CITY, "梅州市")).get(
        "/bureau/pilot/"
    ).get_data(as_text=True)
    province_page = login_as(province).get("/bureau/pilot/").get_data(as_text=True)
    assert province_page.count('<th scope="row">') >= 14  # one row per pilot city (and the clusters)
    assert "350" in province_page and "200" in province_page


def test_list_shows_consenting_companies_only(app: Flask, make: Factory, login_as: LoginAs) -> None:
    rng = random.Random(5)
    for i in range(12):
        company = make.company(size_class="small", bureau_sharing=True, name=f"同意共享{i}有限公司")
        miit_round(company, IN_WINDOW, 2, rng.choice([2, 3]))
    officer = _officer(make, JurisdictionLevel.CITY, "揭阳市")
    client = login_as(officer)
    listing = pilot.listing(pilot.upgrades(officer))
    html = client.get("/bureau/pilot/").get_data(as_text=True)
    if listing.withheld:  # withheld at random for some all-consenting selections (docs/disclosure.md)
        assert 'id="list-withheld"' in html
    else:
        assert all(f"同意共享{i}有限公司" in html for i in range(12))
    hidden = make.company(size_class="small", bureau_sharing=False, name="不同意共享有限公司")
    miit_round(hidden, IN_WINDOW, 2, 2)
    html = client.get("/bureau/pilot/").get_data(as_text=True)
    assert "不同意共享有限公司" not in html
    assert 'id="list-withheld"' in html  # one non-consenting company: the list would single it out
    assert "同意共享0有限公司" not in html
