"""The handoff and rating actions (actions/handoff.py) with rasa_sdk trackers and a
CollectingDispatcher, on a throw-away SQLite app database (no action server, no model)."""

from __future__ import annotations

import asyncio
from typing import Dict, List

import pytest
from rasa_sdk.events import ActiveLoop, ConversationPaused, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.handoff import ActionAskContactEmail, ActionHandedBack, ActionHandoff, ValidateHandoffContactForm
from bot.desk import auth
from bot.handoff import queue
from bot.handoff.texts import (
    NO_EMAIL_BUTTON,
    NOT_NOW,
    STOP_WAITING_BUTTON,
    contact_email_question,
    ticket_instead_of_queue,
)
from bot.store.tickets import tickets_for_sender
from tests.fakes import app_database
from tests.trackers import run, tracker

RESET = [SlotSet("handoff_reason", None), SlotSet("handoff_detail", None)]
EARLIER = [
    {"event": "action", "name": "action_listen", "timestamp": 1700000000.0},
    {
        "event": "user",
        "text": "where is my order 1042",
        "timestamp": 1700000001.0,
        "parse_data": {"intent": {"name": "check_order"}, "entities": []},
    },
    {"event": "bot", "text": "Order 1042 shipped yesterday.", "timestamp": 1700000002.0, "data": {}, "metadata": {}},
]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """Settings the actions read from the environment (cached by actions.common.settings)."""
    for name, value in {
        "BUSINESS_HOURS": "always",
        "BUSINESS_TIMEZONE": "UTC",
        "HANDOFF_ON_FRUSTRATION": "true",
        "HANDOFF_DEFAULT_HANDLE_MINUTES": "4",
        "AGENT_ONLINE_WINDOW": "90",
        "VAR_DIR": str(tmp_path / "var"),
    }.items():
        monkeypatch.setenv(name, value)
    common.settings.cache_clear()
    yield from app_database(tmp_path)
    common.settings.cache_clear()  # the next test reads its own environment


def online_agent(email: str = "ann@example.com", name: str = "Ann") -> int:
    agent = auth.add_agent(email, name, "a long enough password")
    auth.mark_seen(agent.id)
    return agent.id


def no_apology(messages: List[Dict]) -> None:
    assert all(m.get("response") != "utter_something_went_wrong" for m in messages), messages


# ---- action_handoff ------------------------------------------------------------------------


def test_handoff_queues_the_conversation_and_pauses_when_an_agent_is_online(app_db):
    online_agent()
    slots = {"customer_name": "Carol", "verified_email": "carol@example.com"}
    trk = tracker(slots, "I want to talk to a person", "request_human", sender_id="conv-1", channel="telegram")

    events, messages = run(ActionHandoff(), trk)

    no_apology(messages)
    assert events == [*RESET, ConversationPaused()]
    [message] = messages
    assert message["text"].startswith("I'm connecting you with a person from our support team.")
    assert "You're next in line; the expected wait is about 4 minutes." in message["text"]
    assert message["buttons"] == [STOP_WAITING_BUTTON]
    handoff = queue.open_handoff_for("conv-1")
    assert (handoff.status, handoff.channel, handoff.reason, handoff.priority) == (
        "queued",
        "telegram",
        "customer_request",
        0,
    )
    assert (handoff.customer_name, handoff.customer_email) == ("Carol", "carol@example.com")
    assert queue.position_told(handoff.id)[0] == 1  # the background loop will not repeat it
    assert tickets_for_sender("conv-1") == []


