"""Start the next round from the last one (issue 20): a T1 pre-filled from the company's latest submitted T0
on the newest published version; answers to items that changed are not carried and are listed; carried
answers go through the one save path and are pointed out until someone changes them."""

from __future__ import annotations

from dataclasses import replace
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from tests_support import Factory, submitted

import questionnaires
from portal.assessments import carry, saving
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentStatus, Role
from portal.models.assessment import AnswerChange

START = "/company/assessments/start-from-previous"


def _rounds(company_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment).where(Assessment.company_id == company_id).order_by(Assessment.id)
        )
    )


def _first_single_item(instrument: questionnaires.Instrument) -> questionnaires.Item:
    return next(i for i in instrument.items if i.type == "single" and i.show_if is None and not i.clusters)


def _with_an_extra_option(instrument: questionnaires.Instrument, item_id: str) -> questionnaires.Instrument:
    """The instrument as an earlier version that offered one more option for this item."""
    module = instrument.module_of(item_id)
    item = instrument.item(item_id)
    older = replace(item, options=(*item.options, replace(item.options[0], id="retired")))
    items = tuple(older if i.id == item_id else i for i in module.items)
    modules = tuple(replace(m, items=items) if m.id == module.id else m for m in instrument.modules)
    return replace(instrument, modules=modules)


def test_t1_started_from_t0_has_t0_answers(login_as: LoginAs, make: Factory) -> None:
    t0, admin = submitted(make)
    client = login_as(admin)
    assert "沿用上一轮（T0）开始新一轮" in client.get("/company/assessments/").get_data(as_text=True)
    answer = client.post(START, data={"instrument_id": t0.instrument_id})
    t1 = _rounds(t0.company_id)[-1]
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/company/assessments/{t1.id}")
    assert t1.id != t0.id and t1.status is AssessmentStatus.DRAFT and t1.carried_from_id == t0.id
    assert t1.answer_map() == t0.answer_map() and t1.answer_map()
    # written through the save path: every carried answer has its history entry, by the admin
    changes = db.session.scalars(sa.select(AnswerChange).where(AnswerChange.assessment_id == t1.id)).all()
    assert {c.item_id for c in changes} == set(t0.answer_map()) and {c.user_id for c in changes} == {admin.id}
    overview = unescape(client.get(answer.headers["Location"]).get_data(as_text=True))
    assert "T1 · " in overview and "沿用上一轮的回答" in overview and "上一轮的回答已全部带入" in overview
    module = instrument_of(t1).modules[0]
    page = unescape(client.get(f"/company/assessments/{t1.id}/modules/{module.id}").get_data(as_text=True))
    answered = [i for i in module.items if i.id in t0.answer_map()]
    assert f"本模块有 {len(answered)} 道题沿用上一轮的回答（T0 · " in page
    assert page.count("），请核对") == len(answered)  # on each carried question


