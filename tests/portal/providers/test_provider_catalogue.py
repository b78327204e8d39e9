"""Provider profile and recognitions, solution CRUD with Chinese validation messages (input kept),
administrator verification with dates, recommendations, lead list and anonymous gap counts."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fixture_types import LoginAs
from tests_support import Factory, submitted

from portal.extensions import db
from portal.models import ConsentMode, Recognition, Recommendation, Role, Solution
from portal.providers import consent, services
from scoring.reference import credit_code

SOLUTION_FORM = {
    "name": "设备上云快线",
    "summary": "哑设备联网与设备数据上云",
    "cloud_kinds": ["cloud_equipment"],
    "actions": ["cloud_equipment_dumb_devices", "cloud_equipment_realtime"],
    "all_clusters": "y",
    "sizes": ["small", "micro"],
    "deployments": ["public"],
    "price_band": "5-20",
    "duration": "1-3m",
}


def test_profile_edit_validates_credit_code_and_keeps_input(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    assert client.get("/provider/profile").status_code == 200
    bad = {"name": "新名称科技", "credit_code": "91440300MA5XXXXXX0", "cities_served": ["揭阳市"]}
    response = client.post("/provider/profile", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "新名称科技" in html and "请至少选择一种服务类型" in html
    good = {
        **bad,
        "credit_code": credit_code.with_check_char("91445200MA55PQ7T9"),
        "service_types": ["platform", "cloud"],
        "cities_served": ["揭阳市", "梅州市"],
    }
    assert client.post("/provider/profile", data=good).status_code == 302
    db.session.expire_all()
    org = user.provider_org
    assert org.name == "新名称科技" and org.cities_served == ["揭阳市", "梅州市"]
    assert org.service_types == ["platform", "cloud"]


def test_recognition_declared_then_verified_by_admin_with_date(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    response = client.post("/provider/recognitions", data={"kind": "other"})
    assert response.status_code == 422 and "请填写认定名称" in response.get_data(as_text=True)
    client.post("/provider/recognitions", data={"kind": "resource_pool", "year": "2022", "title": "第一批"})
    rec = db.session.scalars(sa.select(Recognition)).one()
    assert not rec.verified
    admin = login_as(make.user(Role.ADMIN))
    assert "待核实" in admin.get("/admin/providers/").get_data(as_text=True)
    admin.post(f"/admin/providers/recognitions/{rec.id}/verify", data={"verified_on": "2026-11-20"})
    db.session.expire_all()
    assert rec.verified_on is not None and rec.verified_on.isoformat() == "2026-11-20"
    assert "已核实 2026-11-20" in client.get("/provider/profile").get_data(as_text=True)
    assert user.provider_org_id in services.verified_org_ids()


def test_solution_crud_with_chinese_messages(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    response = client.post("/provider/solutions/new", data={"name": "半成品方案", "support_listed": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "半成品方案" in html  # input kept
    for message in (
        "此项为必填项",
        "请至少选择一项方案能交付的提升措施",
        "请选择价格区间",
        "请填写产品目录名称或文号",
    ):
        assert message in html
    assert client.post("/provider/solutions/new", data=SOLUTION_FORM).status_code == 302
    solution = db.session.scalars(sa.select(Solution)).one()
    assert solution.cloud_kinds == ["cloud_equipment"] and solution.clusters == []
    assert solution.actions == ["cloud_equipment_dumb_devices", "cloud_equipment_realtime"]
    too_many = {**SOLUTION_FORM, "all_clusters": "", "clusters": ["c01", "c02", "c03", "c04", "c05", "c06"]}
    assert client.post(f"/provider/solutions/{solution.id}/edit", data=too_many).status_code == 422
    every_size = {**SOLUTION_FORM, "sizes": ["micro", "small", "medium", "large"], "name": "改名"}
    assert client.post(f"/provider/solutions/{solution.id}/edit", data=every_size).status_code == 302
    db.session.expire_all()
    assert solution.name == "改名" and solution.sizes == []  # every size is stored as "all sizes"
    other = login_as(make.user(Role.PROVIDER))
    assert other.get(f"/provider/solutions/{solution.id}/edit").status_code == 404
    assert other.post(f"/provider/solutions/{solution.id}/delete").status_code == 404
    assert client.post(f"/provider/solutions/{solution.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Solution.id))) == 0


def test_support_claim_verified_and_reset_on_change(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    claimed = {**SOLUTION_FORM, "support_listed": "y", "support_note": "揭阳市上云上平台产品目录（2022）"}
    client.post("/provider/solutions/new", data=claimed)
    solution = db.session.scalars(sa.select(Solution)).one()
    login_as(make.user(Role.ADMIN)).post(
        f"/admin/providers/solutions/{solution.id}/verify-support", data={"verified_on": "2026-11-21"}
    )
    db.session.expire_all()
    assert solution.support_verified
    client.post(f"/provider/solutions/{solution.id}/edit", data={**claimed, "support_note": "另一目录"})
    db.session.expire_all()
    assert not solution.support_verified  # a changed claim needs verifying again


def test_recommendation_needs_consent_and_is_seen_by_the_company(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make, choice=1)
    user = make.user(Role.PROVIDER)
    client = login_as(user)
    client.post("/provider/solutions/new", data=SOLUTION_FORM)
    solution = db.session.scalars(sa.select(Solution)).one()
    form = {"solution_id": solution.id, "message": "建议先做设备联网"}
    assert client.post(f"/provider/assessments/{assessment.id}/recommend", data=form).status_code == 404
    consent.grant(
        admin.company,
        assessment,
        user.provider_org,
        ConsentMode.SHARE,
        consent.local_today() + timedelta(days=5),
        admin,
    )
    assert client.post(f"/provider/assessments/{assessment.id}/recommend", data=form).status_code == 302
    assert db.session.scalars(sa.select(Recommendation)).one().message == "建议先做设备联网"
    company = login_as(admin)
    assert "建议先做设备联网" in company.get(f"/company/assessments/{assessment.id}/result").get_data(
        as_text=True
    )
    assert "设备上云快线" in company.get("/company/sharing/").get_data(as_text=True)


def test_lead_list_and_anonymous_gaps_suppress_small_groups(make: Factory, login_as: LoginAs) -> None:
    for _ in range(5):
        submitted(make, choice=1, city="揭阳市")
    for _ in range(2):
        submitted(make, choice=1, city="梅州市", district="梅江区")
    shared, admin = submitted(make, choice=1, city="梅州市", district="梅江区")
    user = make.user(Role.PROVIDER)
    org = user.provider_org
    org.cities_served = ["揭阳市", "梅州市"]
    db.session.commit()
    services.save_solution(
        org,
        {
            "name": "设备上云",
            "summary": "x",
            "modules": [],
            "cloud_kinds": ["cloud_equipment"],
            "actions": ["cloud_equipment_realtime"],
            "all_clusters": True,
            "sizes": ["small"],
            "deployments": ["public"],
            "price_band": "5-20",
            "duration": "1-3m",
        },
    )
    rows = {(g.city, g.gap): g.count for g in services.gap_counts(org)}
    assert rows[("揭阳市", "cloud_equipment")] == 5
    assert rows[("梅州市", "cloud_equipment")] is None  # 3 companies: suppressed
    shared.company.contact_name, shared.company.contact_phone = "黄伟明", "0753-2222001"
    consent.grant(
        admin.company,
        shared,
        org,
        ConsentMode.SHARE,
        consent.local_today() + timedelta(days=5),
        admin,
        note="请帮我们看看设备上云方案",
    )
    html = login_as(user).get("/provider/").get_data(as_text=True)
    # the lead says what the company asked for and how to reach it
    assert shared.company.name in html and "请帮我们看看设备上云方案" in html
    assert "黄伟明" in html and 'href="tel:0753-2222001"' in html and admin.email in html
    # the suppressed group is counted in one line, not listed as a row of "fewer than 5"
    assert "少于 5 家" not in html and "另有 1 组不足 5 家，未列出。" in html
    others = [c.name for c in services.all_orgs()]
    assert org.name in others
    # no other company's name appears on the provider's dashboard
    from portal.models import Company

    names = [c.name for c in db.session.scalars(sa.select(Company)) if c.id != shared.company_id]
    assert not any(name in html for name in names)
