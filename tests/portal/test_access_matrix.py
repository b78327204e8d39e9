"""Every route × every role: each route declares a rule, and the app enforces the documented policy.

POLICY is the access policy written out by hand. A new route fails `test_policy_covers_every_route`
until someone decides who may use it, so no route ships without an explicit decision.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from tests_support import ROLE_NAMES, Factory, sign_in_session
from werkzeug.test import TestResponse

from portal import create_app
from portal.access import rule_for_endpoint
from portal.assessments.services import start as start_assessment
from portal.models import JurisdictionLevel, Role

ANON = "anonymous"
ENT_ADMIN, ENT_MEMBER = "enterprise_admin", "enterprise_member"
PROVIDER = "provider"
BUREAU = ("bureau_province", "bureau_city", "bureau_district")
ADMIN = "admin"
SIGNED_IN = {ENT_ADMIN, ENT_MEMBER, PROVIDER, *BUREAU, ADMIN}
EVERYONE = {ANON, *SIGNED_IN}
ENTERPRISE = {ENT_ADMIN, ENT_MEMBER}

# endpoint -> who may use it ("anonymous" = not signed in)
POLICY: dict[str, set[str]] = {
    "static": EVERYONE,
    "home.index": EVERYONE,  # signed-in users are sent to their home
    "home.healthz": EVERYONE,
    "home.terms": EVERYONE,
    "home.privacy": EVERYONE,
    "help.glossary": EVERYONE,  # the glossary is public: questions link to it, and so may bureaus and banks
    "home.readyz": EVERYONE,
    "home.metrics": EVERYONE,  # the rule is the METRICS_TOKEN bearer token, else 404 (test_ops.py)
    "i18n.set_language": EVERYONE,
    "auth.login": {ANON},
    "auth.register": {ANON},
    "auth.register_provider": {ANON},
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.sign_in_sessions": SIGNED_IN,
    "auth.sign_out_other_devices": SIGNED_IN,
    "auth.verify_email": EVERYONE,  # the token is the credential
    "auth.resend_verification": {ANON},
    "auth.accept_invitation": EVERYONE,  # the token is the credential
    "auth.forgot_password": {ANON},
    "auth.reset_password": EVERYONE,  # the token is the credential
    "auth.api_tokens": SIGNED_IN,
    "auth.revoke_api_token": SIGNED_IN,
    "companies.dashboard": ENTERPRISE,
    "companies.profile": ENTERPRISE,
    "companies.edit_profile": {ENT_ADMIN},
    "companies.members": ENTERPRISE,
    "companies.invite": {ENT_ADMIN},
    "companies.revoke_invitation": {ENT_ADMIN},
    # 成员管理: remove, change role, hand the administrator role over — the company administrator only.
    "companies.change_member": {ENT_ADMIN},
    "providers.dashboard": {PROVIDER},
    "providers.profile": {PROVIDER},
    "providers.declare_recognition": {PROVIDER},
    "providers.withdraw_recognition": {PROVIDER},
    "providers.solutions": {PROVIDER},
    "providers.new_solution": {PROVIDER},
    "providers.edit_solution": {PROVIDER},
    "providers.delete_solution": {PROVIDER},
    "providers.recommend": {PROVIDER},  # and only under an active consent (else 404)
    # 共享与协作: every member sees consents and the audit trail; only the administrator grants/revokes.
    "sharing.index": ENTERPRISE,
    "sharing.grant": {ENT_ADMIN},
    "sharing.revoke": {ENT_ADMIN},
    "moderation.index": {ADMIN},
    "moderation.verify_recognition": {ADMIN},
    "moderation.unverify_recognition": {ADMIN},
    "moderation.verify_support": {ADMIN},
    "moderation.hide_solution": {ADMIN},
    "moderation.unhide_solution": {ADMIN},
    "bureau.dashboard": set(BUREAU),
    "admin.dashboard": {ADMIN},
    "admin.users": {ADMIN},
    "admin.audit_log": {ADMIN},
    "admin.companies_list": {ADMIN},
    "admin.credit_code": {ADMIN},  # correcting a company's 统一社会信用代码
    "assessments.index": ENTERPRISE,
    "assessments.start": ENTERPRISE,
    "assessments.start_from_previous": {ENT_ADMIN},
    "assessments.overview": ENTERPRISE | {PROVIDER},  # providers: only under consent (else 404)
    "assessments.module": ENTERPRISE | {PROVIDER},  # providers: assist-mode consent only
    "assessments.assign": {ENT_ADMIN},
    # Notifications are personal (a notice of another person is 404); "我的任务" is the company members'.
    "notifications.index": SIGNED_IN,
    "notifications.open_notification": SIGNED_IN,  # only one's own notice (else 404)
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.tasks": ENTERPRISE,
    "assessments.review": ENTERPRISE | {PROVIDER},
    "assessments.submit": {ENT_ADMIN},
    "api.get_answers": ENTERPRISE | {PROVIDER},
    "api.get_result": ENTERPRISE | {PROVIDER},
    "results.view": ENTERPRISE | {PROVIDER},
    "results.set_targets": {ENT_ADMIN},
    "home.plotly_js": EVERYONE,
    "api.save_answers": ENTERPRISE | {PROVIDER},  # providers: assist-mode consent only
    "reports.request_report": ENTERPRISE,
    # providers: object check refuses without consent (404); bureaus: their own jurisdiction reports
    "reports.status_page": ENTERPRISE | {PROVIDER} | set(BUREAU),
    "reports.status_json": ENTERPRISE | {PROVIDER} | set(BUREAU),
    "reports.download": ENTERPRISE | {PROVIDER} | set(BUREAU),
    "reports.retry": ENTERPRISE | set(BUREAU),
    "reports.verify": EVERYONE,  # the verification code is the credential
    "reports.verify_form": EVERYONE,  # where a bank or bureau types the code
    # 政策匹配: everyone of the company reads; only the company administrator changes conditions/projects.
    "eligibility.index": ENTERPRISE,
    "eligibility.conditions": ENTERPRISE,
    "eligibility.edit_conditions": {ENT_ADMIN},
    "eligibility.projects": ENTERPRISE,
    "eligibility.new_project": {ENT_ADMIN},
    "eligibility.edit_project": {ENT_ADMIN},
    "eligibility.delete_project": {ENT_ADMIN},
    # 政策规则 (rule versions): upload, preview, publish, withdraw — the platform administrator only.
    "admin_rules.index": {ADMIN},
    "admin_rules.upload": {ADMIN},
    "admin_rules.version": {ADMIN},
    "admin_rules.source": {ADMIN},
    "admin_rules.publish": {ADMIN},
    "admin_rules.withdraw": {ADMIN},
    # A pure calculation on the posted JSON (no company data read, nothing stored): any signed-in user.
    # Not anonymous, so the portal is no free public compute service; integrators get API tokens later.
    "api.eligibility": SIGNED_IN,
    "evidence.upload": ENTERPRISE,
    "evidence.download": ENTERPRISE,
    "evidence.delete": ENTERPRISE,
    "api.openapi": EVERYONE,  # the API description is public
    # Bureau dashboards: every bureau officer; the jurisdiction is enforced inside (scoped queries).
    "bureau.export": set(BUREAU),
    "bureau.companies": set(BUREAU),
    "bureau.companies_export": set(BUREAU),
    "reports.jurisdiction_report": set(BUREAU),
    "reports.company_export": set(BUREAU),
    "bureau.pipeline": set(BUREAU),
    "bureau.target_list": set(BUREAU),
    "bureau.report_actual": set(BUREAU),  # only for indicators of the officer's own jurisdiction (else 404)
    "api.bureau_summary": set(BUREAU),
    "api.bureau_targets": set(BUREAU),
    "api.bureau_companies": set(BUREAU),
    "api.bureau_pipeline": set(BUREAU),
    # 试点目标 (pilot-city target): every officer; counts limited to the jurisdiction inside.
    "pilot.view": set(BUREAU),
    # 核查员 (assessor appointments): officers, and only their own bureau's appointments (else 404).
    "review.assessors": set(BUREAU),
    "review.appoint": set(BUREAU),
    "review.revoke": set(BUREAU),
    # 现场核查 (review): provider users; only assessments an active appointment covers (else 404).
    "review.queue": {PROVIDER},
    "review.review_page": {PROVIDER},
    "review.save": {PROVIDER},
    "review.evidence": {PROVIDER},
}

# Pages for visitors who are not signed in; signed-in users are sent to their home instead.
ANONYMOUS_ONLY_PAGES = {
    "auth.login",
    "auth.register",
    "auth.register_provider",
    "auth.forgot_password",
    "auth.resend_verification",
}

# Sample values for URL parameters; a route with an unknown parameter fails the matrix test.
URL_SAMPLES: dict[str, Any] = {
    "code": "en",
    "token": "not-a-real-token",
    "invitation_id": 1,
    "token_id": 1,
    "file_id": 1,
    "filename": "css/portal.css",
    "assessment_id": None,  # filled with a real assessment of the enterprise users' company
    "module_id": "base",
    "report_id": 1,
    "recognition_id": 1,  # provider feature: no such rows, allowed roles get 404/redirect
    "solution_id": 1,
    "consent_id": 1,
    "project_id": 1,  # no such project: allowed roles get 404, the others 401/403
    "version_id": 1,  # no such rule version: the administrator gets 404, the others 401/403
    "fmt": "csv",  # bureau export format
    "member_id": 10**6,  # no such member: the company administrator gets 404, the others 401/403
    "change": "remove",
    "company_id": 10**6,  # no such company: the administrator gets 404, the others 401/403
    "indicator_id": 1,  # bureau indicator: the catalogue may be empty, allowed roles get 404
    "notification_id": 1,  # nobody's notice here: allowed roles get 404
    "appointment_id": 1,  # no such appointment: officers get 404, the others 401/403
}


def _users(make: Factory) -> dict[str, Any]:
    company = make.company()
    users = {
        ANON: None,
        ENT_ADMIN: make.user(Role.ENTERPRISE, company=company, is_company_admin=True),
        ENT_MEMBER: make.user(Role.ENTERPRISE, company=company, is_company_admin=False),
        PROVIDER: make.user(Role.PROVIDER),
        "bureau_province": make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE),
        "bureau_city": make.user(
            Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市"
        ),
        "bureau_district": make.user(
            Role.BUREAU,
            jurisdiction_level=JurisdictionLevel.DISTRICT,
            jurisdiction_city="梅州市",
            jurisdiction_district="梅江区",
        ),
        ADMIN: make.user(Role.ADMIN),
    }
    # a real assessment of the enterprise users' company, so allowed roles reach real pages
    assessment = start_assessment(company, "miit-sme-digital", users[ENT_ADMIN])
    URL_SAMPLES["assessment_id"] = assessment.id
    return users


def test_role_names_match_fixture_roles() -> None:
    assert set(ROLE_NAMES) == EVERYONE


def _without_rule(app: Flask) -> list[str]:
    return [r.endpoint for r in app.url_map.iter_rules() if rule_for_endpoint(app, r.endpoint) is None]


def _outside_policy(app: Flask) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules()} - POLICY.keys()


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    assert _without_rule(app) == []


def test_policy_covers_every_route(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert _outside_policy(app) == set(), "add the new routes to POLICY with an explicit decision"
    assert POLICY.keys() - endpoints == set(), "POLICY names routes that no longer exist"


def test_a_route_without_a_rule_is_caught_and_refused() -> None:
    """The two checks above can fail: a route added without a decorator is reported by both, and the
    app refuses it (403) instead of serving it."""
    app = create_app(
        overrides={"WTF_CSRF_ENABLED": False}, env={"PORTAL_ENV": "testing", "DATABASE_URL": "sqlite://"}
    )
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert _without_rule(app) == ["undeclared"]
    assert _outside_policy(app) == {"undeclared"}
    with app.app_context():
        response = app.test_client().get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_route_role_matrix(app: Flask, make: Factory) -> None:
    users = _users(make)
    checked = 0
    for rule in app.url_map.iter_rules():
        args = {name: URL_SAMPLES[name] for name in rule.arguments}
        path = _build(app, rule.endpoint, args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role_name, user in users.items():
                client = app.test_client()
                if user is not None:
                    sign_in_session(client, user)
                response = client.open(path, method=method)
                allowed = role_name in POLICY[rule.endpoint]
                _assert_decision(rule.endpoint, method, role_name, allowed, response)
                response.close()
                checked += 1
    assert checked >= len(POLICY) * len(users)


def _build(app: Flask, endpoint: str, args: dict[str, Any]) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


def _assert_decision(endpoint: str, method: str, role: str, allowed: bool, response: TestResponse) -> None:
    where = f"{method} {endpoint} as {role}: {response.status_code}"
    location = response.headers.get("Location", "")
    if allowed:
        assert response.status_code not in (401, 403), where
        assert "/login" not in location or endpoint == "auth.logout", where
    elif role == ANON:
        assert response.status_code in (302, 401), where
        assert response.status_code == 401 or "/login" in location, where
    elif endpoint in ANONYMOUS_ONLY_PAGES:
        assert response.status_code == 302, where  # signed-in users are sent home
    else:
        assert response.status_code == 403, where


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.PROVIDER, Role.BUREAU, Role.ADMIN])
def test_each_role_lands_on_its_home(app: Flask, make: Factory, role: Role) -> None:
    user = make.user(role)
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "Test-pass-1"})
    expected = {
        Role.ENTERPRISE: "/company/",
        Role.PROVIDER: "/provider/",
        Role.BUREAU: "/bureau/",
        Role.ADMIN: "/admin/",
    }
    assert response.headers["Location"] == expected[role]
    assert client.get(expected[role]).status_code == 200
