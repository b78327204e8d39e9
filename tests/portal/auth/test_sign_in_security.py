"""Sign-in sessions that end, throttling that holds under concurrency without locking owners out, equal
work for unknown accounts, and registration with e-mail verification that reveals no accounts.

The concurrency test runs on the throttle storage of the run: Redis when TEST_REDIS_URL is set (as in
production with REDIS_URL), process memory otherwise; and on PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from tests_support import PASSWORD, Factory, login, signed_in_user_id
from werkzeug.test import TestResponse

from portal.auth import security
from portal.extensions import db, limiter
from portal.models import Company, EmailVerificationToken, Role, SignInSession, User
from portal.models._common import utcnow
from scoring.reference import credit_code

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}


def _login(
    client: FlaskClient, email: str, password: str, where: dict[str, str] | None = None, **extra: str
) -> TestResponse:
    return client.post(
        "/login", data={"email": email, "password": password, **extra}, environ_base=where or {}
    )


def _cookies(client: FlaskClient) -> dict[str, str]:
    return {
        name: client.get_cookie(name).value
        for name in ("session", "remember_token")
        if client.get_cookie(name)
    }


def _browser_with(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """Another browser holding copies of the given cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _opens_company(client: FlaskClient) -> bool:
    return client.get("/company/").status_code == 200


# --- sessions that end ----------------------------------------------------------------------------


