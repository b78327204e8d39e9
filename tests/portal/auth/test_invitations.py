"""Inviting colleagues: a link works once, expires, can be revoked, and joins the right company."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal.extensions import db
from portal.models import Invitation, Role, User
from portal.models._common import utcnow

JOIN = {"name": "林二", "password": "Abcdef-123", "password2": "Abcdef-123", "accept_terms": "y"}


def _invite(client: FlaskClient, email: str = "colleague@test.dx") -> str:
    html = client.post("/company/members/invite", data={"email": email}).get_data(as_text=True)
    match = re.search(r'value="(http://[^"]+/invite/[^"]+)"', html)
    assert match, html[:2000]
    return match.group(1).split("localhost", 1)[-1]


def test_invitation_joins_company_once(app: Flask, login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    path = _invite(login_as(admin))
    guest = app.test_client()
    assert "加入" in guest.get(path).get_data(as_text=True)
    response = guest.post(path, data=JOIN)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "colleague@test.dx"))
    assert user is not None and user.company_id == admin.company_id and not user.is_company_admin
    other = app.test_client()
    reuse = other.get(path)
    assert reuse.status_code == 410 and "已被使用" in reuse.get_data(as_text=True)


def test_joining_needs_the_terms_agreed_to(app: Flask, login_as: LoginAs, make: Factory) -> None:
    path = _invite(login_as(make.user(Role.ENTERPRISE)), "reader@test.dx")
    guest = app.test_client()
    page = guest.get(path).get_data(as_text=True)
    assert 'href="/terms"' in page and 'href="/privacy"' in page
    refused = guest.post(path, data={**JOIN, "accept_terms": ""})
    assert refused.status_code == 200 and "请阅读并同意" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "reader@test.dx")) is None


def test_expired_and_revoked_links(app: Flask, login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    path = _invite(client, "late@test.dx")
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.email == "late@test.dx"))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "已过期" in app.test_client().get(path).get_data(as_text=True)

    path2 = _invite(client, "gone@test.dx")
    invitation2 = db.session.scalar(sa.select(Invitation).where(Invitation.email == "gone@test.dx"))
    assert client.post(f"/company/members/invitations/{invitation2.id}/revoke").status_code == 302
    assert "撤销" in app.test_client().get(path2).get_data(as_text=True)


def test_cannot_revoke_other_companies_invitation(login_as: LoginAs, make: Factory) -> None:
    other_admin = make.user(Role.ENTERPRISE)
    invitation = Invitation(
        company_id=other_admin.company_id,
        email="x@test.dx",
        token_hash="0" * 64,
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.session.add(invitation)
    db.session.commit()
    me = make.user(Role.ENTERPRISE)
    assert login_as(me).post(f"/company/members/invitations/{invitation.id}/revoke").status_code == 404


def test_existing_account_cannot_be_invited(login_as: LoginAs, make: Factory) -> None:
    make.user(Role.PROVIDER, email="taken@test.dx")
    admin = make.user(Role.ENTERPRISE)
    html = (
        login_as(admin)
        .post("/company/members/invite", data={"email": "taken@test.dx"})
        .get_data(as_text=True)
    )
    assert "该邮箱已有账号" in html


def test_token_is_not_stored_in_clear(login_as: LoginAs, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    path = _invite(login_as(admin))
    token = path.rsplit("/", 1)[-1]
    stored = db.session.scalar(sa.select(Invitation.token_hash))
    assert stored != token and stored == Invitation.hash_token(token)
