"""Returning customers (actions/returning.py): who is recognised, and what the welcome offers."""

from __future__ import annotations

import time

import pytest

from actions.returning import private, recognise, welcome
from bot.store import conversations
from bot.store.tickets import open_ticket


@pytest.mark.parametrize(
    "sender, expected",
    [
        ("slack:T1:D0123", True),  # a DM
        ("slack:T1:C0123", False),  # a channel: others read it
        ("slack:T1:C0123:1700000000.0001", False),  # a channel thread
        ("telegram:12345", True),  # a private chat
        ("telegram:-100123", False),  # a group
        ("0f3a9c", True),  # a widget session
        ("rest:client-7", True),
    ],
)
def test_only_conversations_nobody_else_reads(sender, expected):
    assert private(sender) is expected


def _earlier(sender: str, key: str) -> None:
    conversations.write_summary(
        sender,
        time.time() - 9000,
        {"channel": "slack", "customer_key": key, "started_ts": 1.0, "last_activity_ts": 2.0, "events_seen": 3},
    )


def test_a_verified_returning_customer_is_offered_their_ticket_and_latest_order(store):
    slots = {"verified_email": "alice@example.com", "customer_channel": "slack", "customer_id": "U1"}
    assert recognise("slack:T1:D1", slots) is None  # first contact
    _earlier("slack:T1:D1", "email:alice@example.com")
    ticket = open_ticket(
        "Scarf missing", "One item missing", "alice@example.com", channel="slack", sender_id="slack:T1:D1"
    )
    back = recognise("slack:T1:D1", slots)
    assert back is not None and back.name == "Alice Martin" and back.ticket.reference == ticket.reference
    message = welcome(back)
    assert message["text"].startswith("Welcome back, Alice!")
    assert [b["title"] for b in message["buttons"]] == [f"Ticket {ticket.reference}", f"Order {back.order.number}"]
    assert back.order.number == "100234"  # her latest
    japanese = welcome(back, "ja")
    assert japanese["text"] == (
        f"Alice様、またのご利用ありがとうございます。チケット {ticket.reference}（「Scarf missing」）は、現在も対応中です。"
        "最新のご注文（ご注文番号 100234）は配送中です。本日はどのようなご用件でしょうか？"
    )
    assert [b["payload"] for b in japanese["buttons"]] == [b["payload"] for b in message["buttons"]]
    assert recognise("slack:T1:C9:1700000000.1", slots) is None  # the same person in a channel thread: no


def test_an_unverified_visitor_is_not_recognised(store):
    _earlier("widget-1", "sender:widget-1")
    assert recognise("widget-1", {"customer_name": "Typed Name", "customer_email": "alice@example.com"}) is None
