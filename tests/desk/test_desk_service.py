"""The desk's operations (bot/desk/service.py) with a fake handoff runtime and fake trackers,
and how the desk API answers each domain error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List

import pytest

from bot.desk import auth
from bot.desk.api.web import BadRequest, status_for
from bot.desk.service import Conflict, DeskService, NotFound
from bot.handoff import queue
from bot.handoff.delivery import DeliveryError
from bot.handoff.errors import HandoffError, HandoffNotFound, NotTheOwner, WrongState
from bot.mail import MailError
from bot.store import tickets as ticket_store


class Refused(DeliveryError):
    def __init__(self) -> None:
        Exception.__init__(self, "the platform refused the message")


class FakeBus:
    def __init__(self) -> None:
        self.published: List[tuple] = []

    def publish(self, kind: str, **data: Any) -> None:
        self.published.append((kind, data))


class FakeRuntime:
    """Records what the desk asked the handoff runtime to tell customers and agents."""

    def __init__(self, refuse: bool = False) -> None:
        self.bus, self.calls, self.refuse = FakeBus(), [], refuse
        self.delivery = SimpleNamespace(registry=SimpleNamespace(pushes=lambda channel: channel != "rest"))

    async def claimed(self, handoff, agent_name: str) -> None:
        self.calls.append(("claimed", handoff.sender_id, agent_name))

    async def took_over(self, handoff, agent_name: str) -> None:
        self.calls.append(("took_over", handoff.sender_id, agent_name))

    async def hand_back(self, handoff, agent_name: str) -> None:
        self.calls.append(("hand_back", handoff.sender_id, agent_name))

    async def agent_message(self, handoff, author: Dict[str, Any], text: str, mirror: bool = True) -> Dict[str, Any]:
        self.calls.append(("agent_message", handoff.sender_id, text))
        return {"who": "agent", "text": text, "agent": author["name"]}

    async def reply_to_ticket(self, sender_id: str, channel: str, author: Dict[str, Any], text: str) -> None:
        if self.refuse:
            raise Refused()
        self.calls.append(("reply_to_ticket", sender_id, text))


class FakeTrackers:
    def __init__(self, conversations: Dict[str, List[Dict[str, Any]]]) -> None:
        self.conversations = conversations

    async def state(self, sender_id: str):
        events = self.conversations.get(sender_id, [])
        return events, {"customer_name": "Zoe"} if events else {}, 1 if events else 0

    async def search(self, query: str, limit: int = 200):
        return {s for s, events in self.conversations.items() if any(query in (e.get("text") or "") for e in events)}


def _agent(email: str = "ann@example.com", name: str = "Ann"):
    return auth.add_agent(email, name, "a long enough password")


def _said(text: str, channel: str = "webchat") -> Dict[str, Any]:
    return {"event": "user", "text": text, "input_channel": channel, "timestamp": 1.0}


async def test_claim_announces_the_agent_once(store):
    ann = _agent()
    runtime = FakeRuntime()
    desk = DeskService(runtime, FakeTrackers({}))
    handoff = queue.create("conv", "webchat", "customer_request")
    assert (await desk.claim(handoff.id, ann)).agent_id == ann.id
    assert (await desk.claim(handoff.id, ann)).agent_id == ann.id  # a second click changes nothing
    assert runtime.calls == [("claimed", "conv", "Ann")]
    with pytest.raises(HandoffNotFound):
        await desk.claim(handoff.id + 100, ann)


async def test_takeover_write_and_hand_back(store):
    ann, bob = _agent(), _agent("bob@example.com", "Bob")
    runtime = FakeRuntime()
    desk = DeskService(runtime, FakeTrackers({"conv": [_said("hello", "telegram")]}))
    with pytest.raises(NotFound, match="No such conversation."):
        await desk.takeover("nobody", ann)
    with pytest.raises(WrongState, match="take it over before writing"):
        await desk.write_to_conversation("conv", ann, "hi")
    taken = await desk.takeover("conv", ann)
    assert (taken.channel, taken.status, taken.customer_name) == ("telegram", "assigned", "Zoe")
    assert (await desk.write_to_conversation("conv", ann, "hi"))["text"] == "hi"
    with pytest.raises(NotTheOwner):
        await desk.write(taken.id, bob, "me too")
    view = await desk.conversation("conv")
    assert view["owner"] == "agent" and view["handoff"]["id"] == taken.id
    note = await desk.add_note(taken.id, bob, "VIP")
    assert note["agent"] == "Bob" and runtime.bus.published[-1][0] == "note"
    assert (await desk.hand_back(taken.id, ann)).status == "resolved"
    assert runtime.calls == [
        ("took_over", "conv", "Ann"),
        ("agent_message", "conv", "hi"),
        ("hand_back", "conv", "Ann"),
    ]
    assert (await desk.conversation("conv"))["owner"] == "bot"


async def test_ticket_reply_records_whether_it_was_delivered(store):
    ann = _agent()
    ticket = ticket_store.open_ticket("Broken", "It broke", None, channel="webchat", sender_id="conv")
    assert await DeskService(FakeRuntime(), FakeTrackers({})).reply_to_ticket(ticket.reference, ann, "On it") == {
        "status": "pending",
        "routes": {"chat": {"ok": True, "how": "push"}, "email": None},
    }
    with pytest.raises(DeliveryError):
        await DeskService(FakeRuntime(refuse=True), FakeTrackers({})).reply_to_ticket(ticket.reference, ann, "Again")
    delivered = [
        (m["text"], m["delivered"], m["delivery_error"]) for m in ticket_store.ticket_messages(ticket.reference)
    ]
    assert delivered[-2:] == [
        ("On it", True, None),
        ("Again", False, "the platform refused the message"),
    ]
    with pytest.raises(NotFound):
        await DeskService(FakeRuntime(), FakeTrackers({})).reply_to_ticket("T-NOPE", ann, "?")
    by_email = ticket_store.open_ticket("Mail", "By email", "dave@example.com", channel="rest")
    with pytest.raises(Conflict, match="reply from your mailbox"):
        await DeskService(FakeRuntime(), FakeTrackers({})).reply_to_ticket(by_email.reference, ann, "?")


class FakeMailer:
    enabled = True
    support_email = "help@shop.example"

    def __init__(self, fail: bool = False) -> None:
        self.sent, self.fail = [], fail

    async def send(self, mail) -> None:
        if self.fail:
            raise MailError("the mail server refused or could not be reached (SMTPRecipientsRefused)")
        self.sent.append(mail)


async def test_ticket_reply_goes_by_email_too_and_counts_as_delivered_when_one_route_works(store):
    ann = _agent()
    ticket = ticket_store.open_ticket("Late", "Where is it", "zoe@example.com", channel="webchat", sender_id="conv")
    mailer = FakeMailer()
    desk = DeskService(FakeRuntime(refuse=True), FakeTrackers({}), mailer)
    assert desk.ticket_routes(ticket) == {"chat": "push", "email": "zoe@example.com"}
    outcome = await desk.reply_to_ticket(ticket.reference, ann, "It left today")
    assert outcome["routes"]["email"] == {"ok": True, "to": "zoe@example.com"}
    assert outcome["routes"]["chat"]["ok"] is False
    (mail,) = mailer.sent
    assert mail.to == "zoe@example.com" and ticket.reference in mail.subject and "It left today" in mail.body
    last = ticket_store.ticket_messages(ticket.reference)[-1]
    assert (last["delivered"], last["emailed_to"], last["email_error"]) == (False, "zoe@example.com", None)

    with pytest.raises(DeliveryError, match="email: the mail server refused"):
        await DeskService(FakeRuntime(refuse=True), FakeTrackers({}), FakeMailer(fail=True)).reply_to_ticket(
            ticket.reference, ann, "Again"
        )
    last = ticket_store.ticket_messages(ticket.reference)[-1]
    assert last["emailed_to"] is None and "refused" in last["email_error"]

    # A ticket with only an email (opened from the REST API without a conversation) is answered by email.
    by_email = ticket_store.open_ticket("Mail", "By email", "dave@example.com", channel="rest")
    mailer = FakeMailer()
    outcome = await DeskService(FakeRuntime(), FakeTrackers({}), mailer).reply_to_ticket(by_email.reference, ann, "Hi")
    assert outcome["routes"] == {"chat": None, "email": {"ok": True, "to": "dave@example.com"}}


@pytest.mark.parametrize(
    "err, status",
    [
        (BadRequest("x"), 400),
        (NotTheOwner("x"), 403),
        (HandoffNotFound("x"), 404),
        (NotFound("x"), 404),
        (WrongState("x"), 409),
        (Conflict("x"), 409),
        (HandoffError("x"), 409),
        (Refused(), 502),
    ],
)
def test_domain_errors_map_to_http_statuses(err, status):
    assert status_for(err) == status
