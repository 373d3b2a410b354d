"""bot/mail.py: what goes out by email, against a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from bot.mail import Mail, Mailer, MailError
from bot.settings import MailConfig
from tests.conftest import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def mailer(port: int, **changes) -> Mailer:
    config = MailConfig(
        host="127.0.0.1", port=port, security="none", username=None, password=None, timeout=5, sender=None
    )
    return Mailer(MailConfig(**{**config.__dict__, **changes}), "help@shop.example")


def test_a_subject_with_line_breaks_cannot_add_headers():
    built = mailer(25).build(Mail("carol@example.com", "Refund\r\nBcc: everyone@example.com\nX-Evil: 1", "Hello"))
    assert built["Bcc"] is None and built["X-Evil"] is None
    assert built["Subject"] == "Refund Bcc: everyone@example.com X-Evil: 1"


def test_any_line_break_in_a_subject_is_flattened():
    for subject in ("Refund\u2028now", "Refund\u2029now", "Refund\x85now", "Refund\x0bnow"):
        assert mailer(25).build(Mail("carol@example.com", subject, "Hi"))["Subject"] == "Refund now"


@pytest.mark.parametrize(
    "address", ["not an address", "a@b", "carol@example.com\r\nBcc: x@y.z", "<a@b.c>", "", "carol@example.com\n"]
)
def test_only_plain_addresses_are_written_to(address):
    with pytest.raises(MailError):
        mailer(25).build(Mail(address, "Hi", "Hello"))


def test_a_message_reaches_the_smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        asyncio.run(mailer(controller.port).send(Mail("carol@example.com", "[T-000001] Late parcel", "It left today.")))
    finally:
        controller.stop()
    (message,) = inbox.messages
    assert message["To"] == "carol@example.com" and message["Subject"] == "[T-000001] Late parcel"
    assert message["From"] == "Customer support <help@shop.example>"
    assert message.get_content().strip() == "It left today."


def test_an_unreachable_server_is_a_mail_error_without_secrets():
    port = free_port()  # nothing listens there
    with pytest.raises(MailError) as raised:
        asyncio.run(mailer(port, password="hunter2", username="shop").send(Mail("carol@example.com", "Hi", "Hello")))
    assert "hunter2" not in str(raised.value)


def test_without_smtp_host_nothing_is_sent():
    with pytest.raises(MailError, match="SMTP_HOST"):
        asyncio.run(mailer(25, host=None).send(Mail("carol@example.com", "Hi", "Hello")))
