"""Assigning a module tells the assignee: a notice with the count in the top bar, the task on "我的任务" and
the workspace (round, due date, progress, a link to the module), and a mail. The picker on the overview is
one form for all modules; due dates are checked (today to a year ahead)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal import mail
from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import Assessment, ModuleAssignment, Notification, Role, User

ROUND = "T0 · 中小企业数字化水平评测指标（2024年版）"


def _text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def team(make: Factory) -> tuple[User, User, Assessment]:
    admin = make.user(Role.ENTERPRISE, name="陈志强")
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False, name="林晓燕")
    return admin, colleague, assessments.start(admin.company, "miit-sme-digital", admin)


def _assign(client: FlaskClient, assessment: Assessment, **fields: str) -> str:
    response = client.post(
        f"/company/assessments/{assessment.id}/assignments", data=fields, follow_redirects=True
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(assessment: Assessment) -> list[tuple[str, int, Any]]:
    db.session.expire_all()
    query = sa.select(ModuleAssignment).where(ModuleAssignment.assessment_id == assessment.id)
    return sorted((r.module_id, r.user_id, r.due_on) for r in db.session.scalars(query))


def test_the_overview_offers_one_picker_for_all_modules(
    login_as: LoginAs, team: tuple[User, User, Assessment]
) -> None:
    admin, colleague, assessment = team
    html = login_as(admin).get(f"/company/assessments/{assessment.id}").get_data(as_text=True)
    picker = html[html.index('class="assign-form"') :]
    picker = picker[: picker.index("</form>")]
    assert picker.count("<select") == picker.count("<legend>") == 4  # a select per module, in one form
    assert 'name="assignee-base"' in picker and 'name="due-base"' in picker
    assert picker.count('type="submit"') == 1
    assert "multiple" not in picker
    member_page = login_as(colleague).get(f"/company/assessments/{assessment.id}").get_data(as_text=True)
    assert "assign-form" not in member_page  # only the administrator assigns


def test_the_assignee_is_notified_and_finds_the_task(
    app: Flask, login_as: LoginAs, team: tuple[User, User, Assessment]
) -> None:
    admin, colleague, assessment = team
    app.extensions["outbox"] = []
    due = assessments.china_today() + timedelta(days=14)
    page = _assign(
        login_as(admin), assessment, **{"assignee-base": str(colleague.id), "due-base": due.isoformat()}
    )
    assert "分工已保存" in page
    assert _rows(assessment) == [("base", colleague.id, due)]

    [sent] = app.extensions["outbox"]
    assert sent["to"] == colleague.email
    assert "数字化基础" in sent["subject"]
    assert f"/company/assessments/{assessment.id}/modules/base" in sent["body"]
    assert due.isoformat() in sent["body"] and ROUND in sent["body"]

    member = login_as(colleague)
    home = member.get("/company/").get_data(as_text=True)
    assert re.search(r'id="notifications-link">通知<span class="count"[^>]*>1</span>', home)
    notices = _text(member, "/notifications/")
    assert f"陈志强 把“数字化基础”（{ROUND}）分配给了你。" in notices
    assert f"截止日期：{due.isoformat()}" in notices
    tasks = _text(member, "/company/tasks")
    assert "数字化基础" in tasks and ROUND in tasks and due.isoformat() in tasks and "0 / " in tasks
    tasks_html = member.get("/company/tasks").get_data(as_text=True)
    assert f'href="/company/assessments/{assessment.id}/modules/base"' in tasks_html
    workspace = _text(member, "/company/")
    assert "分配给我的模块" in workspace and f"截止 {due.isoformat()}" in workspace


def test_opening_a_notice_marks_it_read_and_leads_to_the_module(
    login_as: LoginAs, make: Factory, team: tuple[User, User, Assessment]
) -> None:
    admin, colleague, assessment = team
    assessments.set_assignments(assessment, "base", [colleague.id], actor=admin)
    assessments.set_assignments(assessment, "mgmt", [colleague.id], actor=admin)
    first, second = db.session.scalars(sa.select(Notification.id).order_by(Notification.id)).all()
    outsider = login_as(make.user(Role.ENTERPRISE))
    assert outsider.post(f"/notifications/{first}/open").status_code == 404  # not their notice

    member = login_as(colleague)
    opened = member.post(f"/notifications/{first}/open")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/company/assessments/{assessment.id}/modules/base")
    home = member.get("/company/").get_data(as_text=True)
    assert re.search(r'<span class="count"[^>]*>1</span>', home)
    assert member.post("/notifications/read").status_code == 302
    home = member.get("/company/").get_data(as_text=True)
    assert 'class="count"' not in home
    assert db.session.scalar(sa.select(sa.func.count()).where(Notification.read_at.is_(None))) == 0
    assert second


def test_saving_the_same_plan_again_notifies_nobody_twice(
    app: Flask, login_as: LoginAs, team: tuple[User, User, Assessment]
) -> None:
    admin, colleague, assessment = team
    client = login_as(admin)
    app.extensions["outbox"] = []
    for _ in range(2):
        _assign(client, assessment, **{"assignee-base": str(colleague.id), "assignee-mgmt": str(admin.id)})
    # the colleague once for 数字化基础; the administrator assigned himself: no notice, no mail
    assert [m["to"] for m in app.extensions["outbox"]] == [colleague.email]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
    page = _assign(client, assessment, **{"assignee-base": "", "assignee-mgmt": str(admin.id)})
    assert "1 个模块有变化" in page
    assert _rows(assessment) == [("mgmt", admin.id, None)]


@pytest.mark.parametrize(
    "due",
    [
        "yesterday",
        "next-year-and-a-bit",
        "2026-02-30",
        "２０２６-１２-０１",
        "12/01/2026",
        "x" * 300,
        "2026-1-5",
    ],
)
def test_due_dates_outside_the_range_or_not_dates_change_nothing(
    app: Flask, login_as: LoginAs, team: tuple[User, User, Assessment], due: str
) -> None:
    admin, colleague, assessment = team
    today = assessments.china_today()
    value = {
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "next-year-and-a-bit": (today + timedelta(days=400)).isoformat(),
    }.get(due, due)
    app.extensions["outbox"] = []
    page = _assign(
        login_as(admin),
        assessment,
        **{"assignee-mgmt": str(colleague.id), "assignee-base": str(colleague.id), "due-base": value},
    )
    assert "截止日期应" in page
    assert _rows(assessment) == []  # the whole plan is refused, the valid module too
    assert app.extensions["outbox"] == []


def test_a_due_date_that_has_passed_is_kept_when_the_plan_is_saved_unchanged(
    login_as: LoginAs, team: tuple[User, User, Assessment]
) -> None:
    admin, colleague, assessment = team
    past = assessments.china_today() - timedelta(days=3)
    assessments.set_assignments(assessment, "base", [colleague.id], actor=admin)
    db.session.scalars(sa.select(ModuleAssignment)).one().due_on = past
    db.session.commit()
    page = _assign(
        login_as(admin), assessment, **{"assignee-base": str(colleague.id), "due-base": past.isoformat()}
    )
    assert "分工已保存" in page
    assert _rows(assessment) == [("base", colleague.id, past)]
    tasks = _text(login_as(colleague), "/company/tasks")
    assert "已逾期" in tasks


def test_mail_goes_to_the_mail_server_when_one_is_configured(
    app: Flask, login_as: LoginAs, team: tuple[User, User, Assessment], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, colleague, assessment = team
    delivered: list[tuple[mail.Server, Any]] = []

    class Inline:  # deliver in the request, so the test sees it without waiting on the mail thread
        def submit(self, deliver: Any, server: mail.Server, message: Any) -> None:
            delivered.append((server, message))

    monkeypatch.setattr(mail, "_sender", Inline())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.test")
    _assign(login_as(admin), assessment, **{"assignee-effect": str(colleague.id)})
    [(server, message)] = delivered
    assert server.host == "smtp.example.test"
    assert message["To"] == colleague.email
    assert "数字化成效" in message["Subject"]


def test_the_pages_read_in_english(login_as: LoginAs, team: tuple[User, User, Assessment]) -> None:
    admin, colleague, assessment = team
    assessments.set_assignments(assessment, "base", [colleague.id], actor=admin)
    member = login_as(colleague)
    member.get("/company/?lang=en")
    notices = member.get("/notifications/?lang=en").get_data(as_text=True)
    assert "assigned “Digital foundation”" in notices
    assert '<span lang="zh-CN">陈志强</span>' in notices
    tasks = _text(member, "/company/tasks?lang=en")
    assert "My tasks" in tasks and "Digital foundation" in tasks and "T0 · SME Digital Level" in tasks
    html = member.get("/company/tasks?lang=en").get_data(as_text=True)
    main = re.sub(r"<[^>]+>", " ", html[html.index("<main") : html.index("</main>")])
    assert not re.search(r"[\u4e00-\u9fff]", main)  # English throughout (no Chinese data on this page)


def test_a_module_shared_by_several_people_says_that_saving_keeps_the_one_selected(
    login_as: LoginAs, make: Factory, team: tuple[User, User, Assessment]
) -> None:
    """Modules assigned to several people before the picker had one select per module."""
    admin, colleague, assessment = team
    assessments.set_assignments(assessment, "base", [admin.id, colleague.id], actor=admin)
    client = login_as(admin)
    assert "共同负责；保存后只保留所选的一人" in _text(client, f"/company/assessments/{assessment.id}")
    _assign(client, assessment, **{"assignee-base": str(colleague.id)})
    assert _rows(assessment) == [("base", colleague.id, None)]
