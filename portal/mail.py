"""Outgoing mail. With MAIL_SERVER configured, messages go out by SMTP; otherwise (development, tests) they
are written to the log and kept in `app.extensions["outbox"]`, so links can still be followed.

SMTP delivery happens on a background thread, never inside the request: a request that mails someone
(a reset link for an existing account) must take as long as one that mails nobody, or the response time
would tell who has an account; and a slow mail server must not hold a worker.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def send(to: str, subject: str, body: str) -> Future[None] | None:
    """Record the message and hand it to the mail thread (None when there is no mail server)."""
    outbox = current_app.extensions.setdefault("outbox", [])
    outbox.append({"to": to, "subject": subject, "body": body})
    del outbox[:-50]  # keep the last few only
    config = current_app.config
    if not config.get("MAIL_SERVER"):  # never in production: the configuration requires MAIL_SERVER
        current_app.logger.info("mail to %s: %s\n%s", to, subject, body)
        return None
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "noreply@dx-assess.local")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server = Server(
        host=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT", 25)),
        security=config.get("MAIL_SECURITY", "none"),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
    )
    return _sender.submit(_deliver, server, message)


@dataclass(frozen=True)
class Server:
    """Where mail goes: MAIL_SECURITY `ssl` connects with TLS (SMTPS, 465), `starttls` upgrades a plain
    connection (587) and refuses to go on without it; with MAIL_USERNAME the sender authenticates."""

    host: str
    port: int
    security: str = "none"
    username: str | None = None
    password: str | None = None


def _deliver(server: Server, message: EmailMessage) -> None:
    try:
        with _connect(server) as smtp:
            if server.username and server.password:
                smtp.login(server.username, server.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("mail to %s could not be delivered", message["To"])


def _connect(server: Server) -> smtplib.SMTP:
    context = ssl.create_default_context()  # the server's certificate is checked against the system CAs
    if server.security == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=10, context=context)
    smtp = smtplib.SMTP(server.host, server.port, timeout=10)
    if server.security == "starttls":
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp
