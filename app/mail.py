"""Outgoing e-mail over SMTP; without a configured server, messages go to the log instead."""

import smtplib
from email.message import EmailMessage

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> bool:
    """Send one message; return False (after logging it) when no SMTP server is configured."""
    config = current_app.config
    if not configured():
        current_app.logger.info("mail not sent (no MAIL_SERVER) to %s: %s\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "wijkstem@localhost")
    message["To"], message["Subject"] = to, subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
    return True
