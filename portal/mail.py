"""Outgoing mail. With MAIL_SERVER configured, messages go out by SMTP; otherwise (development, tests) they
are written to the log and kept in `app.extensions["outbox"]`, so links can still be followed.

SMTP delivery happens on a background thread, never inside the request: a request that mails someone
(a reset link for an existing account) must take as long as one that mails nobody, or the response time
would tell who has an account; and a slow mail server must not hold a worker.
"""

from __future__ import annotations

import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def send(to: str, subject: str, body: str) -> Future[None] | None:
    """Record the message and hand it to the mail thread (None when there is no mail server)."""
    outbox = current_app.extensions.setdefault("outbox", [])
    outbox.append({"to": to, "subject": subject, "body": body})
    del outbox[:-50]  # keep the last few only
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        current_app.logger.info("mail to %s: %s\n%s", to, subject, body)
        return None
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_FROM", "noreply@dx-assess.local")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    port = int(current_app.config.get("MAIL_PORT", 25))
    return _sender.submit(_deliver, server, port, message)


def _deliver(server: str, port: int, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(server, port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("mail to %s could not be delivered", message["To"])
