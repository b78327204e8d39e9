"""Mail goes out on a background thread: a request that mails someone answers without waiting for the
mail server, so its timing cannot tell whether an account exists, and a slow server holds no worker."""

from __future__ import annotations

import threading
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
