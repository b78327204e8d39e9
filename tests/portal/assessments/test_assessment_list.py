"""The assessment list's completion column: the same figures as the assessment's own overview, current after
every save and after the company's industry changes (skip logic may depend on it), for every round."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory, answer_everything

import questionnaires
from portal.assessments import saving
from portal.assessments import services as assessments
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Answer, Role


def _listed(client: FlaskClient) -> list[tuple[int, int]]:
    html = client.get("/company/assessments/").get_data(as_text=True)
    return [(int(a), int(t)) for a, t in re.findall(r"<td>(\d+) / (\d+)</td>", html)]


def _expected(assessment: Any) -> tuple[int, int]:
    progress = questionnaires.progress(
        instrument_of(assessment), assessment.answer_map(), assessment.company.cluster
    )
    return progress.answered, progress.total


def test_list_shows_each_rounds_completion_and_follows_saves(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company(cluster="c05"))
    client = login_as(user)
    first = assessments.start(user.company, "gd-mfg-dt", user)
    answer_everything(first, user)
    assessments.submit(first, user, attested=True)
    second = assessments.start(user.company, "gd-mfg-dt", user)
    assert _listed(client) == [_expected(first), (0, _expected(second)[1])]

    # a choice without a required evidence figure: answering it alone completes it
    item = next(
        i
        for i in instrument_of(second).items
        if i.type == "single" and not any(e.required for e in i.evidence)
    )
    saving.save(second.id, [saving.Change(item.id, item.options[0].id, None)], user)
    db.session.expire_all()
    assert _listed(client)[1] == _expected(second) and _expected(second)[0] == 1

    version = db.session.scalar(sa.select(Answer.version).where(Answer.assessment_id == second.id))
    saving.save(second.id, [saving.Change(item.id, None, version)], user)  # the answer taken back
    db.session.expire_all()
    assert _listed(client)[1] == (0, _expected(second)[1])


def test_list_follows_the_companys_industry(login_as: LoginAs, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company(cluster="c05"))
    client = login_as(user)
    draft = assessments.start(user.company, "gd-mfg-dt", user)
    answer_everything(draft, user)
    before = _listed(client)
    user.company.cluster = "c01"
    db.session.commit()
    db.session.expire_all()
    after = _listed(client)
    assert after == [_expected(draft)]
    assert before != after  # the industry module's items are another cluster's
