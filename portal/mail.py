"""Outgoing mail. With MAIL_SERVER configured, messages go out by SMTP; otherwise (development, tests) they
are written to the log and kept in `app.extensions["outbox"]`, so links can still be followed."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send(to: str, subject: str, body: str) -> None:
    outbox = current_app.extensions.setdefault("outbox", [])
    outbox.append({"to": to, "subject": subject, "body": body})
    del outbox[:-50]  # keep the last few only
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        current_app.logger.info("mail to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_FROM", "noreply@dx-assess.local")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(server, int(current_app.config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        smtp.send_message(message)
