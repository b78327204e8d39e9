"""Provider flow in a real browser: a provider adds a solution; a company shares an assessment; the provider
sees the result with matched solutions and recommends one; the company sees it and the audit trail, then
revokes; the provider loses access (404)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from browser_support import screenshot
from fixture_types import OpenPage
from tests_support import PASSWORD, Factory
from tests_support import submitted as submitted_assessment

from portal.models import Assessment, Role, User
from portal.providers import consent

if TYPE_CHECKING:
    from playwright.sync_api import Page


def submitted(make: Factory, **company: Any) -> tuple[Assessment, User]:
    """A submitted gd-mfg-dt assessment answered at a low level (so the roadmap has cloud actions)."""
    return submitted_assessment(make, choice=1, **company)


def _sign_in(page: Page, base: str, email: str, home: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"**{home}")


def test_provider_solution_share_recommend_revoke(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    assessment, admin = submitted(make, cluster="c05")
    org = make.provider_org(
        name="粤东工业互联网科技有限公司", cities_served=["揭阳市"], contact_phone="0663-8666000"
    )
    provider_user = make.user(Role.PROVIDER, provider_org=org, name="周敏")

    # 1. the provider adds a solution (first with a mistake: messages in Chinese, input kept)
    provider = new_page()
    _sign_in(provider, live_server, provider_user.email, "/provider/")
    provider.goto(live_server + "/provider/solutions/new")
    provider.fill("#name", "哑设备联网与设备上云快线")
    provider.click("button:has-text('发布方案')")
    assert "请至少选择一项方案能交付的提升措施" in provider.content()
    assert provider.input_value("#name") == "哑设备联网与设备上云快线"
    screenshot(provider, "provider_solution_errors")
    provider.fill("#summary", "加装传感器与采集网关，两周内把关键设备数据接入平台。")
    provider.check("input[name=cloud_kinds][value=cloud_equipment]")
    provider.check("input[name=modules][value=equip]")
    provider.check("input[name=actions][value=cloud_equipment_dumb_devices]")
    provider.check("input[name=actions][value=cloud_equipment_realtime]")
    provider.uncheck("#all_clusters")
    provider.check("input[name=clusters][value=c05]")
    provider.check("input[name=sizes][value=small]")
    provider.check("input[name=sizes][value=medium]")
    provider.check("input[name=deployments][value=public]")
    provider.select_option("#price_band", "5-20")
    provider.select_option("#duration", "1-3m")
    provider.click("button:has-text('发布方案')")
    provider.wait_for_url("**/provider/solutions")
    assert "已发布到方案库" in provider.content()
    screenshot(provider, "provider_solutions")

    # 2. the company shares the assessment with the provider until a chosen day
    company = new_page()
    _sign_in(company, live_server, admin.email, "/company/")
    company.click("nav >> text=共享与协作")
    company.select_option("#assessment_id", str(assessment.id))
    company.select_option("#provider_org_id", str(org.id))
    company.check("input[name=mode][value=share]")
    company.fill("#ends_on", (consent.local_today() + timedelta(days=14)).isoformat())
    company.click("button:has-text('授权')")
    company.wait_for_url("**/company/sharing/")
    assert "已授权 粤东工业互联网科技有限公司" in company.content()

    # 3. the provider sees the lead, opens the result with matched solutions, recommends its solution
    provider.goto(live_server + "/provider/")
    assert admin.company.name in provider.content()
    screenshot(provider, "provider_dashboard")
    provider.click("#leads >> text=评估结果")
    provider.wait_for_url(f"**/company/assessments/{assessment.id}/result")
    matches = provider.locator("#matches")
    assert "哑设备联网与设备上云快线" in matches.inner_text()
    assert "推荐理由" in matches.inner_text()
    provider.fill("#matches input[name=message]", "建议先从关键设备联网做起，两周可上线。")
    provider.click("button:has-text('推荐给企业')")
    provider.wait_for_url("**/result#matches")
    assert "已向企业推荐该方案" in provider.content()
    matches.scroll_into_view_if_needed()
    screenshot(provider, "provider_result_matches")

    # 4. the company sees the recommendation and who looked at its data, then revokes
    company.goto(f"{live_server}/company/assessments/{assessment.id}/result#matches")
    assert "建议先从关键设备联网做起" in company.locator("#matches").inner_text()
    company.goto(live_server + "/company/sharing/")
    audit = company.locator("#audit").inner_text()
    assert "查看评估结果" in audit and "周敏" in audit and "推荐解决方案" in audit
    screenshot(company, "provider_company_sharing")
    company.click("#consents >> button:has-text('撤销')")
    company.wait_for_url("**/company/sharing/")
    assert "已撤销" in company.locator("#consents").inner_text()

    # 5. the provider has lost access at once
    response = provider.goto(f"{live_server}/company/assessments/{assessment.id}/result")
    assert response is not None and response.status == 404
    provider.goto(live_server + "/provider/")
    assert admin.company.name not in provider.locator("#leads").inner_text()
    screenshot(provider, "provider_after_revoke")
