"""Mail goes out on a background thread: a request that mails someone answers without waiting for the
mail server, so its timing cannot tell whether an account exists, and a slow server holds no worker."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from tests_support import Factory

from portal import mail
from portal.models import Role


class BlockedSMTP:
    """An SMTP server that accepts a message only once the test releases it."""

    release = threading.Event()
    delivered: list[Any] = []  # noqa: RUF012 — shared on purpose: one fake server per test
    done = threading.Event()

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address = (host, port)

    def __enter__(self) -> BlockedSMTP:
        assert self.release.wait(10), "the test never released the server"
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()

    def send_message(self, message: Any) -> None:
        self.delivered.append(message)


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> type[BlockedSMTP]:
    BlockedSMTP.release.clear()
    BlockedSMTP.done.clear()
    BlockedSMTP.delivered = []
    monkeypatch.setattr(mail.smtplib, "SMTP", BlockedSMTP)
    app.config["MAIL_SERVER"] = "smtp.test"
    yield BlockedSMTP
    BlockedSMTP.release.set()
    app.config.pop("MAIL_SERVER")


def test_a_reset_request_answers_before_the_mail_server_does(
    app: Flask, make: Factory, smtp: type[BlockedSMTP]
) -> None:
    user = make.user(Role.ENTERPRISE)
    response = app.test_client().post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302  # answered while the server still holds the message
    assert smtp.delivered == []
    smtp.release.set()
    assert smtp.done.wait(10)
    (message,) = smtp.delivered
    assert message["To"] == user.email and "/password/reset/" in message.get_content()


def test_a_mail_server_failure_is_logged_not_raised(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(mail.smtplib, "SMTP", refuse)
    app.config["MAIL_SERVER"] = "smtp.test"
    try:
        future = mail.send("a@test.dx", "subject", "body")
        assert future is not None and future.result(10) is None  # no exception escapes the thread
    finally:
        app.config.pop("MAIL_SERVER")


class RecordingSMTP:
    """Records what the sender asked of the server: TLS upgrade, authentication, the message."""

    calls: list[tuple[str, Any]] = []  # noqa: RUF012 — shared on purpose: one fake server per test

    def __init__(self, host: str, port: int, timeout: float, context: Any = None) -> None:
        self.calls.append(("connect", (type(self).__name__, host, port, context is not None)))

    def __enter__(self) -> RecordingSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("quit", None))

    def starttls(self, context: Any) -> None:
        self.calls.append(("starttls", context.verify_mode))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", (user, password)))

    def send_message(self, message: Any) -> None:
        self.calls.append(("send", message["To"]))


class RecordingSMTPSSL(RecordingSMTP):
    pass


@pytest.mark.parametrize(
    ("security", "port", "expected"),
    [
        ("starttls", 587, [("connect", ("RecordingSMTP", "smtp.test", 587, False)), ("starttls", None)]),
        ("ssl", 465, [("connect", ("RecordingSMTPSSL", "smtp.test", 465, True))]),
    ],
)
def test_smtp_with_tls_and_authentication(
    app: Flask, monkeypatch: pytest.MonkeyPatch, security: str, port: int, expected: list[Any]
) -> None:
    import ssl

    RecordingSMTP.calls = []
    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setattr(mail.smtplib, "SMTP_SSL", RecordingSMTPSSL)
    settings = {
        "MAIL_SERVER": "smtp.test",
        "MAIL_PORT": port,
        "MAIL_SECURITY": security,
        "MAIL_USERNAME": "dx",
        "MAIL_PASSWORD": "secret",
    }
    app.config.update(settings)
    try:
        future = mail.send("a@test.dx", "subject", "body")
        assert future is not None and future.result(10) is None
    finally:
        for key in settings:
            app.config.pop(key)
    expected = [(name, ssl.CERT_REQUIRED) if name == "starttls" else (name, v) for name, v in expected]
    delivered = [("login", ("dx", "secret")), ("send", "a@test.dx"), ("quit", None)]
    assert RecordingSMTP.calls == [*expected, *delivered]


def test_production_refuses_to_start_without_a_mail_server(tmp_path: Path) -> None:
    from portal.config import ConfigError, load_config

    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "PUBLIC_URL": "https://dx.example.cn"}
    with pytest.raises(ConfigError, match="MAIL_SERVER: required in production"):
        load_config(str(tmp_path), settings)
    with pytest.raises(ConfigError, match="MAIL_SECURITY"):
        load_config(str(tmp_path), {**settings, "MAIL_SERVER": "smtp", "MAIL_SECURITY": "tls"})
    with pytest.raises(ConfigError, match="MAIL_USERNAME"):
        load_config(str(tmp_path), {**settings, "MAIL_SERVER": "smtp", "MAIL_USERNAME": "dx"})
    config = load_config(str(tmp_path), {**settings, "MAIL_SERVER": "smtp", "MAIL_SECURITY": "starttls"})
    assert config["MAIL_PORT"] == 587


def test_support_address_is_one_mail_address(tmp_path: Path) -> None:
    from portal.config import ConfigError, load_config

    settings = {"PORTAL_ENV": "development"}
    for bad in ("help desk@dx.cn", "nobody", "a@b@c"):
        with pytest.raises(ConfigError, match="SUPPORT_EMAIL"):
            load_config(str(tmp_path), {**settings, "SUPPORT_EMAIL": bad})
    assert (
        load_config(str(tmp_path), {**settings, "SUPPORT_EMAIL": " help@dx.cn "})["SUPPORT_EMAIL"]
        == "help@dx.cn"
    )
    assert load_config(str(tmp_path), settings)["SUPPORT_EMAIL"] is None
