"""The upgrade plan on the result page and in the API (one ResultView): default target by city, the plan
form's target, objective, keep and leave-out choices, and hostile form values that never give a 500."""

from __future__ import annotations

from urllib.parse import urlencode

from fixture_types import LoginAs
from tests_support import Factory, answer_everything, submitted

from portal.assessments import services as assessments
from portal.models import Assessment, Role, User
from portal.results.view import build_result_view

MIIT = "miit-sme-digital"


def _miit(make: Factory, city: str, choice: int = 0) -> tuple[Assessment, User]:
    user = make.user(Role.ENTERPRISE, company=make.company(city=city))
    assessment = assessments.start(user.company, MIIT, user)
    answer_everything(assessment, user, choice)
    assessments.submit(assessment, user, attested=True)
    return assessment, user


def test_pilot_city_companies_plan_to_level_2_by_default(login_as: LoginAs, make: Factory) -> None:
    assessment, user = _miit(make, "揭阳市")
    view = build_result_view(assessment, "zh")
    assert view.plan is not None and view.plan.target == "miit-2"
    page = login_as(user).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "升级方案：达到中小企业数字化水平二级" in page and "全部改进点（升级路线图）" in page
    english = (
        login_as(user).get(f"/company/assessments/{assessment.id}/result?lang=en").get_data(as_text=True)
    )
    assert "Upgrade plan: reach MIIT SME digital level 2" in english


def test_elsewhere_the_default_is_the_next_level(make: Factory) -> None:
    assessment, _user = _miit(make, "深圳市")
    view = build_result_view(assessment, "zh")
    assert (
        view.plan is not None
        and view.plan.target == f"miit-{min(4, (view.miit.level if view.miit else 0) + 1)}"
    )


def test_the_plan_form_chooses_target_objective_and_leaves_steps_out(
    login_as: LoginAs, make: Factory
) -> None:
    assessment, user = _miit(make, "揭阳市")
    client = login_as(user)
    first = build_result_view(assessment, "zh").plan
    assert first is not None and first.status == "planned" and first.steps
    left_out = first.steps[0]
    url = f"/company/assessments/{assessment.id}/result?target=miit-2&objective=cost&exclude={left_out.item}"
    page = client.get(url).get_data(as_text=True)
    assert "最省钱" in page
    plan = client.get(f"/api/v1/assessments/{assessment.id}/result").get_json()["view"]["plan"]
    assert plan["target"] == "miit-2" and plan["steps"]  # the API states the default plan, as the PDF does
    assert [s["question"] for s in plan["steps"]] == [s.question for s in first.steps]
    excluded = client.get(url).get_data(as_text=True)
    assert f'value="{left_out.item}" checked' in excluded  # the leave-out choice is kept in the form


def test_hostile_plan_form_values_fall_back_to_the_default(login_as: LoginAs, make: Factory) -> None:
    assessment, user = submitted(make, choice=1, cluster="c05")
    client = login_as(user)
    for query in (
        "target=dim-../../etc-9",
        "target=miit-7&objective=%3Cscript%3E",
        "target=overall-%C2%B2",
        "pin=cloud.ops.scope|%7Bnot-json&pin=nope|1&exclude=" + "x" * 500,
        "target=dim-cloud-3&pin=cloud.ops.scope|%5B%22Z%22%5D",
    ):
        response = client.get(f"/company/assessments/{assessment.id}/result?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True).split("升级方案")[1][:2000]


def test_a_kept_step_stays_in_the_plan_of_another_target(login_as: LoginAs, make: Factory) -> None:
    assessment, user = _miit(make, "揭阳市")
    first = build_result_view(assessment, "zh").plan
    assert first is not None and first.steps
    kept = first.steps[-1]
    query = urlencode({"target": "miit-1", "pin": kept.pin})
    page = login_as(user).get(f"/company/assessments/{assessment.id}/result?{query}").get_data(as_text=True)
    plan_part = page.split('id="plan"')[1].split('id="roadmap"')[0]
    assert kept.question in plan_part and "checked> 必做" in plan_part
