"""The company workspace (/company/) shows each person their company's rounds, the draft to continue, the
modules assigned to them and one next step; every page names a round the same way ("T1 · <问卷名称>")."""

from __future__ import annotations

import re

from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory, answer_everything, submitted

from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import Role, User

GD_TITLE = "广东制造业数字化转型成熟度评估"


def _text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _complete_profile(user: User) -> None:
    user.company.cluster, user.company.founded_year = "c05", 2009
    db.session.commit()


def test_new_company_admin_is_asked_for_the_profile_first_then_to_start(
    login_as: LoginAs, make: Factory
) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    page = _text(client, "/company/")
    assert "评估问卷即将开放" not in page
    assert "先完善企业信息" in page
    _complete_profile(admin)
    page = _text(client, "/company/")
    assert "还没有评估" in page and "开始评估" in page


def test_draft_is_shown_with_progress_and_a_way_back_in(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    _complete_profile(admin)
    draft = assessments.start(admin.company, "gd-mfg-dt", admin)
    html = login_as(admin).get("/company/").get_data(as_text=True)
    assert f"T0 · {GD_TITLE}" in html
    assert "正在填报" in html
    assert f'href="/company/assessments/{draft.id}"' in html  # continue: no resume point yet → overview
    assert re.search(r'<progress class="progress"[^>]*aria-label="总体完成度"', html)


def test_colleague_sees_the_modules_assigned_to_them(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    _complete_profile(admin)
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False, name="王工")
    draft = assessments.start(admin.company, "gd-mfg-dt", admin)
    assessments.set_assignments(draft, "cloud", [colleague.id])
    db.session.commit()
    page = _text(login_as(colleague), "/company/")
    assert "分配给我的模块" in page and "上云上平台" in page
    assert "你负责的模块“上云上平台”还有" in page
    assert "分配给我的模块" not in _text(login_as(admin), "/company/")


def test_after_submitting_the_next_step_is_the_result_and_rounds_are_numbered(
    login_as: LoginAs, make: Factory
) -> None:
    first, admin = submitted(make, cluster="c05", founded_year=2009)
    page = _text(login_as(admin), "/company/")
    assert f"T0 · {GD_TITLE} 已提交" in page and "查看结果" in page
    second = assessments.start(admin.company, "gd-mfg-dt", admin)
    answer_everything(second, admin)
    index = _text(login_as(admin), "/company/assessments/")
    assert "T0" in index and "T1" in index
    assert "gd-mfg-dt" not in index  # the instrument by its title, never its identifier
    overview = login_as(admin).get(f"/company/assessments/{second.id}").get_data(as_text=True)
    assert f"T1 · {GD_TITLE}" in overview
    assert "内容指纹" not in overview and first.instrument_hash[:12] not in overview


def test_workspace_in_english(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE, locale="en")
    _complete_profile(admin)
    page = _text(login_as(admin), "/company/")
    assert "Next step" in page and "No assessment yet" in page


def test_english_workspace_marks_chinese_data_and_names_units_in_english(
    login_as: LoginAs, make: Factory
) -> None:
    admin = make.user(Role.ENTERPRISE, locale="en", name="陈志强")
    _complete_profile(admin)
    html = login_as(admin).get("/company/").get_data(as_text=True)
    assert f'<h1><span lang="zh-CN">{admin.company.name}</span></h1>' in html
    assert '<span lang="zh-CN">陈志强</span>' in html
    assert "Manufacture of metal products" in html  # industry 33 by name, in English
