"""Assessor review: appointments, the jurisdiction an assessor may review, item-by-item decisions (an
adjustment or rejection needs a comment), sign-off rescored with the engine, the company's view, audit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, answer_everything

import questionnaires
from portal.assessments import services as assessments
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentResult, JurisdictionLevel, PlatformEvent, Role, User
from portal.results import services as results
from portal.review import decisions
from portal.review.models import AssessmentReview, AssessorAppointment, ReviewStatus
from scoring import maturity

MIIT = "miit-sme-digital"


def _miit_submitted(make: Factory, city: str = "揭阳市", district: str = "榕城区") -> tuple[Assessment, User]:
    member = make.user(
        Role.ENTERPRISE, company=make.company(city=city, district=district, size_class="small")
    )
    assert member.company is not None
    assessment = assessments.start(member.company, MIIT, member)
    answer_everything(assessment, member, choice=3)
    assessments.submit(assessment, member, attested=True)
    return assessment, member


def _bureau(make: Factory, city: str = "揭阳市") -> User:
    return make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city=city)


def _appointed(make: Factory, login_as: LoginAs, officer: User) -> User:
    assessor = make.user(Role.PROVIDER)
    response = login_as(officer).post("/bureau/assessors", data={"email": assessor.email})
    assert response.status_code == 302
    return assessor


def _form(assessment: Assessment, decision: str = "confirm", **overrides: dict[str, Any]) -> dict[str, Any]:
    """Every visible item confirmed, with the given items' fields replaced (item id -> {d, v, c})."""
    instrument = instrument_of(assessment)
    answers = assessment.answer_map()
    form: dict[str, Any] = {}
    for item in questionnaires.visible_items(instrument, answers, assessment.company.cluster):
        form[f"d-{item.id}"] = decision
    for item_id, fields in overrides.items():
        for key, value in fields.items():
            form[f"{key}-{item_id}"] = value
    return form


def _single_item(assessment: Assessment) -> tuple[str, str]:
    """A single-choice item and an option other than the company's answer."""
    instrument = instrument_of(assessment)
    answers = assessment.answer_map()
    for item in questionnaires.visible_items(instrument, answers, assessment.company.cluster):
        if item.type == "single":
            current = questionnaires.answer_value(answers[item.id])
            return item.id, next(o for o in item.option_ids if o != current)
    raise AssertionError("no single-choice item")


def test_appointment_and_the_jurisdiction_an_assessor_may_review(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    inside, _ = _miit_submitted(make, "揭阳市")
    outside, _ = _miit_submitted(make, "梅州市", "梅江区")
    officer = _bureau(make)
    stranger = make.user(Role.PROVIDER)
    assert login_as(stranger).get(f"/provider/reviews/{inside.id}").status_code == 404  # not appointed
    assessor = _appointed(make, login_as, officer)
    client = login_as(assessor)
    queue = client.get("/provider/reviews/").get_data(as_text=True)
    assert inside.company.name in queue and outside.company.name not in queue
    assert client.get(f"/provider/reviews/{inside.id}").status_code == 200
    assert client.get(f"/provider/reviews/{outside.id}").status_code == 404
    # only provider users can be appointed; another bureau cannot revoke this one's appointment
    company_user = make.user(Role.ENTERPRISE)
    login_as(officer).post("/bureau/assessors", data={"email": company_user.email})
    appointed = set(db.session.scalars(sa.select(AssessorAppointment.user_id)))
    assert appointed == {assessor.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentReview)) == 1
    other_bureau = _bureau(make, "梅州市")
    appointment = db.session.scalar(
        sa.select(AssessorAppointment).where(AssessorAppointment.user_id == assessor.id)
    )
    assert appointment is not None
    assert login_as(other_bureau).post(f"/bureau/assessors/{appointment.id}/revoke").status_code == 404
    assert login_as(officer).post(f"/bureau/assessors/{appointment.id}/revoke").status_code == 302
    assert client.get(f"/provider/reviews/{inside.id}").status_code == 404  # revoked
    actions = set(db.session.scalars(sa.select(PlatformEvent.action)))
    assert {"appoint_assessor", "revoke_assessor", "open_review"} <= actions


