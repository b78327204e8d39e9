"""The company list and the programme pipeline read a company the same way: each instrument's figures
from that instrument's latest result, so a later month with only a MIIT assessment does not blank the
maturity level in one list while the other shows it."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import unquote

import pytest
from fixture_types import LoginAs
from tests_support import Factory

from portal.bureau import disclosure, queries
from portal.bureau.models import BureauProgramStatus
from portal.bureau.queries.filters import Filters
from portal.extensions import db
from portal.models import Company, JurisdictionLevel
from tests.portal.bureau.test_bureau_dashboard import CN, MIIT, officer, submit


@pytest.fixture
def companies(make: Factory, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Six consenting 揭阳 companies: a gd-mfg-dt result in March 2026, then only a MIIT one in May."""
    monkeypatch.setattr(disclosure, "WITHHOLD_ALL_CONSENTING", 0)  # the lists are what is compared
    ids = []
    for i in range(6):
        company = make.company(name=f"揭阳市列表{i}五金有限公司", city="揭阳市", district="榕城区")
        company.bureau_sharing = True
        db.session.commit()
        submit(company, datetime(2026, 3, 10, tzinfo=CN), overall_level=3, on_cloud=True, on_platform=False)
        submit(company, datetime(2026, 5, 10, tzinfo=CN), MIIT, miit_level=2)
        db.session.add(
            BureauProgramStatus(
                company_id=company.id, program="gd_zjtx_sme", name_zh="专精特新", status="eligible"
            )
        )
        ids.append(company.id)
    db.session.commit()
    return ids


def test_company_list_and_pipeline_show_the_same_levels(
    companies: list[int], make: Factory, login_as: LoginAs
) -> None:
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    listing = queries.company_list(user, Filters())
    pipeline = queries.pipeline_list(user, Filters(), program="gd_zjtx_sme")
    assert len(listing["companies"]) == 6 and len(pipeline["items"]) == 6
    by_name = {c["name"]: c for c in listing["companies"]}
    for item in pipeline["items"]:
        row = by_name[item["company"]]
        assert (row["level"], row["miit_level"]) == (item["level"], item["miit_level"]) == ("三级", "二级")
        assert row["on_cloud"] is True and row["on_platform"] is False and row["month"] == "2026-05"
    page = login_as(user).get("/bureau/pipeline").get_data(as_text=True)
    assert "工信部等级" in page and page.count("二级") >= 6


def test_a_date_range_reads_the_results_of_that_range(companies: list[int], make: Factory) -> None:
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    march = queries.company_list(user, Filters(month_from=2026 * 12 + 2, month_to=2026 * 12 + 2))
    assert {(c["level"], c["miit_level"], c["month"]) for c in march["companies"]} == {
        ("三级", "—", "2026-03")
    }


def test_company_list_export_streams_every_listed_company(
    companies: list[int], make: Factory, login_as: LoginAs
) -> None:
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    withheld, rows = queries.all_companies(user, Filters(), batch=2)
    assert not withheld
    assert list(rows) == queries.company_list(user, Filters())["companies"]
    response = login_as(user).get("/bureau/companies/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert "企业名单" in unquote(response.headers["Content-Disposition"])
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = lines.index(
        ["企业", "城市", "区县", "集群", "规模", "评估月份", "成熟度", "上云", "上平台", "5G", "工信部等级"]
    )
    body = lines[header + 1 :]
    assert len(body) == 6 and body[0][6:] == ["三级", "是", "否", "—", "二级"]


def test_company_list_export_withholds_when_few_companies_did_not_consent(
    companies: list[int], make: Factory, login_as: LoginAs
) -> None:
    hidden = db.session.get(Company, companies[0])
    assert hidden is not None
    hidden.bureau_sharing = False
    db.session.commit()
    text = login_as(officer(make, JurisdictionLevel.CITY, "揭阳市")).get("/bureau/companies/export.csv")
    body = text.get_data(as_text=True)
    assert "名单暂不显示" in body and "揭阳市列表1五金有限公司" not in body