def test_handoff_opens_a_ticket_with_the_transcript_and_does_not_pause_when_nobody_is_online(app_db):
    slots = {"email": "dave@example.com"}
    trk = tracker(slots, "I want a human", "request_human", events=list(EARLIER), sender_id="conv-2", channel="slack")

    events, messages = run(ActionHandoff(), trk)

    no_apology(messages)
    [ticket] = tickets_for_sender("conv-2")
    assert events == [*RESET, SlotSet("ticket_reference", ticket.reference)]  # no pause: the bot stays
    assert messages[0]["text"] == ticket_instead_of_queue(NOT_NOW["no_agents"], ticket.reference, "dave@example.com")
    assert (ticket.priority, ticket.channel, ticket.email) == ("high", "slack", "dave@example.com")
    assert ticket.subject == "Needs a person: the customer asked for a person"
    assert "Transcript:" in ticket.description
    body = ticket.description.split("Transcript:", 1)[1]
    assert "where is my order 1042" in body and "Order 1042 shipped yesterday." in body and "I want a human" in body
    assert queue.open_handoff_for("conv-2") is None
    last = queue.latest_for("conv-2")
    assert (last.status, last.ticket_reference) == ("ticketed", ticket.reference)


# ---- nobody online, an anonymous customer who may leave: an email first -----------------------


@pytest.mark.parametrize("channel", ["webchat", "rest"])
def test_an_anonymous_customer_is_asked_for_an_email_before_the_ticket(app_db, channel):
    trk = tracker({}, "I want a human", "frustrated", sender_id="conv-e1", channel=channel)
    events, messages = run(ActionHandoff(), trk)
    assert messages == []
    assert events == [
        SlotSet("handoff_reason", "frustration"),
        SlotSet("handoff_detail", None),
        FollowupAction("handoff_contact_form"),
    ]
    assert tickets_for_sender("conv-e1") == []  # not yet

    events, messages = run(ActionAskContactEmail(), tracker({}, "", sender_id="conv-e1", channel=channel))
    assert messages[0]["text"] == contact_email_question(NOT_NOW["no_agents"])
    assert messages[0]["buttons"] == [NO_EMAIL_BUTTON]


@pytest.mark.parametrize(
    "slots, channel",
    [
        ({"verified_email": "carol@example.com"}, "webchat"),  # an order lookup confirmed them
        ({"email": "dave@example.com"}, "rest"),  # typed into a form
        ({"contact_email": "skipped"}, "webchat"),  # asked once already
        ({}, "telegram"),  # the channel reaches them later anyway
    ],
)
def test_no_email_question_when_the_answer_can_reach_them(app_db, slots, channel):
    events, messages = run(
        ActionHandoff(), tracker(slots, "a person", "request_human", sender_id="conv-e2", channel=channel)
    )
    [ticket] = tickets_for_sender("conv-e2")
    assert messages[0]["text"].startswith("I'm sorry, no one from our support team is available right now.")
    assert SlotSet("ticket_reference", ticket.reference) in events


def test_no_email_question_when_someone_can_answer(app_db):
    online_agent()
    events, _ = run(ActionHandoff(), tracker({}, "a person", "request_human", sender_id="conv-e3", channel="webchat"))
    assert ConversationPaused() in events


def test_after_the_question_the_ticket_carries_the_address_given(app_db):
    slots = {"contact_email": "erin@example.com", "handoff_reason": "frustration"}
    events, messages = run(
        ActionHandoff(), tracker(slots, "erin@example.com", "inform", sender_id="conv-e4", channel="webchat")
    )
    [ticket] = tickets_for_sender("conv-e4")
    assert ticket.email == "erin@example.com"
    assert "(and by email to erin@example.com)" in messages[0]["text"]
    assert queue.latest_for("conv-e4").reason == "frustration"


def test_asking_for_a_person_again_instead_of_answering_means_no_email(app_db):
    trk = tracker(
        {},
        "just a human!!",
        "request_human",
        sender_id="conv-e5",
        channel="webchat",
        active_loop="handoff_contact_form",
    )
    events, messages = run(ActionHandoff(), trk)
    [ticket] = tickets_for_sender("conv-e5")
    assert ticket.email is None and "by email" not in messages[0]["text"]
    assert SlotSet("contact_email", "skipped") in events and ActiveLoop(None) in events


