"""The desk's conversation list (bot/desk/inbox.py) on SQLite and PostgreSQL: one line per
customer with their name or email, channel, last message, status, agent and waiting time;
filters by channel, status and "mine"; search over those lines and tickets. Conversations are
summarised from events as the recorder does (bot/analytics/summary.py)."""

from __future__ import annotations

import time

import pytest

from bot.analytics.summary import summarize
from bot.desk import auth, inbox
from bot.handoff import ownership, queue
from bot.store import conversations
from bot.store.tickets import open_ticket

NOW = time.time()


def _record(sender: str, channel: str, lines, slots=None, start: float = NOW - 600) -> None:
    events = [{"event": "session_started", "timestamp": start}]
    for name, value in (slots or {}).items():
        events.append({"event": "slot", "name": name, "value": value, "timestamp": start})
    for offset, (who, text) in enumerate(lines, start=1):
        when = start + offset * 10
        if who == "customer":
            events.append(
                {"event": "user", "text": text, "timestamp": when, "input_channel": channel, "parse_data": {}}
            )
        else:
            meta = {"agent": {"name": "Ann"}} if who == "agent" else {}
            events.append({"event": "bot", "text": text, "timestamp": when, "metadata": meta})
    summary = summarize(events, channel)
    conversations.write_summary(sender, summary.session_start, summary.row(sender))


@pytest.fixture
def desk_day(store):
    ann = auth.add_agent("ann@example.com", "Ann", "a long enough password")
    bob = auth.add_agent("bob@example.com", "Bob", "a long enough password")
    _record(
        "webchat:w1",
        "webchat",
        [("customer", "where is my parcel?"), ("bot", "What's your order number?")],
        {"customer_name": "Zoe Park"},
    )
    _record("telegram:t1", "telegram", [("customer", "I need a refund for my mug")], {"customer_name": "Yuki"})
    _record(
        "slack:s1", "slack", [("customer", "hello"), ("agent", "Hi, Ann here")], {"verified_email": "sam@example.com"}
    )
    _record("rest:r1", "rest", [("customer", "my invoice is wrong")])
    queue.create("telegram:t1", "telegram", "customer_request")
    taken = queue.create("slack:s1", "slack", "customer_request")
    ownership.claim(taken.id, ann.id)
    open_ticket(
        "Invoice wrong",
        "Customer says invoice 7781 has the wrong VAT",
        "rita@example.com",
        channel="rest",
        sender_id="rest:r1",
    )
    return ann, bob


def _senders(rows):
    return [row["sender_id"] for row in rows]


def test_one_line_per_customer_with_what_an_agent_scans(desk_day):
    ann, _ = desk_day
    rows = {row["sender_id"]: row for row in inbox.conversations(inbox.Filters(), ann.id)}
    assert set(rows) == {"webchat:w1", "telegram:t1", "slack:s1", "rest:r1"}
    zoe = rows["webchat:w1"]
    assert (zoe["customer_name"], zoe["channel"], zoe["status"]) == ("Zoe Park", "webchat", "bot")
    assert (zoe["last_message"], zoe["last_message_from"]) == ("What's your order number?", "bot")
    yuki = rows["telegram:t1"]
    assert yuki["status"] == "waiting" and yuki["waiting_seconds"] is not None and yuki["waiting_seconds"] >= 0
    sam = rows["slack:s1"]
    assert (sam["status"], sam["agent_name"], sam["customer_email"]) == ("with_agent", "Ann", "sam@example.com")
    assert (sam["last_message"], sam["last_message_from"]) == ("Hi, Ann here", "agent")


@pytest.mark.parametrize(
    "filters, expected",
    [
        (inbox.Filters(channel="telegram"), ["telegram:t1"]),
        (inbox.Filters(status="waiting"), ["telegram:t1"]),
        (inbox.Filters(status="with_agent"), ["slack:s1"]),
        (inbox.Filters(status="bot", channel="webchat"), ["webchat:w1"]),
        (inbox.Filters(mine=True), ["slack:s1"]),
        (inbox.Filters(query="zoe"), ["webchat:w1"]),
        (inbox.Filters(query="SAM@example"), ["slack:s1"]),
        (inbox.Filters(query="refund"), ["telegram:t1"]),
        (inbox.Filters(query="100%_"), []),  # wildcards are searched for as typed
    ],
)
def test_filters_and_search(desk_day, filters, expected):
    ann, _ = desk_day
    assert sorted(_senders(inbox.conversations(filters, ann.id))) == expected


def test_mine_is_only_mine(desk_day):
    _, bob = desk_day
    assert inbox.conversations(inbox.Filters(mine=True), bob.id) == []


def test_a_search_finds_tickets_and_brings_their_conversation(desk_day):
    ann, _ = desk_day
    tickets = inbox.ticket_matches("vat")
    assert [t["subject"] for t in tickets] == ["Invoice wrong"]
    assert inbox.ticket_matches("RITA@") and inbox.ticket_matches("T-0") and not inbox.ticket_matches("nothing like it")
    rows = inbox.conversations(inbox.Filters(query="vat"), ann.id, inbox.senders_of(tickets))
    assert _senders(rows) == ["rest:r1"]
