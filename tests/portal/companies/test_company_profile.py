"""Company profile: edits are saved, the size class is computed with its rule, members cannot edit."""

from __future__ import annotations

from fixture_types import LoginAs
from tests_support import Factory

from portal.extensions import db
from portal.models import Role

PROFILE = {
    "name": "揭阳市宏达五金制品有限公司",
    "city": "揭阳市",
    "district": "揭东区",
    "industry_section": "C",
    "industry_division": "33",
    "cluster": "c05",
    "founded_year": "2009",
    "employees": "350",
    "revenue_wan": "12000",
    "total_assets_wan": "9000",
    "contact_name": "陈",
    "contact_phone": "0663-8888001",
}


def test_admin_edits_profile_and_sees_size_rule(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    response = client.post("/company/profile/edit", data=PROFILE, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "企业信息已保存" in html and "中型" in html
    assert "300号" in html  # the rule that decided is shown
    db.session.refresh(user.company)
    assert user.company.size_class == "medium" and user.company.employees == 350
    assert user.company.bureau_sharing is False  # unticked box withdraws consent


def test_size_boundary_visible_in_profile(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    client.post("/company/profile/edit", data={**PROFILE, "employees": "19", "revenue_wan": "5000"})
    db.session.refresh(user.company)
    assert user.company.size_class == "micro"
    client.post("/company/profile/edit", data={**PROFILE, "employees": "20", "revenue_wan": "300"})
    db.session.refresh(user.company)
    assert user.company.size_class == "small"


def test_invalid_profile_input_is_explained_and_kept(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    bad = {**PROFILE, "employees": "-5", "industry_division": "65"}  # 65 is a division of section I, not C
    html = client.post("/company/profile/edit", data=bad).get_data(as_text=True)
    assert "从业人员（人）不能小于 0。" in html
    assert "所选行业大类不属于所选门类" in html
    assert 'value="-5"' in html
    db.session.refresh(user.company)
    assert user.company.employees == 120  # unchanged


def test_member_sees_profile_read_only(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    client = login_as(member)
    page = client.get("/company/profile")
    assert page.status_code == 200 and admin.company.name in page.get_data(as_text=True)
    assert client.post("/company/profile/edit", data=PROFILE).status_code == 403


def test_consent_change_is_timestamped(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    client.post("/company/profile/edit", data={**PROFILE, "bureau_sharing": "y"})
    db.session.refresh(user.company)
    first = user.company.bureau_sharing_changed_at
    assert user.company.bureau_sharing and first is not None
    client.post("/company/profile/edit", data=PROFILE)
    db.session.refresh(user.company)
    assert not user.company.bureau_sharing and user.company.bureau_sharing_changed_at >= first


def test_out_of_range_long_and_malformed_input_is_refused_in_words_and_kept(
    login_as: LoginAs, make: Factory
) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    form = client.get("/company/profile/edit").get_data(as_text=True)
    assert "maxlength" not in form  # a browser would cut a longer paste without a word
    long_name = "揭阳市" + "宏达" * 118 + "有限公司"  # 243 characters
    data = {**PROFILE, "name": long_name, "revenue_wan": "99999999999", "contact_phone": "abc"}
    html = client.post("/company/profile/edit", data=data).get_data(as_text=True)
    assert f"最多 120 个字，现在是 {len(long_name)} 个。" in html
    assert long_name in html  # kept in the field, not cut
    assert "营业收入（万元）不能大于 1,000,000,000。" in html
    assert "请输入有效的电话号码" in html
    db.session.refresh(user.company)
    assert user.company.name != long_name  # nothing was saved


def test_telephone_numbers_as_people_write_them_are_accepted(login_as: LoginAs, make: Factory) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    for phone in ("0663-8888001", "138 0013 8000", "+86 20 1234 5678", "(020)12345678", "0663-8888001 转 12"):
        response = client.post("/company/profile/edit", data={**PROFILE, "contact_phone": phone})
        assert response.status_code == 302, phone
