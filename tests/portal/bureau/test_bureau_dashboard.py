"""Bureau dashboards: scoping (UI, API, exports), small-cell suppression, counts against an independent SQL
count over the raw tables, consent, rebuilt == incrementally maintained aggregates, exports == screen."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from openpyxl import load_workbook
from tests_support import Factory

from portal.bureau import aggregates, disclosure, queries
from portal.bureau.models import METRICS, BureauAggregate, BureauFact, BureauProgramStatus
from portal.extensions import db
from portal.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Company,
    JurisdictionLevel,
    Role,
    User,
)
from portal.models._common import UTCDateTime

CN = ZoneInfo("Asia/Shanghai")
GD, MIIT = "gd-mfg-dt", "miit-sme-digital"
PLACES = (
    ("揭阳市", "榕城区"),
    ("揭阳市", "揭东区"),
    ("揭阳市", "普宁市"),
    ("梅州市", "梅江区"),
    ("梅州市", "梅县区"),
    ("广州市", "番禺区"),
)


def submit(company: Company, when: datetime, instrument: str = GD, **fields: Any) -> AssessmentResult:
    """A submitted assessment with a stored result, then the same hook results.store calls."""
    assessment = Assessment(
        company_id=company.id,
        instrument_id=instrument,
        instrument_version="t",
        instrument_hash="x",
        status=AssessmentStatus.SUBMITTED,
        created_at=when,
        updated_at=when,
        submitted_at=when,
    )
    db.session.add(assessment)
    db.session.flush()
    row = AssessmentResult(
        assessment_id=assessment.id,
        engine_version="test",
        answers_hash="0" * 64,
        computed_at=when,
        result={},
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    aggregates.on_result_stored(row)
    return row


def random_fields(rng: random.Random, instrument: str) -> dict[str, Any]:
    if instrument == MIIT:
        return {"miit_level": rng.randint(0, 4), "miit_points": rng.randint(0, 99)}
    kinds = [rng.random() < 0.5 for _ in range(4)]
    return {
        "overall_level": rng.randint(1, 5),
        "overall_score": rng.randint(0, 99),
        "on_cloud": any(kinds),
        "on_platform": any(kinds) and rng.random() < 0.5,
        "cloud_equipment": kinds[0],
        "cloud_rnd": kinds[1],
        "cloud_supply_chain": kinds[2],
        "cloud_operations": kinds[3],
        "fiveg_tier": rng.choice(["none", "line", "workshop", "factory", None]),
    }


@pytest.fixture
def population(make: Factory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """~70 companies over 6 districts, 1–4 submissions each in 2024–2025, both instruments, plus noise:
    a draft, a recomputed result (two rows: the latest counts), two submissions in one month.

    The eligibility engine is switched off here (pipeline rows are written by the tests that need them).
    """
    monkeypatch.setattr(aggregates.pipeline, "eligibility_evaluator", lambda: None)
    rng = random.Random(7)
    companies = []
    for i in range(70):
        city, district = PLACES[i % len(PLACES)] if i < 60 else PLACES[3]
        company = make.company(
            city=city,
            district=district,
            cluster=rng.choice(["c01", "c05", "c06"]),
            size_class=rng.choice(["small", "micro", "medium"]),
            bureau_sharing=i % 3 != 0,
            name=f"{city}{district}样本{i}有限公司",
        )
        companies.append(company)
        start = datetime(2024, 1, 3, 4, tzinfo=UTC)
        for _ in range(rng.randint(0 if i % 9 == 0 else 1, 4)):
            when = start + timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 23))
            instrument = GD if rng.random() < 0.75 else MIIT
            submit(company, when, instrument, **random_fields(rng, instrument))
    # the same month twice (the later one counts); a month boundary in China time:
    # 2024-03-31 17:00 UTC is April 1st in Guangdong
    c = companies[1]
    submit(c, datetime(2025, 6, 2, tzinfo=UTC), GD, **random_fields(rng, GD))
    submit(c, datetime(2025, 6, 20, tzinfo=UTC), GD, **random_fields(rng, GD))
    submit(companies[2], datetime(2024, 3, 31, 17, tzinfo=UTC), GD, **random_fields(rng, GD))
    # a recomputation: a second result row for an existing assessment
    first = db.session.scalar(sa.select(AssessmentResult).order_by(AssessmentResult.id).limit(1))
    assert first is not None
    again = AssessmentResult(
        assessment_id=first.assessment_id,
        engine_version="test2",
        answers_hash="1" * 64,
        computed_at=datetime(2026, 1, 1, tzinfo=UTC),
        result={},
        **random_fields(rng, GD),
    )
    db.session.add(again)
    db.session.commit()
    aggregates.on_result_stored(again)
    # a draft never counts
    db.session.add(
        Assessment(company_id=companies[5].id, instrument_id=GD, instrument_version="t", instrument_hash="x")
    )
    db.session.commit()
    return {"companies": companies}


def officer(
    make: Factory, level: JurisdictionLevel, city: str | None = None, district: str | None = None
) -> User:
    return make.user(
        Role.BUREAU, jurisdiction_level=level, jurisdiction_city=city, jurisdiction_district=district
    )


# ------------------------------------------------------------------------- independent SQL count

INDEPENDENT_SQL = """
WITH latest AS (
    SELECT assessment_id, MAX(id) AS rid FROM assessment_results GROUP BY assessment_id
), sub AS (
    SELECT a.company_id, a.id AS aid, a.instrument_id, a.submitted_at,
           r.overall_level, r.on_cloud, r.on_platform, r.cloud_equipment, r.cloud_rnd,
           r.cloud_supply_chain, r.cloud_operations, r.fiveg_tier, r.miit_level
    FROM assessments a
    JOIN latest l ON l.assessment_id = a.id
    JOIN assessment_results r ON r.id = l.rid
    JOIN companies c ON c.id = a.company_id
    WHERE a.status = 'SUBMITTED' AND a.submitted_at >= :lo AND a.submitted_at < :hi {where}
), ranked AS (
    SELECT sub.*, ROW_NUMBER() OVER (
        PARTITION BY company_id, instrument_id ORDER BY submitted_at DESC, aid DESC) AS rn
    FROM sub
)
SELECT
    (SELECT COUNT(DISTINCT company_id) FROM sub) AS assessed,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 THEN 1 ELSE 0 END) AS gd_assessed,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND on_cloud THEN 1 ELSE 0 END) AS on_cloud,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND on_platform THEN 1 ELSE 0 END) AS on_platform,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND cloud_rnd THEN 1 ELSE 0 END) AS cloud_rnd,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND overall_level = 3 THEN 1 ELSE 0 END) AS level_3,
    SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND fiveg_tier = 'line' THEN 1 ELSE 0 END)
        AS fiveg_line,
    SUM(CASE WHEN instrument_id = 'miit-sme-digital' AND rn = 1 THEN 1 ELSE 0 END) AS miit_assessed,
    SUM(CASE WHEN instrument_id = 'miit-sme-digital' AND rn = 1 AND miit_level >= 2 THEN 1 ELSE 0 END)
        AS miit_ge2