def test_adjustment_and_rejection_need_a_comment(app: Flask, make: Factory, login_as: LoginAs) -> None:
    assessment, _ = _miit_submitted(make)
    assessor = _appointed(make, login_as, _bureau(make))
    client = login_as(assessor)
    client.get(f"/provider/reviews/{assessment.id}")
    item_id, other = _single_item(assessment)
    url = f"/provider/reviews/{assessment.id}"
    for fields in ({"d": "adjust", "v": other, "c": ""}, {"d": "reject", "c": "   "}):
        response = client.post(url, data={**_form(assessment, **{item_id: fields}), "action": "save"})
        assert response.status_code == 422
        assert "必须填写核查意见" in response.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(decisions.ReviewDecision)) == 0
    hostile = {"d": "adjust", "v": "Z-not-an-option", "c": "理由"}
    response = client.post(url, data={**_form(assessment, **{item_id: hostile}), "action": "save"})
    assert response.status_code == 422
    response = client.post(url, data={**_form(assessment, decision="maybe"), "action": "save"})
    assert response.status_code == 422


def test_sign_off_rescores_and_the_company_sees_every_adjustment(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    assessment, member = _miit_submitted(make)
    self_reported = results.latest_row(assessment)
    assert self_reported is not None
    reported_level, reported_points = self_reported.miit_level, self_reported.miit_points
    assessor = _appointed(make, login_as, _bureau(make))
    client = login_as(assessor)
    client.get(f"/provider/reviews/{assessment.id}")
    url = f"/provider/reviews/{assessment.id}"
    item_id, other = _single_item(assessment)
    partial = {f"d-{item_id}": "confirm", "action": "sign_off"}
    response = client.post(url, data=partial)
    assert response.status_code == 422  # not every item decided: refused, and nothing saved
    assert db.session.scalar(sa.select(sa.func.count()).select_from(decisions.ReviewDecision)) == 0
    instrument = instrument_of(assessment)
    rejected = next(
        i.id
        for i in questionnaires.visible_items(instrument, assessment.answer_map(), assessment.company.cluster)
        if i.type == "scenario_level"
    )
    form = _form(
        assessment,
        **{
            item_id: {"d": "adjust", "v": other, "c": "现场核实系统覆盖范围小于填报"},
            rejected: {"d": "reject", "c": "未提供佐证材料"},
        },
    )
    assert client.post(url, data={**form, "action": "sign_off"}).status_code == 302
    review = db.session.scalar(
        sa.select(AssessmentReview).where(AssessmentReview.assessment_id == assessment.id)
    )
    assert review is not None and review.status is ReviewStatus.SIGNED_OFF
    # the confirmed level is the engine's on the answers as confirmed, stored beside the self-reported one
    confirmed = dict(assessment.answer_map())
    original = confirmed[item_id]
    confirmed[item_id] = {**original, "value": other} if isinstance(original, dict) else other
    confirmed.pop(rejected)
    expected = maturity.score(instrument, confirmed, profile=results.profile_of(assessment.company)).miit
    assert expected is not None
    assert review.confirmed_miit_level == expected.level
    assert review.confirmed_miit_points == expected.points["total"]
    assert review.confirmed_miit_points != reported_points
    rows = db.session.scalars(
        sa.select(AssessmentResult).where(AssessmentResult.assessment_id == assessment.id)
    )
    assert [(r.miit_level, r.miit_points) for r in rows] == [(reported_level, reported_points)]
    # signed off: nothing changes any more
    assert client.post(url, data={**_form(assessment), "action": "save"}).status_code == 422
    # the company reads the confirmed level, who confirmed it, and each adjustment with its reason
    page = login_as(member).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert 'id="verified"' in page and assessor.name in page
    assert "现场核实系统覆盖范围小于填报" in page and "未提供佐证材料" in page
    assert "不予认可" in page
    english = login_as(member)
    english.post("/lang/en")
    page_en = english.get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "On-site review" in page_en and "Not accepted" in page_en
    events = list(
        db.session.scalars(sa.select(PlatformEvent).where(PlatformEvent.company_id == assessment.company_id))
    )
    actions = [e.action for e in events]
    # one per item: the refused sign-off saved nothing
    assert actions.count("review_item") == len([k for k in form if k.startswith("d-")])
    assert "sign_off_review" in actions
    assert any("未提供佐证材料" in (e.detail or "") for e in events)