@pytest.mark.parametrize(
    "text, intent, tries, expected",
    [
        ("carol@example.com", "inform", 0, "carol@example.com"),
        ("sure: Carol@Example.COM thanks", "inform", 0, "carol@example.com"),
        ("No email, answer here", "deny", 0, "skipped"),
        ("no thanks", "deny", 0, "skipped"),
        ("skip", "inform", 0, "skipped"),
        ("I'd rather not", "inform", 0, "skipped"),
        ("my parcel is late", "inform", 0, None),  # asked again once...
        ("my parcel is late", "inform", 1, "skipped"),  # ...then the ticket opens without one
    ],
)
def test_the_contact_form_reads_an_address_or_a_no(app_db, text, intent, tries, expected):
    trk = tracker(
        {"contact_email_tries": float(tries)}, text, intent, channel="webchat", active_loop="handoff_contact_form"
    )
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateHandoffContactForm().validate_contact_email(text, dispatcher, trk, {}))
    assert result["contact_email"] == expected
    assert bool(dispatcher.messages) == (expected is None)


def test_handoff_closes_an_active_form(app_db):
    online_agent()
    trk = tracker({}, "just get me a person", "request_human", sender_id="conv-3", active_loop="open_ticket_form")
    events, _ = run(ActionHandoff(), trk)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *RESET, ConversationPaused()]


def test_handoff_when_already_waiting_keeps_the_one_handoff(app_db):
    online_agent()
    first = queue.create("conv-4", "rest", "customer_request")
    events, messages = run(ActionHandoff(), tracker({}, "a person please", "request_human", sender_id="conv-4"))
    assert events == [*RESET, ConversationPaused()]
    assert messages[0]["text"].startswith("You're already waiting for a person")
    assert queue.open_handoff_for("conv-4").id == first.id
    assert len(queue.queue()) == 1


def test_handoff_takes_the_reason_a_trigger_set(app_db):
    online_agent()
    slots = {"handoff_reason": "topic", "handoff_detail": "the customer mentioned \u201cbilling dispute\u201d"}
    events, _ = run(ActionHandoff(), tracker(slots, "this is a billing dispute", "inform", sender_id="conv-5"))
    assert events[:2] == RESET  # consumed
    handoff = queue.open_handoff_for("conv-5")
    assert (handoff.reason, handoff.priority) == ("topic", 2)
    assert handoff.reason_text == "the customer mentioned \u201cbilling dispute\u201d"


def test_frustration_hands_over_when_on_frustration_is_on(app_db):
    online_agent()
    events, _ = run(ActionHandoff(), tracker({}, "this is useless!!", "frustrated", sender_id="conv-6"))
    assert events[-1] == ConversationPaused()
    handoff = queue.open_handoff_for("conv-6")
    assert (handoff.reason, handoff.priority) == ("frustration", 1)


def test_frustration_with_on_frustration_off_offers_the_button_instead(app_db, monkeypatch):
    monkeypatch.setenv("HANDOFF_ON_FRUSTRATION", "false")
    common.settings.cache_clear()
    online_agent()

    events, messages = run(ActionHandoff(), tracker({}, "this is useless!!", "frustrated", sender_id="conv-7"))

    assert events == RESET
    [message] = messages
    assert message["buttons"] == [{"title": "Talk to a person", "payload": "/request_human"}]
    assert "frustrating" in message["text"]
    assert queue.latest_for("conv-7") is None and tickets_for_sender("conv-7") == []

    # Asking for a person still works with the trigger off.
    events, _ = run(ActionHandoff(), tracker({}, "a person please", "request_human", sender_id="conv-7"))
    assert events[-1] == ConversationPaused() and queue.open_handoff_for("conv-7").reason == "customer_request"


# ---- after a handoff -------------------------------------------------------------------------


def test_handed_back_names_the_agent_and_clears_the_slot():
    events, messages = run(ActionHandedBack(), tracker({"handoff_agent_name": "Ann"}))
    assert events == [SlotSet("handoff_agent_name", None)]
    assert messages[0]["text"].startswith("Ann has handed you back to me")
