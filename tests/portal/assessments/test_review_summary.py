"""Before the 真实性承诺 is signed, the review page shows every answer by module (issue 20): one collapsible
block per module, each question shown to the company with its answer in words in the reader's language and
a link back to the question; questions still open are marked."""

from __future__ import annotations

from html import unescape

from fixture_types import LoginAs
from tests_support import Factory, answer_everything

import questionnaires
from portal.assessments import services as assessments
from portal.instruments import instrument_of
from portal.models import Role


def test_the_review_page_lists_every_answer_by_module_in_words(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    assert user.company is not None
    draft = assessments.start(user.company, "gd-mfg-dt", user)
    answer_everything(draft, user, choice=1)
    instrument = instrument_of(draft)
    answers = draft.answer_map()
    shown = questionnaires.visible_items(instrument, answers, user.company.cluster)
    single = next(i for i in shown if i.type == "single")
    chosen = single.option(questionnaires.answer_value(answers[single.id]))
    assert chosen is not None
    client = login_as(user)
    page = unescape(client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True))
    summary = page.split('id="answer-summary"', 1)[1].split("</section>", 1)[0]
    modules = {i.module_id for i in shown}
    assert summary.count('<details class="summary-module">') == len(modules)
    for module in instrument.modules:
        if module.id in modules:
            assert module.title_zh in summary
    assert summary.count("<dt>") == len(shown)
    # an answer in words: the option's text, with the way back to its question
    row = summary.split(single.text_zh, 1)[1].split("</dd>", 1)[0]
    assert chosen.text_zh in row
    assert f"/modules/{single.module_id}#item-{single.id.replace('.', '-')}" in row
    assert "未作答" not in summary

    client.post("/lang/en")
    english = unescape(client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True))
    row = english.split(single.text_en, 1)[1].split("</dd>", 1)[0]
    assert chosen.text_en in row and ">Edit</a>" in row and "All answers" in english


def test_an_open_question_is_marked_and_a_submitted_round_has_no_edit_links(
    login_as: LoginAs, make: Factory
) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company())
    assert user.company is not None
    draft = assessments.start(user.company, "gd-mfg-dt", user)
    client = login_as(user)
    page = unescape(client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True))
    summary = page.split('id="answer-summary"', 1)[1].split("</section>", 1)[0]
    assert summary.count("未作答") == summary.count("<dt>") > 0
    answer_everything(draft, user, choice=2)
    assessments.submit(draft, user, attested=True)
    page = unescape(client.get(f"/company/assessments/{draft.id}/review").get_data(as_text=True))
    summary = page.split('id="answer-summary"', 1)[1].split("</section>", 1)[0]
    assert "<dt>" in summary and "#item-" not in summary
