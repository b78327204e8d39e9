"""A provider's journey in a real browser: the demo company shares its submitted assessment with a note;
the provider (fuwushang@demo.dx) finds the lead first on its home page, with what the company asked for and
how to reach it, and opens the shared result."""

from __future__ import annotations

from datetime import timedelta

from browser_support import sign_in
from fixture_types import OpenPage
from flask import Flask
from journey_support import DESKTOP, Steps

from portal.demo import DEMO_COMPANY_NAME, DEMO_PASSWORD, demo_submitted_assessment
from portal.extensions import db
from portal.models import ProviderOrg
from portal.providers import consent

NOTE = "请帮我们看看设备上云方案"


def test_a_provider_receives_a_share_and_opens_it(new_page: OpenPage, live_server: str, app: Flask) -> None:
    assessment = demo_submitted_assessment()
    steps = Steps("provider")

    company = new_page(*DESKTOP)
    sign_in(company, live_server, "qiye@demo.dx", DEMO_PASSWORD)
    company.click("nav >> text=共享与协作")
    company.select_option("#assessment_id", str(assessment.id))
    org = db.session.scalar(db.select(ProviderOrg).where(ProviderOrg.name == "粤东工业互联网科技有限公司"))
    assert org is not None
    company.select_option("#provider_org_id", str(org.id))
    company.check("input[name=mode][value=share]")
    company.fill("#ends_on", (consent.local_today() + timedelta(days=30)).isoformat())
    company.fill("#note", NOTE)
    steps.shot(company, "company_shares")
    company.click("button:has-text('授权')")
    assert "已授权 粤东工业互联网科技有限公司" in company.inner_text("main")

    provider = new_page(*DESKTOP)
    sign_in(provider, live_server, "fuwushang@demo.dx", DEMO_PASSWORD)
    provider.wait_for_url("**/provider/")
    lead = provider.locator("#leads .lead", has_text=DEMO_COMPANY_NAME)
    assert NOTE in lead.inner_text() and "0663-8888001" in lead.inner_text()
    # the leads come before everything else on the page
    first = provider.locator("main section.card").first
    assert first.get_attribute("id") == "leads", "a provider's leads are not the first thing it sees"
    steps.shot(provider, "provider_home")
    lead.locator("text=评估结果").click()
    provider.wait_for_url(f"**/company/assessments/{assessment.id}/result")
    main = provider.inner_text("main")
    assert DEMO_COMPANY_NAME in main and "级" in main
    steps.shot(provider, "provider_result")
