"""The company's team: administrators remove members, change roles and hand the administrator role over;
the company always keeps an administrator; a removed member loses access at once; all of it is audited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import PASSWORD, Factory, csrf_token_from, sign_in_session

from portal import mail
from portal.assessments.services import start as start_assessment
from portal.auth.security import create_api_token
from portal.companies import team
from portal.extensions import db
from portal.models import Company, ModuleAssignment, PlatformEvent, Role, SignInSession, User


@pytest.fixture
def company(make: Factory) -> Company:
    return make.company(name="揭阳市宏达五金制品有限公司")


def _team(make: Factory, company: Company) -> tuple[User, User, User]:
    admin = make.user(Role.ENTERPRISE, company=company, name="陈志强", email="chen@test.dx")
    colleague = make.user(
        Role.ENTERPRISE, company=company, is_company_admin=False, name="林晓", email="lin@test.dx"
    )
    leaver = make.user(
        Role.ENTERPRISE, company=company, is_company_admin=False, name="王五", email="wang@test.dx"
    )
    return admin, colleague, leaver


def _events(action: str) -> list[PlatformEvent]:
    return list(db.session.scalars(sa.select(PlatformEvent).where(PlatformEvent.action == action)))


def _change(client: FlaskClient, member: User, change: str) -> str:
    response = client.post(f"/company/members/{member.id}/{change}", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_removed_member_is_refused_on_the_next_request(
    app: Flask, login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, leaver = _team(make, company)
    browser = login_as(leaver)
    assert browser.get("/company/").status_code == 200
    answers = f"/api/v1/assessments/{start_assessment(company, 'miit-sme-digital', admin).id}/answers"
    bearer = {"Authorization": f"Bearer {create_api_token(leaver, 'ERP', {'assessments:read'}, None).secret}"}
    assert app.test_client().get(answers, headers=bearer).status_code == 200

    html = _change(login_as(admin), leaver, "remove")
    assert "已移除 王五" in html and "wang@test.dx" not in html  # gone from the member list

    after = browser.get("/company/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert app.test_client().get(answers, headers=bearer).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).where(SignInSession.user_id == leaver.id)) == 0
    # nor can the removed member sign in again
    relogin = browser.post("/login", data={"email": leaver.email, "password": PASSWORD})
    assert "邮箱或密码不正确" in relogin.get_data(as_text=True)
    [event] = _events("remove_member")
    assert event.actor_id == admin.id and event.target.startswith(f"user:{leaver.id}")
    assert event.company_id == company.id


def test_removal_cancels_the_members_open_assignments(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, leaver = _team(make, company)
    draft = start_assessment(company, "miit-sme-digital", admin)
    db.session.add(ModuleAssignment(assessment_id=draft.id, module_id="base", user_id=leaver.id))
    db.session.commit()
    _change(login_as(admin), leaver, "remove")
    assert db.session.scalar(sa.select(ModuleAssignment).where(ModuleAssignment.user_id == leaver.id)) is None
    db.session.refresh(leaver)
    assert leaver.active is False and leaver.company_id == company.id  # kept, closed, for the history


def test_hand_over_makes_the_colleague_administrator_and_the_actor_a_member(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, colleague, _leaver = _team(make, company)
    client = login_as(admin)
    html = _change(client, colleague, "handover")
    assert "管理员角色已移交给 林晓" in html
    db.session.refresh(admin)
    db.session.refresh(colleague)
    assert colleague.is_company_admin and not admin.is_company_admin
    # the former administrator's own session now has a member's rights, at once
    assert client.get("/company/profile/edit").status_code == 403
    [event] = _events("hand_over_admin")
    assert event.actor_id == admin.id and "陈志强 → 林晓" in (event.detail or "")


def test_the_last_administrator_can_neither_step_down_nor_leave(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, colleague, _leaver = _team(make, company)
    client = login_as(admin)
    page = client.get("/company/members").get_data(as_text=True)
    assert "唯一的管理员" in page and f"/company/members/{admin.id}/" not in page
    for change in ("member", "remove"):
        html = _change(client, admin, change)
        assert "企业至少要保留一位管理员" in html
    db.session.refresh(admin)
    assert admin.is_company_admin and admin.active
    assert _events("change_member_role") == [] and _events("remove_member") == []
    # with a second administrator, the first may step down
    _change(client, colleague, "admin")
    _change(client, admin, "member")
    db.session.refresh(admin)
    assert not admin.is_company_admin
    assert [e.detail for e in _events("change_member_role")] == [
        "member → administrator",
        "administrator → member",
    ]


def test_an_administrator_who_removes_themselves_is_signed_out(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, colleague, _leaver = _team(make, company)
    colleague.is_company_admin = True
    db.session.commit()
    client = login_as(admin)
    response = client.post(f"/company/members/{admin.id}/remove")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/company/").status_code == 302


def test_changes_need_confirmation_and_a_valid_form(
    app: Flask, login_as: LoginAs, make: Factory, company: Company, csrf_on: None
) -> None:
    admin, _colleague, leaver = _team(make, company)
    client = app.test_client()
    sign_in_session(client, admin)  # the login form needs a CSRF token too
    confirm = client.get(f"/company/members/{leaver.id}/remove").get_data(as_text=True)
    assert "确认移除" in confirm and "立即退出所有设备上的登录" in confirm
    db.session.refresh(leaver)
    assert leaver.active  # opening the confirmation changes nothing
    assert client.post(f"/company/members/{leaver.id}/remove").status_code == 400  # no CSRF token
    done = client.post(f"/company/members/{leaver.id}/remove", data={"csrf_token": csrf_token_from(confirm)})
    assert done.status_code == 302
    db.session.refresh(leaver)
    assert not leaver.active


def test_other_companies_members_and_members_rights(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, colleague, _leaver = _team(make, company)
    stranger = make.user(Role.ENTERPRISE)  # administrator of another company
    outsider = login_as(stranger)
    assert outsider.get(f"/company/members/{colleague.id}/remove").status_code == 404
    assert outsider.post(f"/company/members/{colleague.id}/handover").status_code == 404
    assert login_as(colleague).post(f"/company/members/{admin.id}/member").status_code == 403
    assert login_as(admin).get(f"/company/members/{colleague.id}/demote").status_code == 404
    db.session.refresh(colleague)
    assert colleague.active and not colleague.is_company_admin
    member_view = login_as(colleague).get("/company/members").get_data(as_text=True)
    assert "/remove" not in member_view and "移交管理员" not in member_view


def test_removed_member_is_gone_from_the_list_and_cannot_be_changed_again(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, leaver = _team(make, company)
    client = login_as(admin)
    _change(client, leaver, "remove")
    assert client.get(f"/company/members/{leaver.id}/admin").status_code == 404
    assert "王五" not in client.get("/company/members").get_data(as_text=True)


def test_invitation_is_mailed_when_a_mail_server_is_set(
    app: Flask, login_as: LoginAs, make: Factory, company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, _colleague, _leaver = _team(make, company)
    delivered: list[str] = []
    monkeypatch.setattr(mail, "_deliver", lambda server, message: delivered.append(message["To"]))
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.test")
    html = (
        login_as(admin).post("/company/members/invite", data={"email": "new@test.dx"}).get_data(as_text=True)
    )
    mail._sender.submit(lambda: None).result(timeout=10)  # the mail thread works in order
    assert delivered == ["new@test.dx"]
    assert "邀请邮件已发送至 new@test.dx" in html
    link = re.search(r'value="(http://[^"]+/invite/[^"]+)"', html)
    assert link is not None  # still shown, to copy
    assert link.group(1) in app.extensions["outbox"][-1]["body"]


def test_without_a_mail_server_the_page_says_the_mail_was_not_sent(
    app: Flask, login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, _leaver = _team(make, company)
    html = (
        login_as(admin).post("/company/members/invite", data={"email": "new@test.dx"}).get_data(as_text=True)
    )
    assert "邀请邮件没有发出" in html and "/invite/" in html
    assert app.extensions["outbox"][-1]["to"] == "new@test.dx"  # written to the log instead


def test_a_member_removed_by_mistake_comes_back_by_a_new_invitation(
    app: Flask, login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, leaver = _team(make, company)
    client = login_as(admin)
    _change(client, leaver, "remove")
    html = client.post("/company/members/invite", data={"email": leaver.email}).get_data(as_text=True)
    link = re.search(r'value="http://[^"]+(/invite/[^"]+)"', html)
    assert link is not None, html[:1000]
    joined = app.test_client().post(
        link.group(1),
        data={"name": "王五", "password": "Back-again-1", "password2": "Back-again-1", "accept_terms": "y"},
    )
    assert joined.status_code == 302
    db.session.refresh(leaver)
    assert leaver.active and not leaver.is_company_admin and leaver.company_id == company.id
    assert leaver.check_password("Back-again-1") and not leaver.check_password(PASSWORD)


def test_another_companys_removed_member_cannot_be_invited(
    login_as: LoginAs, make: Factory, company: Company
) -> None:
    admin, _colleague, leaver = _team(make, company)
    _change(login_as(admin), leaver, "remove")
    other_admin = make.user(Role.ENTERPRISE)
    html = login_as(other_admin).post("/company/members/invite", data={"email": leaver.email})
    assert "一个账号只能属于一家企业" in html.get_data(as_text=True)


def test_an_administrator_demoted_a_moment_ago_changes_nothing(make: Factory, company: Company) -> None:
    """Two administrators at the same moment: the one demoted by the other, whose page was checked before,
    is refused once the change runs (it re-reads its own role under the company's lock)."""
    admin, colleague, leaver = _team(make, company)
    colleague.is_company_admin = True
    db.session.commit()
    with db.engine.begin() as other_request:  # the colleague demoted the admin, committed meanwhile
        other_request.execute(sa.update(User).where(User.id == admin.id).values(is_company_admin=False))
    with pytest.raises(team.TeamError):
        team.apply(company, admin, leaver.id, team.Change.REMOVE)
    db.session.refresh(leaver)
    assert leaver.active and _events("remove_member") == []