def test_an_answer_to_a_changed_item_is_not_carried_and_is_listed(
    login_as: LoginAs, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    t0, admin = submitted(make)
    changed = _first_single_item(instrument_of(t0))
    older = _with_an_extra_option(instrument_of(t0), changed.id)

    def versions(assessment: Any) -> questionnaires.Instrument:
        current = instrument_of(assessment)
        return older if assessment.id == t0.id else current

    monkeypatch.setattr(carry, "instrument_of", versions)
    client = login_as(admin)
    client.post(START, data={"instrument_id": t0.instrument_id})
    t1 = _rounds(t0.company_id)[-1]
    carried = t1.answer_map()
    assert changed.id not in carried and changed.id in t0.answer_map()
    assert carried == {k: v for k, v in t0.answer_map().items() if k != changed.id}
    overview = unescape(client.get(f"/company/assessments/{t1.id}").get_data(as_text=True))
    left = overview.split("未带入的回答", 1)[1].split("</ul>", 1)[0]
    assert changed.text_zh in left and "题型或选项已改变" in left


def test_t1_is_submitted_after_editing_one_answer(login_as: LoginAs, make: Factory) -> None:
    t0, admin = submitted(make)
    client = login_as(admin)
    client.post(START, data={"instrument_id": t0.instrument_id})
    t1 = _rounds(t0.company_id)[-1]
    instrument = instrument_of(t1)
    # a different answer to a question that opens no follow-up question
    before = t0.answer_map()
    edited, new_value = next(
        (item, option.id)
        for item in instrument.items
        if item.type == "single" and item.id in before
        for option in item.options
        if option.id != before[item.id]
        and not questionnaires.missing_required(instrument, {**before, item.id: option.id}, None)
    )
    result = saving.save(t1.id, [saving.Change(edited.id, new_value, 1)], admin)
    assert not result.conflicts
    module = instrument.module_of(edited.id)
    page = unescape(client.get(f"/company/assessments/{t1.id}/modules/{module.id}").get_data(as_text=True))
    answered = [i for i in module.items if i.id in t0.answer_map()]
    assert f"本模块有 {len(answered) - 1} 道题沿用上一轮的回答" in page  # the edited one is no longer
    # each carried, unchanged question says so; the edited one shows who changed it instead
    assert page.count("），请核对") == len(answered) - 1
    edited_box = page.split(f'id="item-{edited.id.replace(".", "-")}"', 1)[1].split("</fieldset>", 1)[0]
    assert "沿用上一轮的回答" not in edited_box
    assert f'最近由 <span lang="zh-CN">{admin.name}</span> 修改于' in edited_box  # the name is Chinese data
    answer = client.post(f"/company/assessments/{t1.id}/submit", data={"attest": "y"}, follow_redirects=True)
    assert "评估已提交" in answer.get_data(as_text=True), answer.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    t1 = db.session.get(Assessment, t1.id)
    assert t1 is not None and t1.status is AssessmentStatus.SUBMITTED
    assert t1.answer_map()[edited.id] == new_value
    assert carry.previous_round(t1.company, t1.instrument_id) == t1  # the next round starts from T1


def test_only_with_a_submitted_round_and_no_round_in_progress(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    refused = client.post(START, data={"instrument_id": "gd-mfg-dt"}, follow_redirects=True)
    assert "还没有已提交的上一轮评估" in refused.get_data(as_text=True)
    assert "沿用上一轮" not in client.get("/company/assessments/").get_data(as_text=True)
    assert _rounds(admin.company_id) == []
    t0, owner = submitted(make)
    client = login_as(owner)
    client.post(START, data={"instrument_id": t0.instrument_id})
    again = client.post(START, data={"instrument_id": t0.instrument_id}, follow_redirects=True)
    assert "已有一轮正在填报" in again.get_data(as_text=True)
    assert len(_rounds(t0.company_id)) == 2
    member = make.user(Role.ENTERPRISE, company=t0.company, is_company_admin=False)
    assert login_as(member).post(START, data={"instrument_id": t0.instrument_id}).status_code == 403
    for hostile in ["", "nope", "../gd-mfg-dt", "x" * 5000]:
        assert login_as(owner).post(START, data={"instrument_id": hostile}).status_code == 302


def test_the_plan_leaves_removed_and_retyped_items() -> None:
    instrument = questionnaires.latest_published("gd-mfg-dt")
    single = _first_single_item(instrument)
    others = [i for i in instrument.items if i.type == "single" and i.show_if is None and i.id != single.id]
    retyped = others[0]
    module = instrument.module_of(retyped.id)
    gone = replace(retyped, id="gone.item")
    as_text = replace(retyped, type="text", options=())
    items = (*(as_text if i.id == retyped.id else i for i in module.items), gone)
    old = replace(
        instrument,
        modules=tuple(replace(m, items=items) if m.id == module.id else m for m in instrument.modules),
    )
    answers = {single.id: single.options[0].id, retyped.id: "说明", "gone.item": retyped.options[0].id}
    planned = carry.plan(old, instrument, answers, None)
    assert planned.carried == {single.id: single.options[0].id}
    assert {(e.item.id, e.reason) for e in planned.left} == {
        (retyped.id, "changed"),
        ("gone.item", "removed"),
    }


def test_english_pages(login_as: LoginAs, make: Factory) -> None:
    t0, admin = submitted(make)
    client = login_as(admin)
    client.post("/lang/en", data={"next": "/"})
    index = client.get("/company/assessments/").get_data(as_text=True)
    assert "Start a new round from the last one (T0)" in index
    client.post(START, data={"instrument_id": t0.instrument_id})
    t1 = _rounds(t0.company_id)[-1]
    overview = unescape(client.get(f"/company/assessments/{t1.id}").get_data(as_text=True))
    assert "Answers carried over from the last round" in overview and "沿用上一轮" not in overview
