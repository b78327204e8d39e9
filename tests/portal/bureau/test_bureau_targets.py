"""Bureau target catalogue: sources present (checked against the policy digests), reported actuals only
for the officer's own jurisdiction, target / actual / portal-measured side by side."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import SHARED_DIR, Factory, require_shared

from portal.bureau import disclosure, targets
from portal.bureau.models import BureauIndicator, BureauIndicatorActual
from portal.extensions import db
from portal.models import JurisdictionLevel, Role
from tests.portal.bureau.test_bureau_dashboard import GD, submit

DIGESTS = {
    "seed002_digest.md": SHARED_DIR / "policy" / "seed002_digest.md",
    "local_plans_digest.md": SHARED_DIR / "policy" / "local_plans_digest.md",
}


def _officers(make: Factory) -> dict[str, Any]:
    return {
        "province": make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE),
        "jieyang": make.user(
            Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市"
        ),
        "meijiang": make.user(
            Role.BUREAU,
            jurisdiction_level=JurisdictionLevel.DISTRICT,
            jurisdiction_city="梅州市",
            jurisdiction_district="梅江区",
        ),
    }


def test_catalogue_rows_carry_sources_found_in_the_digests(app: Flask) -> None:
    targets.ensure_catalogue()
    rows = list(db.session.scalars(sa.select(BureauIndicator)))
    codes = {r.code for r in rows}
    assert {
        "gd_cloud_2023",
        "gd_cloud_2025",
        "jy_tu_cloud_enterprises",
        "mj_above_scale_enterprises",
    } <= codes
    assert {r.jurisdiction_level for r in rows} == {"province", "city", "district"}
    for row in rows:
        assert row.source_document and re.search(r"L\d+", row.source_lines), row.code
        name, line_no = re.fullmatch(r"(\S+) §[\d.]+ L(\d+)", row.digest_ref).groups()  # type: ignore[union-attr]
        line = require_shared(DIGESTS[name]).read_text(encoding="utf-8").splitlines()[int(line_no) - 1]
        assert row.source_lines in line, (row.code, line)
        if name == "local_plans_digest.md":
            assert f"`{row.code}`" in line
    cloud = {r.code: r for r in rows}
    assert cloud["gd_cloud_2023"].target_value == 80 and cloud["gd_cloud_2023"].target_year == 2023
    assert cloud["gd_cloud_2025"].target_value == 100 and cloud["gd_cloud_2025"].unit == "万家"
    # the provincial 14th five-year plan's 2025 targets (seed 002 L833-847), cited by document and number
    plan = {code: row for code, row in cloud.items() if code.startswith("gd_fyp14_")}
    assert {code: (row.target_op, row.target_value) for code, row in plan.items()} == {
        "gd_fyp14_mfg_gdp_share": (">=", 30),
        "gd_fyp14_hightech_share": ("=", 33),
        "gd_fyp14_rd_intensity": ("=", Decimal("2.3")),
        "gd_fyp14_invention_patents": ("=", 23),
        "gd_fyp14_quality_pass_rate": (">", 94),
        "gd_fyp14_labour_productivity": ("=", 30),
    }
    seed = require_shared(SHARED_DIR / "seeds" / "002_f2edbe3fa4cb40a2.txt").read_text(encoding="utf-8")
    for row in plan.values():
        assert row.source_document == "《广东省制造业高质量发展“十四五”规划》（粤府〔2021〕53号）"
        assert row.target_year == 2025 and 833 <= int(row.source_lines[1:]) <= 847
        target_text = (row.target_text or "").replace(" ", "")
        number = re.search(r"[\d.]+", target_text)
        assert number and number.group() in seed.splitlines()[int(row.source_lines[1:]) - 1].replace(" ", "")
    assert targets.ensure_catalogue() == len(rows)  # idempotent
    assert db.session.scalar(sa.select(sa.func.count(BureauIndicator.id))) == len(rows)


def test_officers_report_actuals_for_their_own_jurisdiction_only(make: Factory, login_as: LoginAs) -> None:
    officers = _officers(make)
    targets.ensure_catalogue()
    ids = {i.code: i.id for i in db.session.scalars(sa.select(BureauIndicator))}
    jieyang = login_as(officers["jieyang"])
    ok = jieyang.post(
        f"/bureau/targets/{ids['jy_tu_cloud_enterprises']}/actuals", data={"period": "2020", "value": "186"}
    )
    assert ok.status_code == 302
    for code in ("gd_cloud_2025", "mj_above_scale_enterprises"):
        refused = jieyang.post(f"/bureau/targets/{ids[code]}/actuals", data={"period": "2024", "value": "1"})
        assert refused.status_code == 404, code
    province = login_as(officers["province"])
    assert (
        province.post(
            f"/bureau/targets/{ids['jy_tu_cloud_enterprises']}/actuals", data={"period": "2021", "value": "9"}
        ).status_code
        == 404
    )
    assert (
        province.post(
            f"/bureau/targets/{ids['gd_cloud_2025']}/actuals", data={"period": "2024Q4", "value": "88"}
        ).status_code
        == 302
    )
    bad = province.post(
        f"/bureau/targets/{ids['gd_cloud_2025']}/actuals",
        data={"period": "last year", "value": "x"},
        follow_redirects=True,
    )
    assert "期间格式" in bad.get_data(as_text=True)
    actuals = {
        (a.indicator_id, a.period): a.value for a in db.session.scalars(sa.select(BureauIndicatorActual))
    }
    assert actuals == {(ids["jy_tu_cloud_enterprises"], "2020"): 186, (ids["gd_cloud_2025"], "2024Q4"): 88}
    # visibility: 揭阳 sees its own indicators, not 梅江's; 梅江 sees only its own
    page = jieyang.get("/bureau/targets").get_data(as_text=True)
    assert (
        "jy_tu_cloud_enterprises" in page
        and "mj_above_scale_enterprises" not in page
        and "gd_cloud_2025" not in page
    )
    meijiang_page = login_as(officers["meijiang"]).get("/bureau/targets").get_data(as_text=True)
    assert "mj_above_scale_enterprises" in meijiang_page and "jy_" not in meijiang_page


def test_target_actual_and_portal_measured_side_by_side(make: Factory, login_as: LoginAs) -> None:
    officers = _officers(make)
    for i in range(14):
        company = make.company(city="揭阳市", district="榕城区")
        submit(
            company,
            datetime(2025, 3, 1 + i, tzinfo=UTC),
            GD,
            overall_level=2,
            on_cloud=i < 12,
            cloud_rnd=i < 12,
        )
    client = login_as(officers["jieyang"])
    body = client.get("/api/v1/bureau/targets").get_json()["table"]
    rows = {
        k: dict(zip(body["columns"], r, strict=True))
        for k, r in zip(body["row_keys"], body["rows"], strict=True)
    }
    cloud = rows["jy_tu_cloud_enterprises"]
    measured = cloud["门户测得值"]  # 12 companies, published under disclosure control
    assert isinstance(measured, int) and abs(measured - 12) <= disclosure.MAX_NOISE
    assert cloud["门户进度"] == f"{100 * measured / 200:.1f}%"  # of the 200 target, from the published figure
    assert (
        cloud["来源"]
        == "《揭阳市工业企业技术改造三年行动计划实施方案（2018—2020年）》（揭市经信[2018]119号）"
    )
    assert rows["jy_above_scale_industry_va"]["门户测得值"] == "门户未测量"
    html = client.get("/bureau/targets").get_data(as_text=True)
    assert "门户未测量" in html and "L100; L668-670" not in html and "seeds/" not in html
    assert "（揭市经信[2018]119号）" in html
