"""Help where people answer: each module's estimated time, the glossary reachable from the questions that
use a term, and facts the company already gave offered (not asked again) in empty fields."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory

from portal.assessments import saving, services
from portal.extensions import db
from portal.models import Answer, Assessment, Role, User

GD, MIIT = "gd-mfg-dt", "miit-sme-digital"


@pytest.fixture
def admin(make: Factory) -> User:
    return make.user(Role.ENTERPRISE)


def _page(client: FlaskClient, assessment: Assessment, module: str, **query: str) -> str:
    response = client.get(f"/company/assessments/{assessment.id}/modules/{module}", query_string=query)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def _fieldset(html: str, item_id: str) -> str:
    start = html.index(f'id="item-{item_id.replace(".", "-")}"')
    return html[start:].split("</fieldset>")[0]


def _stored(assessment: Assessment, item_id: str) -> object:
    return db.session.scalar(
        sa.select(Answer.value).where(Answer.assessment_id == assessment.id, Answer.item_id == item_id)
    )


# ------------------------------------------------------------------------------------- time estimates


def test_overview_and_module_page_show_the_estimated_time(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    overview = client.get(f"/company/assessments/{assessment.id}").get_data(as_text=True)
    per_module = [int(n) for n in re.findall(r"约 (\d+) 分钟</td>", overview)]
    assert len(per_module) == 4 and all(n >= 1 for n in per_module)
    assert f"全部模块预计用时约 {sum(per_module)} 分钟" in overview
    assert re.search(r"预计用时约 \d+ 分钟（16 道题）", _page(client, assessment, "ops"))
    english = _page(client, assessment, "ops", lang="en")
    assert re.search(r"About \d+ minutes \(16 questions\)", english)


# ------------------------------------------------------------------------------------------- glossary


def test_a_question_using_a_term_links_its_glossary_entry(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    html = _page(client, assessment, "net")
    tsn = _fieldset(html, "net.tsn")
    assert "<details" in tsn and "时间敏感网络" in tsn and 'href="/glossary#tsn"' in tsn
    ipv6 = _fieldset(html, "net.ipv6")
    assert "<details" not in ipv6  # no term, no disclosure
    english = _page(client, assessment, "net", lang="en")
    assert "Terms explained: TSN (time-sensitive networking)" in english


def test_the_on_platform_entry_gives_the_reading_of_the_assessments_version(
    login_as: LoginAs, admin: User
) -> None:
    assessment = services.start(admin.company, GD, admin)
    assessment.instrument_version = "2025.1"
    assessment.instrument_hash = __import__("questionnaires").load(GD, "2025.1").content_hash
    db.session.commit()
    old = _page(login_as(admin), assessment, "platform")
    assert "2025.1 版：" in old and "2025.2 版：" not in old


def test_binding_scenarios_are_marked_and_linked(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    html = _page(login_as(admin), assessment, "ops")
    assert html.count('href="/glossary#binding-scenario">约束性场景</a>') == 10


def test_the_glossary_is_public_with_anchors_sources_and_both_languages(client: FlaskClient) -> None:
    zh = client.get("/glossary")
    assert zh.status_code == 200
    html = zh.get_data(as_text=True)
    for anchor in ("tsn", "identifier-resolution", "binding-scenario", "on-platform", "5g-factory", "mes"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert "《广东省制造业数字化转型实施方案（2021—2025年）》（粤府〔2021〕45号）" in html
    assert "本平台释义" in html
    en = client.get("/glossary?lang=en").get_data(as_text=True)
    assert "Time-sensitive networking" in en or "TSN (time-sensitive networking)" in en
    assert "Glossary" in en and "术语表" not in en.split("<main", 1)[-1].split("lang-switch")[0]
    assert '<span lang="zh-CN">《广东省制造业数字化转型实施方案' in en  # Chinese titles marked as such


# -------------------------------------------------------------------------------------------- pre-fill


def test_profile_figures_are_offered_with_their_source_and_saved_only_when_accepted(
    login_as: LoginAs, admin: User
) -> None:
    admin.company.employees = 120
    admin.company.revenue_wan = Decimal("3456.70")
    db.session.commit()
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    html = _page(client, assessment, "org")
    assert 'name="org.employees" step="1" type="number" value="120"' in html
    assert 'name="org.revenue"' in html and 'value="3456.7"' in html
    assert html.count("来自企业资料，") == 2 and "尚未保存" in html
    assert _stored(assessment, "org.employees") is None  # a suggestion, not an answer yet
    # accepting without JavaScript posts the module form, which holds the figures: the one save path
    saved = client.post(
        f"/company/assessments/{assessment.id}/modules/org",
        data={"org.employees": "120", "org.revenue": "3456.7"},
    )
    assert saved.status_code == 302
    assert _stored(assessment, "org.employees") == 120
    assert "来自企业资料" not in _page(client, assessment, "org")


def test_an_answer_is_never_replaced_by_a_suggestion(login_as: LoginAs, admin: User) -> None:
    admin.company.employees = 120
    db.session.commit()
    assessment = services.start(admin.company, GD, admin)
    saving.save(assessment.id, [saving.Change("org.employees", 99, None)], admin)
    employees = _fieldset(_page(login_as(admin), assessment, "org"), "org.employees")
    assert 'value="99"' in employees and 'value="120"' not in employees and "来自企业资料" not in employees


def test_a_figure_the_item_would_refuse_is_not_offered(login_as: LoginAs, admin: User) -> None:
    admin.company.employees = 0  # org.employees asks for at least 1
    db.session.commit()
    assessment = services.start(admin.company, GD, admin)
    employees = _fieldset(_page(login_as(admin), assessment, "org"), "org.employees")
    assert "来自企业资料" not in employees and 'value=""' in employees


def test_the_other_instrument_shares_answers_to_the_same_question(login_as: LoginAs, admin: User) -> None:
    gd = services.start(admin.company, GD, admin)
    saving.save(gd.id, [saving.Change("green.energy_use", 250.5, None)], admin)
    saving.save(gd.id, [saving.Change("org.digital_staff", 7, None)], admin)
    miit = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    html = _page(client, miit, "effect")
    assert 'id="effect.green.energy_intensity::energy_consumption_last_year"' in html
    field = 'name="effect.green.energy_intensity::energy_consumption_last_year" step="any" type="number"'
    assert f'{field} value="250.5"' in html
    assert "来自本企业的《广东制造业数字化转型成熟度评估》问卷，" in html
    assert 'year_before" step="any" type="number" value=""' in html  # nothing for the year before
    english = _page(client, miit, "effect", lang="en")
    assert (
        "from this company&#39;s “Guangdong Manufacturing Digital-Transformation Maturity Assessment”"
        in english
    )


def test_a_submitted_assessment_offers_nothing(login_as: LoginAs, admin: User) -> None:
    admin.company.employees = 120
    db.session.commit()
    assessment = services.start(admin.company, GD, admin)
    assessment.status = services.AssessmentStatus.SUBMITTED
    db.session.commit()
    assert "来自企业资料" not in _page(login_as(admin), assessment, "org")


def test_answers_of_another_company_are_never_offered(login_as: LoginAs, admin: User, make: Factory) -> None:
    other = make.user(Role.ENTERPRISE)
    theirs = services.start(other.company, GD, other)
    saving.save(theirs.id, [saving.Change("green.energy_use", 999, None)], other)
    mine = services.start(admin.company, MIIT, admin)
    html = _page(login_as(admin), mine, "effect")
    assert "999" not in html and "来自本企业" not in html


def test_sharing_works_both_ways_for_evidence_figures(login_as: LoginAs, admin: User) -> None:
    miit = services.start(admin.company, MIIT, admin)
    figures = {"value": None, "evidence": {"production_devices_total": 80, "digitized_devices": 30}}
    saving.save(miit.id, [saving.Change("base.equipment.digitization", figures, None)], admin)
    gd = services.start(admin.company, GD, admin)
    cloud = _fieldset(_page(login_as(admin), gd, "cloud"), "cloud.equipment.networked_share")
    assert 'name="cloud.equipment.networked_share::production_devices_total"' in cloud
    assert (
        'type="number" value="80"' in cloud
        and "来自本企业的《中小企业数字化水平评测指标（2024年版）》问卷" in cloud
    )
    assert 'networked_devices" step="any" type="number" value=""' in cloud  # not the same question
