"""A known week of conversations, stored the way the server stores them: each conversation's
events go through the recorder (bot/analytics/recorder.py), handoffs, tickets, ratings and
help-centre feedback through their own store functions, with their times set to the story's.

NOW is Monday 7 December 2026, 12:00 UTC; the business runs mon-fri 09:00-18:00 in Paris. The
report window is the 7 days before NOW minus one hour (`WINDOW_SINCE`, `WINDOW_UNTIL`).

| conv | channel  | customer         | what happens                                                            |
|------|----------|------------------|-------------------------------------------------------------------------|
| c0   | webchat  | email:old        | before the window (not counted)                                         |
| c1   | webchat  | email:alice      | Tue: article, "thanks" (confirmed); rated 5 with a comment              |
| c2   | webchat  | email:bob        | Wed: order found, nothing more (assumed); rating asked, not answered    |
| c3   | telegram | telegram:u3      | NOW-2h: article, nothing more (pending: under 24 h)                     |
| c4   | telegram | telegram:u4      | Thu: article, then "I didn't get that" (unresolved)                     |
| c5   | slack    | slack:U5         | Thu 17:54 Paris: frustrated, Ann replies Fri 09:05, hands back; rated 2 |
| c6   | webchat  | sender:webchat:c6| Sat: asks for a person, nobody is on: ticket; answered Mon 09:30        |
| c7   | webchat  | webchat:v7       | Sun 23:30 UTC (Mon 00:30 Paris): "blah", not understood (unanswered)     |
| c9   | telegram | email:bob        | Fri: bob again (c2's repeat contact): article, "that helped"; skipped   |
| c10  | webchat  | webchat:v10      | Tue 08:00: article, no confirmation                                     |
| c11  | webchat  | webchat:v10      | Tue 10:00 (came back to c10 within 24 h): person asked, stopped waiting |
| c12  | webchat  | email:alice      | NOW-30min: outside the window, but alice's repeat contact for c1        |
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import update

from bot.analytics.recorder import record
from bot.desk import auth
from bot.handoff import ownership, queue
from bot.store import csat
from bot.store.db import session_scope
from bot.store.handoff import Handoff, HandoffStatus, SatisfactionRating
from bot.store.knowledge import KBFeedback, KBQuery, record_feedback, record_query
from bot.store.models import Ticket, TicketMessage
from bot.store.tickets import add_message, open_ticket, set_status
from tests.analytics.events import action, bot, kb_answer, listen, not_understood, order_found, session, slot, user

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=UTC).timestamp()
WINDOW_SINCE = NOW - 7 * 86400
WINDOW_UNTIL = NOW - 3600
HOURS = "mon-fri 09:00-18:00"
TIMEZONE = "Europe/Paris"


def at(day: int, hour: int, minute: int = 0, second: float = 0) -> float:
    """December `day` 2026, UTC."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=UTC).timestamp() + second


