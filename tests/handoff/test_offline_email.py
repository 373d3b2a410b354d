"""An anonymous widget visitor asks for a person while nobody is online: they are asked for an
email before the ticket opens, close the chat, and the agent's later answer reaches them by
email (a real SMTP conversation with a local aiosmtpd server), as well as in the chat."""

from __future__ import annotations

import contextlib
import re
from email import message_from_bytes, policy
from typing import List

import pytest
from aiosmtpd.controller import Controller

from bot.desk import auth
from tests.channels.test_handoff_channels import WebchatCustomer
from tests.conftest import free_port
from tests.handoff.desk_client import Desk

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PASSWORD = "correct horse battery staple"


class Inbox:
    """aiosmtpd's handler: every message the assistant hands over, as received."""

    def __init__(self) -> None:
        self.messages: List[tuple] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    with contextlib.suppress(AssertionError):  # a test may have stopped it already
        controller.stop()


def _text(messages) -> str:
    return "\n".join(m.text for m in messages)


def test_an_anonymous_visitor_leaves_an_email_and_gets_the_answer_by_email(stack_factory, smtp):
    controller, inbox = smtp
    stack = stack_factory(
        env={
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(controller.port),
            "SMTP_SECURITY": "none",
            "SUPPORT_EMAIL": "help@shop.example",
        }
    )
    visitor = WebchatCustomer(stack, "Visitor")
    try:
        asked = _text(visitor.say("I need to speak to a person"))
        assert "no one from our support team is available right now" in asked
        assert "what email address should the answer go to" in asked.lower()
        again = _text(visitor.say("my order hasn't come"))  # not an address: asked once more
        assert "doesn't look like an email address" in again
        opened = _text(visitor.say("sure, it's Carol.Jones@Example.com"))
        reference = re.search(r"T-\d{6}", opened).group(0)
        assert "by email to carol.jones@example.com" in opened
    finally:
        visitor.close()  # the visitor closes the tab

    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    assert desk.login("ann@example.com", PASSWORD).status_code == 200
    detail = desk.get(f"/tickets/{reference}").json()
    assert detail["ticket"]["email"] == "carol.jones@example.com"
    assert "my order hasn't come" in detail["ticket"]["description"]
    assert detail["routes"] == {"chat": "push", "email": "carol.jones@example.com"}

    sent = desk.post(f"/tickets/{reference}/reply", {"text": "Your parcel left the depot this morning."})
    assert sent.status_code == 201, sent.text
    assert sent.json()["routes"]["email"] == {"ok": True, "to": "carol.jones@example.com"}
    assert len(inbox.messages) == 1
    recipients, mail = inbox.messages[0]
    assert recipients == ["carol.jones@example.com"]
    assert reference in mail["Subject"]
    assert "help@shop.example" in mail["From"] and mail["Reply-To"] == "help@shop.example"
    body = mail.get_content()
    assert "Your parcel left the depot this morning." in body and "Ann" in body
    messages = desk.get(f"/tickets/{reference}").json()["messages"]
    assert messages[-1]["emailed_to"] == "carol.jones@example.com" and messages[-1]["delivered"] is True

    # The mail server goes away: the chat still gets the answer, the desk shows the email failed.
    controller.stop()
    again = desk.post(f"/tickets/{reference}/reply", {"text": "One more thing."})
    assert again.status_code == 201
    assert again.json()["routes"]["email"]["ok"] is False
    last = desk.get(f"/tickets/{reference}").json()["messages"][-1]
    assert last["emailed_to"] is None and last["email_error"] and last["delivered"] is True
