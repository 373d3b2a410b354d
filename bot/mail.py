"""Sending the team's answers by email (aiosmtplib), so a customer who closed the chat still gets them.

Only text the team wrote goes out, to an address the customer gave: headers are built by the
standard library's `EmailMessage`, which refuses line breaks in them, and every header value is
flattened to one line here first, so nothing a customer typed (a ticket subject) can add headers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Optional

import aiosmtplib

from bot.settings import MailConfig

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class MailError(RuntimeError):
    """The message could not be handed to the mail server (the reason, without secrets)."""


def one_line(value: str, limit: int = 200) -> str:
    """One header line: every kind of line break (U+2028 included) and control character gone."""
    return " ".join(_CONTROL.sub(" ", " ".join(value.splitlines())).split())[:limit]


def valid_address(address: Optional[str]) -> bool:
    return bool(address) and len(address) <= 254 and _ADDRESS.fullmatch(address) is not None


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    reply_to: Optional[str] = None


class Mailer:
    def __init__(self, config: MailConfig, support_email: str, team_name: str = "Customer support") -> None:
        self.config = config
        self.sender = config.sender or support_email
        self.support_email = support_email
        self.team_name = team_name

    @property
    def enabled(self) -> bool:
        return self.config.enabled

    def build(self, mail: Mail) -> EmailMessage:
        if not valid_address(mail.to):
            raise MailError("not a deliverable email address")
        message = EmailMessage()
        message["From"] = formataddr((self.team_name, self.sender))
        message["To"] = mail.to
        message["Subject"] = one_line(mail.subject)
        message["Reply-To"] = mail.reply_to or self.support_email
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(mail.body)
        return message

    async def send(self, mail: Mail) -> None:
        """Hand one message to the SMTP server; MailError when it cannot be sent."""
        if not self.enabled:
            raise MailError("email is not configured (SMTP_HOST)")
        try:
            message = self.build(mail)
        except ValueError as err:  # a header the email library refuses: never a 500 for the agent
            raise MailError(f"the message could not be written ({type(err).__name__})") from err
        config = self.config
        try:
            await aiosmtplib.send(
                message,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.security == "tls",
                start_tls=config.security == "starttls",
                timeout=config.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as err:
            logger.warning("email to a customer could not be sent: %s", type(err).__name__)
            raise MailError(f"the mail server refused or could not be reached ({type(err).__name__})") from err