def test_cookies_carry_a_per_sign_in_token_not_the_user_id(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    first, second = app.test_client(), app.test_client()
    _login(first, user.email, PASSWORD, remember="y")
    _login(second, user.email, PASSWORD, remember="y")
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value
    with first.session_transaction() as session:
        assert session["_user_id"] != str(user.id)


def test_sign_out_ends_that_sessions_cookies_and_copies_of_them(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = app.test_client()
    _login(client, user.email, PASSWORD, remember="y")
    stolen = _cookies(client)
    assert set(stolen) == {"session", "remember_token"}
    elsewhere = app.test_client()
    login(elsewhere, user)
    assert client.post("/logout").status_code == 302
    assert not _opens_company(_browser_with(app, stolen))
    assert not _opens_company(_browser_with(app, {"remember_token": stolen["remember_token"]}))
    assert _opens_company(elsewhere)  # only that browser was signed out


def test_password_change_ends_every_other_session(app: Flask, make: Factory) -> None:
    user = make.user(Role.PROVIDER)
    mine, other = app.test_client(), app.test_client()
    _login(mine, user.email, PASSWORD, remember="y")
    _login(other, user.email, PASSWORD, remember="y")
    copied = _cookies(other)
    changed = mine.post(
        "/account/password", data={"current": PASSWORD, "password": "Newpass-123", "password2": "Newpass-123"}
    )
    assert changed.status_code == 302
    assert mine.get("/provider/").status_code == 200  # the browser that changed it stays signed in
    assert other.get("/provider/").status_code == 302
    assert (
        _browser_with(app, {"remember_token": copied["remember_token"]}).get("/provider/").status_code == 302
    )


def test_password_reset_ends_every_session(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    signed_in = app.test_client()
    _login(signed_in, user.email, PASSWORD, remember="y")
    copied = _cookies(signed_in)
    token = security.request_reset(user)
    response = app.test_client().post(
        f"/password/reset/{token}", data={"password": "Brand-new-1", "password2": "Brand-new-1"}
    )
    assert response.status_code == 302
    assert not _opens_company(signed_in)
    assert not _opens_company(_browser_with(app, copied))


def test_sign_out_all_other_devices(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    here, phone, office = app.test_client(), app.test_client(), app.test_client()
    for client in (here, phone, office):
        _login(client, user.email, PASSWORD, remember="y")
    page = here.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr><td>") == 3 and "当前设备" in page and "退出其他所有设备" in page
    response = here.post("/account/sessions/end-others", follow_redirects=True)
    assert "已退出其他 2 个设备上的登录" in response.get_data(as_text=True)
    assert _opens_company(here)
    assert not _opens_company(phone) and not _opens_company(office)
    assert db.session.scalar(sa.select(sa.func.count(SignInSession.id))) == 1


def test_idle_sessions_expire_and_last_seen_is_not_written_on_every_request(
    app: Flask, make: Factory
) -> None:
    user = make.user(Role.ENTERPRISE)
    client = app.test_client()
    login(client, user)
    row = db.session.scalars(sa.select(SignInSession)).one()
    seen = row.last_seen_at
    assert _opens_company(client)
    db.session.refresh(row)
    assert row.last_seen_at == seen  # a fresh session is not written to per request
    row.last_seen_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert _opens_company(client)
    db.session.refresh(row)
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)  # refreshed after a few minutes
    row.last_seen_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert not _opens_company(client)


def test_deactivated_account_is_signed_out(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = app.test_client()
    login(client, user)
    user.active = False
    db.session.commit()
    assert not _opens_company(client)


# --- throttling -----------------------------------------------------------------------------------


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash computed by a sign-in (thread-safe: list.append is atomic)."""
    seen: list[str] = []
    real = security.check_password_hash

    def counting(stored: str, password: str) -> bool:
        seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(security, "check_password_hash", counting)
    return seen


@pytest.fixture
def shared_throttle(app: Flask) -> Iterator[None]:
    """The throttle on Redis when TEST_REDIS_URL is set (as with REDIS_URL in production)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        yield
        return
    app.config["RATELIMIT_STORAGE_URI"] = url
    limiter.init_app(app)
    limiter.reset()
    try:
        yield
    finally:
        limiter.reset()
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        limiter.init_app(app)


def test_concurrent_wrong_sign_ins_get_no_more_password_checks_than_the_limit(
    app: Flask, make: Factory, hashes: list[str], shared_throttle: None
) -> None:
    email = make.user(Role.ENTERPRISE).email
    limit = 5  # LOGIN_LIMIT_ACCOUNT_ADDRESS
    start = threading.Barrier(20)
    statuses: list[int] = []

    def attempt(n: int) -> None:
        client = app.test_client()
        start.wait()
        password = PASSWORD if n == 19 else f"Wrong-pass-{n}"
        statuses.append(_login(client, email, password, ATTACKER).status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hashes) <= limit
    assert statuses.count(429) >= 20 - limit
    assert statuses.count(302) <= 1  # the right password signs in only if it was among the counted


def test_throttled_answer_says_when_to_retry(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    client = app.test_client()
    for _ in range(5):
        assert _login(client, user.email, "Wrong-pass-1", ATTACKER).status_code == 200
    refused = _login(client, user.email, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "尝试次数过多" in refused.get_data(as_text=True)
    english = client.post("/lang/en", data={"next": "/login"})
    assert english.status_code in (302, 303)
    assert "Too many attempts" in _login(client, user.email, PASSWORD, ATTACKER).get_data(as_text=True)


def test_someone_elses_failures_do_not_lock_the_owner_out(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    attacker = app.test_client()
    for _ in range(12):
        _login(attacker, user.email, "Wrong-pass-1", ATTACKER)
    # the owner, from their own address, signs in at once
    owner = app.test_client()
    assert _login(owner, user.email, PASSWORD, OWNER).status_code == 302
    # while the guesser stays throttled, even with the right password
    assert _login(attacker, user.email, PASSWORD, ATTACKER).status_code == 429


def test_a_browser_the_owner_used_before_has_its_own_budget(app: Flask, make: Factory) -> None:
    app.config["LOGIN_LIMIT_ACCOUNT"] = "3 per hour"
    try:
        user = make.user(Role.ENTERPRISE)
        owner = app.test_client()
        assert _login(owner, user.email, PASSWORD, OWNER).status_code == 302
        owner.post("/logout")
        # guesses from many addresses spend the account's budget for unknown browsers
        for n in range(4):
            _login(app.test_client(), user.email, "Wrong-pass-1", {"REMOTE_ADDR": f"192.0.2.{n}"})
        assert _login(app.test_client(), user.email, PASSWORD, OWNER).status_code == 429
        # the owner's own browser carries its device cookie and is not held back
        assert _login(owner, user.email, PASSWORD, OWNER).status_code == 302
    finally:
        app.config["LOGIN_LIMIT_ACCOUNT"] = "30 per hour"


def test_password_spraying_from_one_address_is_throttled(app: Flask, make: Factory) -> None:
    app.config["LOGIN_LIMIT_ADDRESS_FAILURES"] = "3 per 10 minutes"
    try:
        client = app.test_client()
        for n in range(3):
            _login(client, f"nobody{n}@test.dx", "Wrong-pass-1", ATTACKER)
        user = make.user(Role.ENTERPRISE)
        assert _login(client, user.email, PASSWORD, ATTACKER).status_code == 429
        assert _login(app.test_client(), user.email, PASSWORD, OWNER).status_code == 302
    finally:
        app.config["LOGIN_LIMIT_ADDRESS_FAILURES"] = "30 per 10 minutes"


def test_unknown_deactivated_and_real_accounts_cost_one_equal_hash(
    app: Flask, make: Factory, hashes: list[str]
) -> None:
    real = make.user(Role.ENTERPRISE)
    gone = make.user(Role.ENTERPRISE, active=False)
    for email in (real.email, gone.email, "nobody@test.dx"):
        _login(app.test_client(), email, "Wrong-pass-1")
    assert len(hashes) == 3
    # the dummy hash is made like a real one: same method and cost parameters, so the same time
    methods = {stored.rsplit("$", 2)[0] for stored in hashes}
    assert len(methods) == 1, methods
    assert not _login(app.test_client(), gone.email, PASSWORD).headers.get("Location")


# --- registration with e-mail verification --------------------------------------------------------

CODE = credit_code.with_check_char("91445200MA4X7Y2B3")
OTHER_CODE = credit_code.with_check_char("91445200MA4X7Y2B4")


def _register(client: FlaskClient, **overrides: str) -> TestResponse:
    data = {
        "company_name": "揭阳市测试五金有限公司",
        "credit_code": CODE,
        "city": "揭阳市",
        "district": "揭东区",
        "name": "陈一",
        "email": "chen@test.dx",
        "password": "Abcdef-123",
        "password2": "Abcdef-123",
        "accept_terms": "y",
    }
    return client.post("/register", data={**data, **overrides}, follow_redirects=True)


def _link(mail: dict[str, str], path: str) -> str:
    return path + mail["body"].split(path)[1].split()[0]


def test_registering_a_taken_address_answers_like_a_new_one(app: Flask, make: Factory) -> None:
    owner = make.user(Role.PROVIDER, email="taken@test.dx")
    app.extensions["outbox"] = []
    new = _register(app.test_client(), email="fresh@test.dx")
    taken = _register(app.test_client(), email="taken@test.dx", credit_code=OTHER_CODE)
    assert new.status_code == taken.status_code == 200
    assert new.request.path == taken.request.path == "/login"
    for response, email in ((new, "fresh@test.dx"), (taken, "taken@test.dx")):
        assert f"我们已向 {email} 发送了一封邮件" in response.get_data(as_text=True)
        assert "已注册" not in response.get_data(as_text=True)
    fresh_mail, taken_mail = app.extensions["outbox"]
    assert fresh_mail["to"] == "fresh@test.dx" and "/register/verify/" in fresh_mail["body"]
    assert taken_mail["to"] == "taken@test.dx" and "/password/forgot" in taken_mail["body"]
    assert "尝试用您的邮箱注册" in taken_mail["subject"]
    # nothing was created for the taken address, and the owner's account is untouched
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "taken@test.dx")) == 1
    db.session.refresh(owner)
    assert owner.check_password(PASSWORD)


def test_taken_address_costs_the_same_hash_work(
    app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.auth import services
    from portal.models import user as user_model

    made: list[str] = []
    for module in (services, user_model):
        real = module.generate_password_hash
        monkeypatch.setattr(module, "generate_password_hash", lambda p, real=real: made.append(p) or real(p))
    make.user(Role.PROVIDER, email="taken@test.dx")
    made.clear()
    _register(app.test_client(), email="fresh@test.dx")
    _register(app.test_client(), email="taken@test.dx", credit_code=OTHER_CODE)
    assert made == ["Abcdef-123", "Abcdef-123"]


def test_new_account_signs_in_only_after_the_link_which_works_once(app: Flask) -> None:
    app.extensions["outbox"] = []
    _register(app.test_client())
    link = _link(app.extensions["outbox"][-1], "/register/verify/")
    client = app.test_client()
    refused = _login(client, "chen@test.dx", "Abcdef-123")
    assert refused.status_code == 200 and "尚未验证" in refused.get_data(as_text=True)
    assert "重新发送" in refused.get_data(as_text=True)
    assert _login(client, "chen@test.dx", "wrong-pass-1").get_data(as_text=True).count("尚未验证") == 0
    verified = client.get(link, follow_redirects=True)
    assert "邮箱已验证" in verified.get_data(as_text=True)
    assert signed_in_user_id(client) is None  # the link itself signs no one in
    again = client.get(link)
    assert again.status_code == 410 and "已使用" in again.get_data(as_text=True)
    response = _login(client, "chen@test.dx", "Abcdef-123")
    assert response.status_code == 302 and response.headers["Location"] == "/company/"


def test_verification_link_expires_and_can_be_sent_again(app: Flask) -> None:
    app.extensions["outbox"] = []
    _register(app.test_client())
    link = _link(app.extensions["outbox"][-1], "/register/verify/")
    row = db.session.scalars(sa.select(EmailVerificationToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = app.test_client().get(link)
    assert expired.status_code == 410 and "已过期" in expired.get_data(as_text=True)
    assert app.test_client().get("/register/verify/forged").status_code == 410

    answer = app.test_client().post("/register/resend", data={"email": "chen@test.dx"}, follow_redirects=True)
    assert "我们已重新发送验证邮件" in answer.get_data(as_text=True)
    fresh = _link(app.extensions["outbox"][-1], "/register/verify/")
    assert app.test_client().get(fresh).status_code == 302
    # the same answer and no mail for addresses that have no unverified account
    sent = len(app.extensions["outbox"])
    other = app.test_client().post(
        "/register/resend", data={"email": "nobody@test.dx"}, follow_redirects=True
    )
    assert "我们已重新发送验证邮件" in other.get_data(as_text=True)
    assert len(app.extensions["outbox"]) == sent


def test_password_reset_also_verifies_the_address(app: Flask) -> None:
    _register(app.test_client())
    user = db.session.scalar(sa.select(User).where(User.email == "chen@test.dx"))
    assert user is not None and not user.email_verified
    token = security.request_reset(user)
    app.test_client().post(
        f"/password/reset/{token}", data={"password": "Brand-new-1", "password2": "Brand-new-1"}
    )
    assert _login(app.test_client(), "chen@test.dx", "Brand-new-1").status_code == 302


def test_mail_sending_forms_are_throttled_per_address_and_per_email(app: Flask) -> None:
    client = app.test_client()
    for _ in range(3):
        assert client.post("/password/forgot", data={"email": "x@test.dx"}).status_code == 302
    refused = client.post("/password/forgot", data={"email": "x@test.dx"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "操作过于频繁" in refused.get_data(as_text=True)
    # another address is not held back by this one
    assert client.post("/password/forgot", data={"email": "y@test.dx"}).status_code == 302
    for n in range(6):
        client.post("/register/resend", data={"email": f"r{n}@test.dx"})
    assert client.post("/register/resend", data={"email": "r9@test.dx"}).status_code == 302
    for n in range(10):
        _register(client, email=f"n{n}@test.dx", credit_code="bad")
    assert client.post("/register", data={"email": "last@test.dx"}).status_code == 429
    # other clients are counted apart
    other = app.test_client()
    assert other.post("/register", data={"email": "last@test.dx"}, environ_base=OWNER).status_code == 200


def _abandon(email: str) -> None:
    """Age a registration past its verification links."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None
    user.created_at = utcnow() - timedelta(days=2)
    for token in db.session.scalars(sa.select(EmailVerificationToken)):
        token.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()


def test_an_unverified_registration_does_not_hold_its_code_or_address_for_ever(app: Flask) -> None:
    _register(app.test_client(), email="typo@test.dx")
    # while its link is valid, the code stays taken
    assert "已有企业注册" in _register(app.test_client(), email="right@test.dx").get_data(as_text=True)
    _abandon("typo@test.dx")
    app.extensions["outbox"] = []
    _register(app.test_client(), email="right@test.dx")
    assert db.session.scalar(sa.select(User).where(User.email == "typo@test.dx")) is None
    assert app.test_client().get(_link(app.extensions["outbox"][-1], "/register/verify/")).status_code == 302
    assert _login(app.test_client(), "right@test.dx", "Abcdef-123").status_code == 302

    # the address of an abandoned registration can be registered again (with a new company)
    _register(app.test_client(), email="later@test.dx", credit_code=OTHER_CODE)
    _abandon("later@test.dx")
    third = credit_code.with_check_char("91445200MA4X7Y2B5")
    _register(app.test_client(), email="later@test.dx", credit_code=third, company_name="新公司")
    again = db.session.scalar(sa.select(User).where(User.email == "later@test.dx"))
    assert again is not None and again.company.credit_code == third
    # the abandoned company went with its only member
    assert db.session.scalar(sa.select(Company.id).where(Company.credit_code == OTHER_CODE)) is None


def test_behind_a_trusted_proxy_the_throttle_counts_each_client_address(app: Flask, make: Factory) -> None:
    """Every request reaches the node from nginx's address: with TRUSTED_PROXIES=1 the throttle keys on
    the client address nginx forwards, so one client's failures do not lock out the others (issue 24)."""
    from portal import trust_proxies

    direct = app.wsgi_app
    app.config.update(TRUSTED_PROXIES=1, LOGIN_LIMIT_ADDRESS_FAILURES="3 per 10 minutes")
    trust_proxies(app)
    try:
        user = make.user(Role.ENTERPRISE)

        def via_nginx(client_address: str, email: str, password: str) -> int:
            return (
                app.test_client()
                .post(
                    "/login",
                    data={"email": email, "password": password},
                    environ_base={"REMOTE_ADDR": "127.0.0.1"},
                    headers={"X-Forwarded-For": client_address},
                )
                .status_code
            )

        for n in range(3):
            assert via_nginx("203.0.113.9", f"nobody{n}@test.dx", "Wrong-pass-1") == 200
        assert via_nginx("203.0.113.9", user.email, PASSWORD) == 429
        assert via_nginx("198.51.100.7", user.email, PASSWORD) == 302  # another client, same nginx
        # a client cannot pick its own address: nginx appends the real one and only that hop is believed
        spoofed = "198.51.100.7, 203.0.113.9"
        assert via_nginx(spoofed, user.email, PASSWORD) == 429
    finally:
        app.wsgi_app = direct  # type: ignore[method-assign]
        app.config.update(TRUSTED_PROXIES=0, LOGIN_LIMIT_ADDRESS_FAILURES="30 per 10 minutes")