def naive(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def identity(channel: str, who: str) -> Dict[str, Any]:
    return {"customer_channel": channel, "customer_id": who}


def greeting(t: float, first_reply: float, channel: str) -> List[Dict[str, Any]]:
    """The customer's first message and the assistant's reply `first_reply` seconds later."""
    return [user("hi", "greet", t, channel=channel, received=t), bot("Hi! How can I help?", t + first_reply)]


def store(sender: str, events: List[Dict[str, Any]]) -> None:
    from rasa.shared.core.events import Event

    assert record(sender, [Event.from_parameters(e) for e in events])


def ask_csat(sender: str, start: float, channel: str, asked: float, rating: Optional[int] = None, **extra) -> None:
    conversation = csat.Conversation(sender, start, channel)
    question = csat.ask(conversation)
    if rating is not None:
        csat.rate(conversation, rating)
    if extra.get("comment"):
        csat.add_comment(conversation, extra["comment"])
    if extra.get("skip"):
        csat.skip(conversation)
    with session_scope() as s:
        s.execute(
            update(SatisfactionRating).where(SatisfactionRating.id == question.id).values(created_at=naive(asked))
        )


def handoff(sender: str, channel: str, reason: str, created: float) -> int:
    item = queue.create(sender, channel, reason)
    with session_scope() as s:
        s.execute(update(Handoff).where(Handoff.id == item.id).values(created_at=naive(created)))
    return item.id


def feedback(doc_id: str, helpful: bool, when: float, channel: str = "webchat", question: str = "q") -> None:
    row = record_feedback(question, helpful, doc_id=doc_id, chunk_id=f"{doc_id}#0", channel=channel, sender_id="x")
    with session_scope() as s:
        s.execute(update(KBFeedback).where(KBFeedback.id == row).values(created_at=naive(when)))


def unanswered(question: str, sender: str, when: float, channel: str = "webchat") -> None:
    row = record_query(question, "no_answer", channel=channel, sender_id=sender)
    with session_scope() as s:
        s.execute(update(KBQuery).where(KBQuery.id == row).values(created_at=naive(when)))


def seed() -> Dict[str, Any]:
    """Store the week; returns the ids the tests look for."""
    known = {a.email: a for a in auth.list_agents()}  # a running desk may have its Ann already
    ann = known.get("ann@example.com") or auth.add_agent("ann@example.com", "Ann", "a long enough password")

    # c0: before the window
    t = at(1, 0) - 2 * 86400
    store("webchat:c0", session(t, {"verified_email": "old@example.com"}) + greeting(t, 1, "webchat"))

    # c1: Tue 1 Dec 10:00, an article, thanks; rated 5 with a comment
    t = at(1, 10)
    c1 = session(t, {"verified_email": "alice@example.com"}) + greeting(t, 0.5, "webchat")
    c1 += kb_answer("how long do refunds take", t + 9, channel="webchat")  # answer at t+10
    c1 += [user("thanks!", "thank", t + 30, channel="webchat"), action("action_wrap_up", t + 31), listen(t + 31)]
    store("webchat:c1", c1)
    ask_csat("webchat:c1", t, "webchat", t + 31, 5, comment="Quick! Call me on 415-555-0132 if needed")

    # c2: Wed 2 Dec 09:00, order found (bob), no reply: assumed; rating asked, not answered
    t = at(2, 9)
    c2 = (
        session(t) + greeting(t, 1.0, "webchat") + order_found(t + 18, email="bob@example.com", channel="webchat")
    )  # answer at t+20
    store("webchat:c2", c2)
    ask_csat("webchat:c2", t, "webchat", t + 25)

    # c3: NOW-2h on Telegram: an article, under 24 h ago (pending)
    t = NOW - 7200
    store(
        "telegram:c3",
        session(t, identity("telegram", "u3"))
        + greeting(t, 2.0, "telegram")
        + kb_answer("returns?", t + 4, "telegram"),
    )

    # c4: Thu 3 Dec 08:00 Telegram: an article, then not understood (unresolved)
    t = at(3, 8)
    c4 = session(t, identity("telegram", "u4")) + greeting(t, 1.5, "telegram") + kb_answer("refunds", t + 5, "telegram")
    c4 += not_understood("and the box?", t + 20, "telegram")
    store("telegram:c4", c4)

    # c5: Thu 3 Dec 16:54 UTC (17:54 Paris) Slack: frustrated at 16:55, Ann replies Fri 08:05 UTC
    # (09:05 Paris: 5 + 5 business minutes), hands back 08:30 UTC; rated 2, which opens a ticket
    t = at(3, 16, 54)
    escalated = at(3, 16, 55)
    handoff_id = handoff("slack:c5", "slack", "frustration", escalated)
    c5 = session(t, identity("slack", "U5")) + greeting(t, 0.8, "slack")
    c5 += [
        user("this is useless", "frustrated", escalated - 1, channel="slack"),
        action("action_handoff", escalated),
        bot("I'm connecting you with a person.", escalated),
        {"event": "pause", "timestamp": escalated},
        bot("Ann has joined.", at(4, 8, 4), system=True),
        bot("Hi, Ann here.", at(4, 8, 5), agent={"id": ann.id, "name": "Ann"}),
        {"event": "resume", "timestamp": at(4, 8, 30)},
        action("action_handed_back", at(4, 8, 30)),
        bot("Ann has handed you back to me.", at(4, 8, 30)),
    ]
    ownership.claim(handoff_id, ann.id)
    ownership.close(handoff_id, HandoffStatus.resolved, agent_id=ann.id)
    store("slack:c5", c5)
    ask_csat("slack:c5", t, "slack", at(4, 8, 31), 2)

    # c6: Sat 5 Dec 10:00: asks for a person, nobody on: a ticket; Ann answers it Mon 08:30 UTC
    # (09:30 Paris: 30 business minutes), resolved Mon 09:00 UTC
    t = at(5, 10)
    c6_handoff = handoff("webchat:c6", "webchat", "customer_request", t + 30)
    ticket = open_ticket("Handoff", "transcript", "dora@example.com", channel="webchat", sender_id="webchat:c6")
    ownership.close(c6_handoff, HandoffStatus.ticketed, ticket_reference=ticket.reference)
    c6 = (
        session(t)
        + greeting(t, 1.2, "webchat")
        + [
            user("I want a person", "request_human", t + 29, channel="webchat"),
            action("action_handoff", t + 30),
            bot("Nobody is available; I've opened a ticket.", t + 30),
            slot("ticket_reference", ticket.reference, t + 30),
            slot("email", "dora@example.com", t + 30),
            listen(t + 30),
        ]
    )
    store("webchat:c6", c6)
    message = add_message(ticket.reference, "agent", "Here is your answer", agent_id=ann.id, agent_name="Ann")
    set_status(ticket.reference, "resolved")
    with session_scope() as s:
        s.execute(update(TicketMessage).where(TicketMessage.id == message).values(created_at=naive(at(7, 8, 30))))
        s.execute(update(Ticket).where(Ticket.reference == ticket.reference).values(resolved_at=naive(at(7, 9))))

    # c7: Sun 6 Dec 23:30 UTC = Mon 7 Dec 00:30 in Paris: not understood, nothing answered
    t = at(6, 23, 30)
    store(
        "webchat:c7",
        session(t, identity("webchat", "v7")) + greeting(t, 0.7, "webchat") + not_understood("blah", t + 5, "webchat"),
    )

    # c9: Fri 4 Dec 12:00 Telegram: bob again (verified), an article, "that helped"; skips the rating
    t = at(4, 12)
    c9 = session(t, {"verified_email": "bob@example.com"}) + greeting(t, 3.0, "telegram")
    c9 += kb_answer("exchange sizes", t + 39, "telegram")  # answer at t+40
    c9 += [
        user("/kb_feedback", "kb_feedback", t + 60, [{"entity": "kb_helpful", "value": "yes"}], channel="telegram"),
        action("action_kb_feedback", t + 61),
        listen(t + 61),
    ]
    store("telegram:c9", c9)
    ask_csat("telegram:c9", t, "telegram", t + 61, skip=True)

    # c10: Tue 1 Dec 08:00, an article, no reply; c11 two hours later by the same visitor: came back
    t = at(1, 8)
    store(
        "webchat:c10",
        session(t, identity("webchat", "v10"))
        + greeting(t, 0.9, "webchat")
        + kb_answer("gift cards", t + 5, "webchat"),
    )
    t = at(1, 10)
    c11_handoff = handoff("webchat:c11", "webchat", "customer_request", t + 10)
    ownership.close(c11_handoff, HandoffStatus.abandoned)
    c11 = (
        session(t, identity("webchat", "v10"))
        + greeting(t, 1.1, "webchat")
        + [
            user("a person please", "request_human", t + 9, channel="webchat"),
            action("action_handoff", t + 10),
            bot("You're in the queue.", t + 10),
            {"event": "pause", "timestamp": t + 10},
            {"event": "resume", "timestamp": t + 100},
            action("action_stopped_waiting", t + 100),
        ]
    )
    store("webchat:c11", c11)

    # c12: NOW-30min, alice again (outside the window; makes c1 a repeat contact)
    t = NOW - 1800
    store("webchat:c12", session(t, {"verified_email": "alice@example.com"}) + greeting(t, 1, "webchat"))

    # Help-centre feedback and questions it could not answer
    feedback("refund-timing", True, at(1, 10, 1))
    feedback("refund-timing", True, at(2, 10))
    feedback("refund-timing", False, at(3, 10), channel="telegram", question="when do I get my money back")
    feedback("returns-policy", False, at(3, 11), question="can I return worn shoes")
    feedback("shipping-times-and-costs", True, at(4, 11))
    feedback("shipping-times-and-costs", False, at(1, 0) - 3 * 86400)  # before the window
    unanswered("do you ship to mars", "webchat:c7", at(6, 23, 31))
    unanswered("can you deliver to mars", "telegram:c4", at(3, 8, 0, 21), channel="telegram")
    unanswered("do you sell gift wrap", "webchat:c10", at(1, 8, 1))
    unanswered("ship to mars?", "webchat:c0", at(1, 0) - 2 * 86400)  # before the window
    return {"ann": ann.id, "ticket": ticket.reference}
