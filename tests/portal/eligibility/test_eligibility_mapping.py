"""政策匹配: company profile + stored conditions + projects → the engine's contract input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests_support import Factory

from portal.eligibility import inputs, services
from portal.extensions import db
from portal.models import CompanyEligibilityProfile, EligibilityProject
from scoring.eligibility import parse_input


def test_profile_fields_are_mapped_and_unknown_ones_left_out(make: Factory) -> None:
    company = make.company(
        city="揭阳市",
        industry_section="C",
        founded_year=2015,
        employees=120,
        revenue_wan=Decimal("5000.50"),
        total_assets_wan=Decimal("4000"),
        size_class="small",
    )
    payload = services.build_input(company, date(2025, 6, 1))
    assert payload == {
        "as_of": "2025-06-01",
        "company": {
            "city": "揭阳市",
            "credit_code": company.credit_code,  # 44…: registered in Guangdong, derived by the engine
            "sector": "manufacturing",
            "sme_size_class": "small",
            "years_in_operation": 10,
            "employees": 120,
            "revenue_wan": 5000.5,
            "total_assets_wan": 4000,
        },
        "projects": [],
    }
    assert parse_input(payload)[1] == []


def test_absent_profile_fields_stay_absent(make: Factory) -> None:
    company = make.company(
        industry_section=None,
        industry_division=None,
        employees=None,
        revenue_wan=None,
        total_assets_wan=None,
        founded_year=None,
    )
    assert services.build_input(company, date(2025, 1, 1))["company"] == {
        "city": "揭阳市",
        "credit_code": company.credit_code,
    }


def test_sector_mapping_of_industry_sections() -> None:
    assert inputs.sector_of("C") == "manufacturing"
    assert inputs.sector_of("B") == "mining"
    assert inputs.sector_of("D") == "utilities"
    assert inputs.sector_of("E") == "construction"
    assert inputs.sector_of("I") == "services"
    assert inputs.sector_of("A") == "other"
    assert inputs.sector_of(None) is None


def test_years_in_operation_follows_as_of(make: Factory) -> None:
    company = make.company(founded_year=2019)
    assert services.build_input(company, date(2021, 5, 1))["company"]["years_in_operation"] == 2
    assert services.build_input(company, date(2018, 5, 1))["company"]["years_in_operation"] == 0


def test_conditions_and_projects_join_the_input(make: Factory) -> None:
    company = make.company()
    db.session.add(
        CompanyEligibilityProfile(
            company_id=company.id,
            data={
                "registered_in_guangdong": True,
                "years_since_major_accident": None,
                "invention_patents": 3,
            },
        )
    )
    db.session.add(
        EligibilityProject(
            company_id=company.id,
            name="智能产线",
            program="jy_tu_techreform_2018_2020",
            direction="intelligent_line",
            data={"equipment_purchase_wan": 1200},
        )
    )
    db.session.commit()
    payload = services.build_input(company, date(2019, 5, 1))
    assert payload["company"]["registered_in_guangdong"] is True
    assert payload["company"]["years_since_major_accident"] is None  # null = never (kept)
    assert payload["company"]["invention_patents"] == 3
    assert payload["projects"] == [
        {
            "id": "智能产线",
            "program": "jy_tu_techreform_2018_2020",
            "direction": "intelligent_line",
            "equipment_purchase_wan": 1200,
        }
    ]
    report = services.evaluate_company(company, date(2019, 5, 1))
    result = next(r for r in report["results"] if r["project"] == "智能产线")
    assert result["status"] == "eligible"
    assert result["estimated_award_wan"] == 100  # min(10 % × 1200, 100)


def test_stale_stored_values_do_not_break_the_report(make: Factory) -> None:
    company = make.company()
    db.session.add(CompanyEligibilityProfile(company_id=company.id, data={"invention_patents": "many"}))
    db.session.add(
        EligibilityProject(company_id=company.id, name="旧项目", program="no_such_program_any_more", data={})
    )
    db.session.commit()
    report = services.evaluate_company(company, date(2025, 1, 1))
    assert report["city"] == "揭阳市"
    assert all(r["project"] != "旧项目" for r in report["results"])
