"""A required evidence figure is marked required, counted in progress, and named in words with a link to
its field on the review page (it once left 提交评估 disabled at 61/61 and was named by its internal key)."""

from __future__ import annotations

import re

from fixture_types import LoginAs
from tests_support import Factory, answer_everything

import questionnaires
from portal.assessments import saving
from portal.assessments import services as assessments
from portal.instruments import instrument_of
from portal.models import Role

ITEM, FIGURE = "cloud.equipment.networked_share", "production_devices_total"


def test_missing_required_figure_is_marked_counted_and_named(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    draft = assessments.start(admin.company, "gd-mfg-dt", admin)
    answer_everything(draft, admin)
    answer = draft.answer_map()[ITEM]
    without_figure = {**answer, "evidence": {k: v for k, v in answer["evidence"].items() if k != FIGURE}}
    saving.save(draft.id, [saving.Change(ITEM, without_figure, None)], admin)

    progress = questionnaires.progress(instrument_of(draft), draft.answer_map(), admin.company.cluster)
    assert progress.answered == progress.total - 1  # the item does not count as done without its figure

    client = login_as(admin)
    module = client.get(f"/company/assessments/{draft.id}/modules/cloud").get_data(as_text=True)
    field_id = re.escape(ITEM) + r"[^\"]*" + FIGURE
    assert re.search(rf'<label for="{field_id}">生产设备总数（台）<span class="req"', module)
    assert re.search(rf'id="{field_id}" aria-required="true"', module)

    review = client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", review)
    assert "生产设备总数" in visible and FIGURE not in visible  # named in words, not by its key
    assert re.search(rf'href="/company/assessments/{draft.id}/modules/cloud#{field_id}"', review)
    assert re.search(r"<button class=\"btn\" type=\"submit\" disabled>", review)


def test_contradictions_are_warned_at_the_questions_and_on_the_review_page(
    login_as: LoginAs, make: Factory
) -> None:
    admin = make.user(Role.ENTERPRISE)
    draft = assessments.start(admin.company, "gd-mfg-dt", admin)  # profile: 120 employees
    answer_everything(draft, admin)
    saving.save(
        draft.id,
        [saving.Change("org.employees", 35, None), saving.Change("org.digital_staff", 35, None)],
        admin,
    )
    client = login_as(admin)
    page = client.get(f"/company/assessments/{draft.id}/modules/org")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<div role="status"><ul class="warnings">' in html
    assert "企业员工总数 35 人，而企业资料中的从业人员为 120 人" in html
    review = client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True)
    assert "请核对" in review and "不少于企业员工总数（35 人）" in review
    assert draft.answer_map()["org.employees"] == 35  # a warning, not a refusal: the answer is kept
