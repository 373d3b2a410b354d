"""Ticket actions against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from actions.tickets import ActionCheckTicket, ActionOpenTicket, ValidateOpenTicketForm, ValidateTicketStatusForm
from bot.store.tickets import get_ticket
from tests.trackers import run, tracker

TICKET = {
    "ticket_subject": "Lamp arrived broken",
    "ticket_description": "The base is cracked, please help",
    "email": "carol@example.com",
}


def test_open_ticket_stores_everything_and_gives_the_reference(store):
    events, messages = run(ActionOpenTicket(), tracker(TICKET, sender_id="conv-1", channel="telegram"))
    reference = re.search(r"T-\d{6}", messages[0]["text"]).group(0)
    assert events == [
        SlotSet("ticket_subject", None),
        SlotSet("ticket_description", None),
        SlotSet("ticket_priority", None),
        SlotSet("ticket_reference", reference),
    ]
    ticket = get_ticket(reference)
    assert (ticket.subject, ticket.email, ticket.channel, ticket.sender_id, ticket.status) == (
        "Lamp arrived broken",
        "carol@example.com",
        "telegram",
        "conv-1",
        "open",
    )
    assert ticket.priority == "high"  # "broken" in the customer's words
    assert "carol@example.com" in messages[0]["text"]


def test_priority_inferred_from_urgent_words(store):
    slots = {**TICKET, "ticket_description": "I need this fixed urgently, it's a gift for tomorrow"}
    _, messages = run(ActionOpenTicket(), tracker(slots))
    assert "urgent priority (based on what you wrote)" in messages[0]["text"]


def test_priority_the_customer_asked_for_wins(store):
    slots = {**TICKET, "ticket_description": "Urgent!!! everything is broken", "ticket_priority": "low"}
    _, messages = run(ActionOpenTicket(), tracker(slots))
    assert "low priority (as you asked)" in messages[0]["text"]


def test_references_are_sequential_and_unique(store):
    refs = [re.search(r"T-\d{6}", run(ActionOpenTicket(), tracker(TICKET))[1][0]["text"]).group(0) for _ in range(3)]
    numbers = [int(r[2:]) for r in refs]
    assert numbers == sorted(set(numbers)) and numbers[2] - numbers[0] == 2


def test_ticket_status_for_its_owner_shows_the_subject(store):
    _, messages = run(ActionOpenTicket(), tracker(TICKET, sender_id="owner"))
    reference = re.search(r"T-\d{6}", messages[0]["text"]).group(0)
    events, messages = run(ActionCheckTicket(), tracker({"ticket_reference": reference}, sender_id="owner"))
    assert events == [SlotSet("ticket_reference", reference)]
    assert '"Lamp arrived broken"' in messages[0]["text"] and "open and waiting for our team" in messages[0]["text"]


def test_ticket_status_for_a_stranger_hides_the_subject(store):
    _, messages = run(ActionOpenTicket(), tracker(TICKET, sender_id="owner"))
    reference = re.search(r"T-\d{6}", messages[0]["text"]).group(0)
    _, messages = run(ActionCheckTicket(), tracker({"ticket_reference": reference}, sender_id="someone-else"))
    assert reference in messages[0]["text"] and "Lamp" not in messages[0]["text"]


def test_unknown_ticket(store):
    events, messages = run(ActionCheckTicket(), tracker({"ticket_reference": "T-999999"}))
    assert events == [SlotSet("ticket_reference", None)]
    assert messages[0]["response"] == "utter_ticket_not_found"
    assert messages[0]["ticket_reference"] == "T-999999"


@pytest.mark.parametrize(
    "raw, expected", [("t-12", "T-000012"), ("T 000123", "T-000123"), ("#T-000045", "T-000045"), ("ticket", None)]
)
def test_reference_validation(raw, expected):
    result = asyncio.run(
        ValidateTicketStatusForm().validate_ticket_reference(raw, CollectingDispatcher(), tracker(), {})
    )
    assert result == {"ticket_reference": expected}


def test_subject_and_description_validation():
    form = ValidateOpenTicketForm()
    dispatcher = CollectingDispatcher()
    assert asyncio.run(form.validate_ticket_subject("ok", dispatcher, tracker(), {})) == {"ticket_subject": None}
    assert asyncio.run(form.validate_ticket_description("no", dispatcher, tracker(), {})) == {
        "ticket_description": None
    }
    assert len(dispatcher.messages) == 2
    assert asyncio.run(form.validate_ticket_subject("  Refund missing ", dispatcher, tracker(), {})) == {
        "ticket_subject": "Refund missing"
    }


def test_session_start_copies_identity_and_trusts_only_verified_emails():
    meta = {
        "customer": {
            "channel": "slack",
            "id": "U123",
            "name": "Alice",
            "email": "Alice@Example.com",
            "email_verified": True,
        }
    }
    events, _ = run(ActionSessionStart(), tracker({"session_started_metadata": meta, "order_lookup_failures": 2}))
    assert events[0]["event"] == "session_started"
    assert events[-1] == {
        "event": "action",
        "name": "action_listen",
        "policy": None,
        "confidence": None,
        "timestamp": None,
    }
    assert SlotSet("order_lookup_failures", 2) in events  # carried over
    assert SlotSet("customer_name", "Alice") in events
    assert SlotSet("customer_email", "alice@example.com") in events
    assert SlotSet("email", "alice@example.com") in events  # Slack verified it
    assert SlotSet("verified_email", "alice@example.com") in events
    assert SlotSet("verified_by", "slack") in events

    web = {"customer": {"channel": "webchat", "id": "s1", "name": None, "email": "alice@example.com"}}
    events, _ = run(ActionSessionStart(), tracker({"session_started_metadata": web}))
    assert SlotSet("customer_email", "alice@example.com") in events
    assert not any(e.get("name") in ("email", "verified_email") for e in events)  # a web page's claim


@pytest.mark.parametrize(
    "customer",
    [
        # A REST client (or anyone) claiming Slack, without the channel's own verification flag.
        {"channel": "slack", "id": "U1", "email": "alice@example.com"},
        # A claim of verification from a channel that cannot verify emails.
        {"channel": "rest", "id": "me", "email": "alice@example.com", "email_verified": True},
        {"channel": "webchat", "id": "s1", "email": "alice@example.com", "email_verified": True},
        {"channel": "slack", "id": "U1", "email": "alice@example.com", "email_verified": "true"},
    ],
)
def test_session_start_never_trusts_an_unverified_or_foreign_claim(customer):
    events, _ = run(ActionSessionStart(), tracker({"session_started_metadata": {"customer": customer}}))
    assert not any(e.get("name") in ("email", "verified_email", "verified_by") for e in events)


def test_open_ticket_in_japanese(store):
    slots = {**TICKET, "language": "ja"}
    events, [message] = run(ActionOpenTicket(), tracker(slots, sender_id="conv-ja"))
    reference = events[-1]["value"]
    assert re.fullmatch(r"T-\d{6}", reference)
    assert message["text"] == (
        f"チケット {reference}「Lamp arrived broken」を作成しました。優先度は「高」です（お問い合わせの内容から判断しました）。"
        "通常1営業日以内に、担当者より carol@example.com 宛てにご連絡いたします。"
        f"{reference} の状況は、いつでもこちらでお尋ねいただけます。"
    )
    _, [status] = run(
        ActionCheckTicket(), tracker({"ticket_reference": reference, "language": "ja"}, sender_id="conv-ja")
    )
    assert status["text"].startswith(
        f"チケット {reference}（「Lamp arrived broken」）は受付済みで、担当者の対応待ちです。"
    )
    assert "優先度：高。" in status["text"] and "たった今" in status["text"]
