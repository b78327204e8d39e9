"""Disclosure control (portal/bureau/disclosure.py): the publishing rule, the cell keys, the list rule, the
issue's subtraction examples, and a guard that every bureau output goes through the one module.

The guard closes the valve (no count may be published: the threshold raised past any count) and then
requests every bureau page, export and API answer: any count still shown as a number came from a path
that bypassed `disclosure.publish`.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from openpyxl import load_workbook
from tests_support import Factory

from portal.bureau import aggregates, disclosure, queries, targets
from portal.bureau.disclosure import SUPPRESSED, Tally, publish
from portal.bureau.models import BureauAggregate
from portal.extensions import db
from portal.models import JurisdictionLevel
from tests.portal.bureau.test_bureau_dashboard import GD, officer, population, random_fields, submit  # noqa: F401
from tests.portal.bureau.test_bureau_scope import bureau_get_urls

# ------------------------------------------------------------------------------------ the rule


def test_publishing_rule(app: Flask) -> None:
    assert publish(Tally(0, 0)) == SUPPRESSED
    seen_small_as_number = False
    for count in range(1, 400):
        for key in range(0, 256, 5):
            value = publish(Tally(count, key))
            assert value == publish(Tally(count, key))  # fixed: same cell, same figure
            if value == SUPPRESSED:
                assert count < disclosure.MIN_CELL + disclosure.MAX_NOISE
                continue
            assert value >= disclosure.MIN_CELL and abs(value - count) <= disclosure.MAX_NOISE
            seen_small_as_number |= count < disclosure.MIN_CELL
    assert seen_small_as_number  # the threshold is applied after the noise: "<5" is not exact either
    noise = Counter(disclosure.noise(c, k) for c in range(5, 800) for k in range(256))
    total = sum(noise.values())
    assert noise[0] / total > 0.35 and (noise[0] + noise[1] + noise[-1]) / total > 0.7
    assert abs(sum(n * k for n, k in noise.items()) / total) < 0.05  # unbiased


def test_shares_money_and_lists(app: Flask) -> None:
    assert disclosure.share(SUPPRESSED, 40) == "—" and disclosure.share(10, SUPPRESSED) == "—"
    assert disclosure.share(10, 40) == 0.25 and disclosure.share(12, 11) == 1.0
    assert disclosure.money(Decimal(500), Tally(3, 9)) == "—"
    awards = {disclosure.money(Decimal(1000), Tally(20, k)) for k in range(50)}
    assert all(950 <= a <= 1050 for a in awards) and len(awards) > 10  # keyed noise of up to ±5 %
    assert all(disclosure.list_withheld(Tally(h, 3), Tally(20, 7)) for h in (1, 2, 3, 4))
    assert not disclosure.list_withheld(Tally(12, 3), Tally(20, 7))
    for key in range(256):  # 5–10 others: withheld exactly when their published count is "<5"
        hidden = Tally(6, key)
        assert disclosure.list_withheld(hidden, Tally(20, 7)) == (publish(hidden) == SUPPRESSED)
    withheld = [disclosure.list_withheld(Tally(0, 0), Tally(n, k)) for n in range(5, 30) for k in range(40)]
    assert 0.3 < sum(withheld) / len(withheld) < 0.7  # so a withheld list proves no one is hidden


def test_record_keys_agree_in_python_and_sql_and_sum_into_the_cube(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
) -> None:
    ids = [c.id for c in population["companies"]]
    company_id = sa.column("id")
    keyed = sa.select(company_id, disclosure.record_key_sql(company_id)).select_from(sa.table("companies"))
    in_sql = {int(i): int(k) for i, k in db.session.execute(keyed)}
    assert {i: disclosure.record_key(i) for i in ids} == {i: in_sql[i] for i in ids}
    assert len({disclosure.record_key(i) for i in range(1, 2000)}) > 200  # keys spread over 0..255
    # the cube's key for "assessed, all time, by city" is the sum of the counted companies' record keys
    province = officer(make, JurisdictionLevel.PROVINCE)
    tallies = queries.measure(province, queries.Filters(city="揭阳市"))[""]
    f = aggregates.FACT_TABLE.c
    counted = db.session.scalars(
        sa.select(f.company_id).where(f.city == "揭阳市", f.next_any == 999_999).distinct()
    ).all()
    assert tallies["assessed"] == Tally(len(counted), sum(disclosure.record_key(i) for i in counted) % 256)


# ------------------------------------------------------------------------ the examples


def test_the_same_companies_get_the_same_figure_wherever_they_are_shown(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
) -> None:
    province = officer(make, JurisdictionLevel.PROVINCE)
    jieyang = officer(make, JurisdictionLevel.CITY, "揭阳市")
    by_city = queries.summary(province, queries.Filters())["by_city"]
    row = by_city.rows[by_city.row_keys.index("揭阳市")]
    headline = queries.summary(jieyang, queries.Filters())["headline"]
    mine = dict(zip(headline.row_keys, headline.rows, strict=True))
    assert row[1] == mine["registered"][1] and row[2] == mine["assessed"][1]
    assert row[5] == mine["on_cloud"][1]
    # a date range wide enough to take every assessment selects the same companies as no range
    wide = queries.summary(jieyang, queries.parse_filters({"from": "2000-01", "to": "2099-12"}, jieyang))
    assert wide["headline"].rows[1:] == headline.rows[1:]


def test_meijiang_5g_table_no_longer_gives_the_hidden_cell_by_subtraction(make: Factory) -> None:
    """梅江区: 12 assessed, 9 below line level, 0 workshop, 0 factory: the line-level cell (3) used to be
    12 − 9 − 0 − 0. Now no count below 5 is shown as itself, zeros are not exact, and the table's
    figures do not add up to reveal it."""
    rng = random.Random(3)
    tiers = ["none"] * 9 + ["line"] * 3
    for i, tier in enumerate(tiers):
        company = make.company(city="梅州市", district="梅江区", bureau_sharing=True, name=f"梅江五G{i}")
        fields = {**random_fields(rng, GD), "fiveg_tier": tier}
        submit(company, datetime(2025, 2, 3 + i, tzinfo=UTC), GD, **fields)
    meijiang = officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅江区")
    tables = queries.summary(meijiang, queries.Filters())
    fiveg = {row[0]: row[1] for row in tables["fiveg"].rows}
    assert fiveg["产线级"] == SUPPRESSED and fiveg["车间级"] == SUPPRESSED and fiveg["工厂级"] == SUPPRESSED
    gd = dict(zip(tables["headline"].row_keys, tables["headline"].rows, strict=True))["gd_assessed"][1]
    # what the officer sees: "<5" for 0 as for 3, so 12 − 9 − "0" − "0" has no exact answer
    assert isinstance(gd, int) and isinstance(fiveg["未达产线级"], int)


def test_summary_minus_consenting_list_never_isolates_fewer_than_five(
    make: Factory, login_as: LoginAs
) -> None:
    """cluster=c01&size_class=small: 2 companies did not consent. The list is withheld."""
    rng = random.Random(5)
    for i in range(9):
        company = make.company(
            city="揭阳市", district="榕城区", cluster="c01", size_class="small",
            bureau_sharing=i >= 2, name=f"榕城同意测试{i}",
        )  # fmt: skip
        submit(company, datetime(2025, 3, 2 + i, tzinfo=UTC), GD, **random_fields(rng, GD))
    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    args = "?cluster=c01&size_class=small"
    body = client.get("/api/v1/bureau/companies" + args).get_json()
    assert body["withheld"] is True and body["companies"] == [] and body["not_sharing"] == SUPPRESSED
    page = client.get("/bureau/companies" + args).get_data(as_text=True)
    assert 'id="list-withheld"' in page and "榕城同意测试5" not in page
    # a broader selection with 5+ non-consenting companies (or none, half the time) shows its list
    for i in range(6):
        company = make.company(city="揭阳市", district="榕城区", cluster="c05", bureau_sharing=False)
        submit(company, datetime(2025, 3, 12 + i, tzinfo=UTC), GD, **random_fields(rng, GD))
    body = client.get("/api/v1/bureau/companies?city=揭阳市").get_json()
    assert body["withheld"] is False and len(body["companies"]) == 7


# ------------------------------------------------------------------------------------ the guard

ALLOWED_NUMBERS = {"page", "pages", "sharing", "id"}  # list paging; consenting companies' own rows


def _numbers_outside_paging(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _numbers_outside_paging(v, k)]
    if isinstance(value, list):
        return [found for v in value for found in _numbers_outside_paging(v, key)]
    if isinstance(value, int | float) and not isinstance(value, bool) and key not in ALLOWED_NUMBERS:
        return [f"{key}={value}"]
    return []


def test_every_bureau_output_goes_through_disclosure_control(
    app: Flask,
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    targets.ensure_catalogue()
    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    urls = list(bureau_get_urls(app))
    urls += [f"{u}?from=2024-01&to=2025-06&cluster=c05" for u in bureau_get_urls(app)]
    open_api = client.get("/api/v1/bureau/summary").get_json()
    assert _numbers_outside_paging(open_api["tables"])  # figures are shown while the valve is open

    monkeypatch.setattr(disclosure, "MIN_CELL", 10**9)  # close the valve: no count may be published
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            leaked = _numbers_outside_paging(
                {k: v for k, v in response.get_json().items() if k != "companies"}
            )
            assert not leaked, f"{url} publishes counts that bypassed disclosure control: {leaked[:5]}"
        elif response.mimetype.endswith("spreadsheetml.sheet"):
            book = load_workbook(io.BytesIO(response.data))
            numbers = [
                f"{ws.title}!{c.coordinate}={c.value}"
                for ws in book.worksheets[1:]
                for row in ws.iter_rows(min_row=3)
                for c in row
                if isinstance(c.value, int | float)
            ]
            assert not numbers, f"{url}: {numbers[:5]}"
        elif response.mimetype == "text/csv":
            text = response.data.decode("utf-8-sig")
            # the dashboard's tables from their first one on; the company list has no counts at all
            body = text[text.index("# headline") :] if "# headline" in text else text
            assert not any(
                cell.strip().isdigit() for line in body.splitlines() for cell in line.split(",")
            ), url
        else:
            html = response.get_data(as_text=True)
            for stat in html.split('<div class="value">')[1:]:
                shown = stat.split("</div>")[0]
                assert shown == "&lt;5" or shown.startswith("<a "), (url, shown)
            for table in re.findall(r'<table class="table" data-table=.*?</table>', html, re.S):
                assert not re.search(r"<td>[0-9][0-9,.]*%?</td>", table), (url, table[:300])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BureauAggregate)) > 0
    assert json.dumps(client.get("/api/v1/bureau/companies").get_json()["not_sharing"]) == '"<5"'