FROM ranked
"""


def independent_counts(
    *, city: str | None = None, district: str | None = None, cluster: str | None = None,
    size: str | None = None, months: tuple[str, str] | None = None,
) -> dict[str, int]:  # fmt: skip
    where, params = "", {}
    for column, value in (("city", city), ("district", district), ("cluster", cluster), ("size_class", size)):
        if value:
            where += f" AND c.{column} = :{column}"
            params[column] = value
    lo, hi = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    if months:
        y1, m1 = map(int, months[0].split("-"))
        y2, m2 = map(int, months[1].split("-"))
        lo = datetime(y1, m1, 1, tzinfo=CN)
        hi = datetime(y2 + (m2 == 12), m2 % 12 + 1, 1, tzinfo=CN)
    statement = sa.text(INDEPENDENT_SQL.format(where=where)).bindparams(
        sa.bindparam("lo", type_=UTCDateTime()), sa.bindparam("hi", type_=UTCDateTime())
    )
    row = db.session.execute(statement, {"lo": lo, "hi": hi, **params}).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


def portal_counts(user: User, args: dict[str, str]) -> dict[str, int]:
    """The true counts behind the published figures (what disclosure control starts from)."""
    m = {k: t.count for k, t in queries.measure(user, queries.parse_filters(args, user))[""].items()}
    return {
        "assessed": m["assessed"],
        "gd_assessed": m["gd_assessed"],
        "on_cloud": m["on_cloud"],
        "on_platform": m["on_platform"],
        "cloud_rnd": m["cloud_rnd"],
        "level_3": m["level_3"],
        "fiveg_line": m["fiveg_line"],
        "miit_assessed": m["miit_assessed"],
        "miit_ge2": m["miit_2"] + m["miit_3"] + m["miit_4"],
    }


CASES = [
    ({}, {}),
    ({"city": "揭阳市"}, {"city": "揭阳市"}),
    ({"city": "梅州市", "district": "梅江区"}, {"city": "梅州市", "district": "梅江区"}),
    ({"cluster": "c05", "size_class": "small"}, {"cluster": "c05", "size": "small"}),
    ({"from": "2024-04", "to": "2024-12"}, {"months": ("2024-04", "2024-12")}),
    (
        {"city": "揭阳市", "from": "2025-01", "to": "2025-06"},
        {"city": "揭阳市", "months": ("2025-01", "2025-06")},
    ),
    ({"from": "2024-03", "to": "2024-03"}, {"months": ("2024-03", "2024-03")}),
    ({"cluster": "c01", "to": "2024-09"}, {"cluster": "c01", "months": ("2000-01", "2024-09")}),
]


def test_counts_equal_independent_sql(population: dict[str, Any], make: Factory) -> None:
    province = officer(make, JurisdictionLevel.PROVINCE)
    for args, sql in CASES:
        expected = independent_counts(**sql)
        assert expected["assessed"] > 0, args
        assert portal_counts(province, args) == expected, args
    # a district officer: only the district, whatever is asked for
    meijiang = officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅江区")
    for args in ({}, {"from": "2024-06", "to": "2025-03"}, {"city": "揭阳市"}):
        months = (args["from"], args["to"]) if "from" in args else None
        assert portal_counts(meijiang, args) == independent_counts(
            city="梅州市", district="梅江区", months=months
        )
    # trends: each month / quarter equals the same count restricted to that period
    trend = dict(queries.trend(province, queries.Filters(), "month"))
    assert trend
    for month, m in list(trend.items())[:6]:
        label = aggregates.month_label(month)
        expected = independent_counts(months=(label, label))
        assert m["assessed"].count == expected["assessed"], label
        assert m["on_cloud"].count == expected["on_cloud"], label
    quarters = dict(queries.trend(province, queries.Filters(), "quarter"))
    for quarter, m in list(quarters.items())[:3]:
        first, last = aggregates.quarter_months(quarter)
        expected = independent_counts(months=(aggregates.month_label(first), aggregates.month_label(last)))
        assert m["assessed"].count == expected["assessed"]
        assert m["miit_assessed"].count == expected["miit_assessed"]


# --------------------------------------------------------------------------- rebuild == incremental


def _snapshot() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    cube = {
        tuple(row)
        for row in db.session.execute(
            sa.select(*(c for c in BureauAggregate.__table__.c if c.name != "id")).where(
                sa.or_(*(BureauAggregate.__table__.c[m] > 0 for m in aggregates.upkeep.PRESENCE))
            )
        )
    }
    facts = {tuple(row) for row in db.session.execute(sa.select(*BureauFact.__table__.c))}
    return cube, facts


def test_rebuilt_aggregates_equal_incrementally_maintained(population: dict[str, Any]) -> None:
    incremental_cube, incremental_facts = _snapshot()
    assert len(incremental_cube) > 50
    counts = aggregates.rebuild_all()
    rebuilt_cube, rebuilt_facts = _snapshot()
    assert counts["facts"] == len(rebuilt_facts)
    assert rebuilt_facts == incremental_facts
    assert rebuilt_cube == incremental_cube


def test_real_submission_updates_aggregates_through_results_store(make: Factory) -> None:
    from tests.portal.results.test_results import submitted

    assessment, _user = submitted(make, cluster="c05")
    fact = db.session.scalar(sa.select(BureauFact).where(BureauFact.company_id == assessment.company_id))
    assert fact is not None and fact.has_gd and fact.gd_assessment_id == assessment.id
    province = officer(make, JurisdictionLevel.PROVINCE)
    assert queries.measure(province, queries.Filters())[""]["gd_assessed"].count == 1


# ---------------------------------------------------------------------------------- suppression


def test_small_cells_are_suppressed_everywhere(
    make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without noise: whether a perturbed 3 is published as "<5" follows the record keys, which follow the
    # database's ids (on PostgreSQL they are not reset between tests; a 3 became 8 after other tests).
    monkeypatch.setattr(disclosure, "noise", lambda count, key: 0)
    rng = random.Random(1)
    for i in range(3):  # three companies in 梅江区: every count there is < 5
        company = make.company(city="梅州市", district="梅江区", bureau_sharing=True, name=f"梅江小样本{i}")
        submit(
            company, datetime(2025, 1, 5 + i, tzinfo=UTC), GD, **{**random_fields(rng, GD), "on_cloud": True}
        )
    meijiang = officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅江区")
    tables = queries.summary(meijiang, queries.Filters())
    headline = dict(zip(tables["headline"].row_keys, tables["headline"].rows, strict=True))
    assert headline["assessed"][1] == "<5" and headline["on_cloud"][1] == "<5"
    assert headline["on_cloud"][2] == "—"
    for table in tables.values():
        for row in table.rows:
            for value in row:
                assert not (isinstance(value, int) and 0 < value < 5), (table.key, row)
    client = login_as(meijiang)
    body = client.get("/api/v1/bureau/summary").get_json()
    assert body["tables"]["headline"]["rows"][1][1] == "<5"
    html = client.get("/bureau/").get_data(as_text=True)
    assert "&lt;5" in html
    exported = client.get("/bureau/export.csv").get_data(as_text=True)
    assert "<5" not in exported.split("# headline")[1]  # empty cells, explained in the header rows
    assert ",3," not in exported.replace(" ", "")


# ---------------------------------------------------------------------------------------- scoping


def test_scoping_city_district_province(population: dict[str, Any], make: Factory, login_as: LoginAs) -> None:
    jieyang = officer(make, JurisdictionLevel.CITY, "揭阳市")
    client = login_as(jieyang)
    meizhou_names = [c.name for c in population["companies"] if c.city == "梅州市"]
    for url in (
        "/bureau/",
        "/bureau/?city=梅州市",
        "/bureau/companies",
        "/bureau/companies?city=梅州市&district=梅江区",
        "/bureau/pipeline",
        "/bureau/export.csv",
        "/api/v1/bureau/summary?city=梅州市",
        "/api/v1/bureau/companies",
        "/api/v1/bureau/pipeline",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if url.startswith("/api/"):
            text = json.dumps(response.get_json(), ensure_ascii=False)
        if "梅" not in url:  # (pages echo their own URL in the language switcher)
            assert "梅州" not in text and "梅江" not in text, url
        assert not any(name in text for name in meizhou_names), url
    summary = client.get("/api/v1/bureau/summary?city=梅州市").get_json()
    assert summary["filters"]["city"] == "揭阳市"  # clamped to the jurisdiction
    districts = [row[0] for row in summary["tables"]["by_district"]["rows"]]
    assert districts and set(districts) <= {"榕城区", "揭东区", "普宁市", "揭西县", "惠来县", "空港经济区"}
    expected = independent_counts(city="揭阳市")
    assert abs(summary["tables"]["headline"]["rows"][1][1] - expected["assessed"]) <= disclosure.MAX_NOISE

    meijiang = officer(make, JurisdictionLevel.DISTRICT, "梅州市", "梅江区")
    client = login_as(meijiang)
    body = client.get("/api/v1/bureau/companies").get_json()
    assert body["companies"] and {c["district"] for c in body["companies"]} == {"梅江区"}
    xlsx = load_workbook(io.BytesIO(client.get("/bureau/export.xlsx").data))
    values = " ".join(
        str(c.value) for ws in xlsx.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "梅县区" not in values and "揭阳" not in values.replace("揭阳市工业企业技术改造", "")
    assert body["companies"][0]["city"] == "梅州市"

    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    rows = client.get("/api/v1/bureau/summary").get_json()["tables"]["by_city"]["rows"]
    assert {"揭阳市", "梅州市", "广州市"} <= {r[0] for r in rows}


# ---------------------------------------------------------------------------------------- consent


def test_non_sharing_companies_never_appear_by_name(
    population: dict[str, Any], make: Factory, login_as: LoginAs
) -> None:
    hidden = [c for c in population["companies"] if not c.bureau_sharing]
    shown = [c for c in population["companies"] if c.bureau_sharing]
    for company in population["companies"][:20]:
        db.session.add(
            BureauProgramStatus(
                company_id=company.id,
                program="gd_zjtx_sme",
                name_zh="广东省专精特新中小企业",
                status="eligible",
            )
        )
    db.session.commit()
    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    pages = []
    for page in range(1, 4):
        pages.append(client.get(f"/bureau/companies?page={page}").get_data(as_text=True))
        pages.append(client.get(f"/api/v1/bureau/companies?page={page}").get_data(as_text=True))
    pages += [
        client.get("/bureau/pipeline").get_data(as_text=True),
        client.get("/api/v1/bureau/pipeline").get_data(as_text=True),
        client.get("/bureau/export.csv").get_data(as_text=True),
    ]
    text = "\n".join(pages).encode().decode("unicode_escape", errors="ignore") + "\n".join(pages)
    for company in hidden:
        assert company.name not in text
    assert any(company.name in text for company in shown)
    # revoking consent removes the company from the lists at once
    sharer = next(c for c in shown if c.name in text)
    sharer.bureau_sharing = False
    db.session.commit()
    assert sharer.name not in client.get("/bureau/companies?page=1").get_data(as_text=True)
    assert sharer.name not in client.get("/bureau/pipeline").get_data(as_text=True)


# ---------------------------------------------------------------------------------------- exports


def test_exports_equal_the_screen_and_page_renders(
    population: dict[str, Any], make: Factory, login_as: LoginAs
) -> None:
    jieyang = officer(make, JurisdictionLevel.CITY, "揭阳市")
    client = login_as(jieyang)
    args = "?cluster=c05&from=2024-01&to=2025-12"
    api = client.get("/api/v1/bureau/summary" + args).get_json()["tables"]
    html = client.get("/bureau/" + args).get_data(as_text=True)
    headline = api["headline"]
    for key, row in zip(headline["row_keys"], headline["rows"], strict=True):
        shown = f"{row[1]:,}" if isinstance(row[1], int) else row[1].replace("<", "&lt;")
        assert f'data-metric="{key}"><div class="value">{shown}</div>' in html, row
    rows = list(csv.reader(io.StringIO(client.get("/bureau/export.csv" + args).data.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(client.get("/bureau/export.xlsx" + args).data))
    for key, table in api.items():
        start = rows.index([f"# {key}", table["title"]])
        assert rows[start + 1] == table["columns"]
        expected = [
            [
                f"{v:.1%}"
                if kind == "share" and isinstance(v, float)
                else ("" if v in ("<5", "—") else str(v))
                for v, kind in zip(r, table["kinds"], strict=True)
            ]
            for r in table["rows"]
        ]
        assert rows[start + 2 : start + 2 + len(table["rows"])] == expected
        sheet = next(ws for ws in book.worksheets if ws["A1"].value == table["title"])
        sheet_rows = [
            list(r) for r in sheet.iter_rows(min_row=3, max_row=2 + len(table["rows"]), values_only=True)
        ]
        assert sheet_rows == [[None if v in ("<5", "—", "") else v for v in r] for r in table["rows"]], key

    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    html = client.get("/bureau/?from=2024-01&to=2025-12&size_class=small").get_data(as_text=True)
    assert 'data-chart="chart-levels"' in html and "/vendor/plotly.min.js?v=" in html
    assert "计数规则" in html and "<script>" not in html
    bad = client.get("/api/v1/bureau/summary?from=2024-13&city=Atlantis").get_json()
    assert bad["warnings"] and bad["filters"] == {}


def test_metric_names_are_shared(app: Flask) -> None:
    cols = aggregates.metric_columns(aggregates.FACT_TABLE, sa.true(), sa.true(), sa.true())
    assert [c.name for c in cols] == [*METRICS, *(f"key_{m}" for m in METRICS)]
