"""The handoff and rating actions (actions/handoff.py) with rasa_sdk trackers and a
CollectingDispatcher, on a throw-away SQLite app database (no action server, no model)."""

from __future__ import annotations

from typing import Dict, List

import pytest
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet

from actions import common
from actions.handoff import ActionHandedBack, ActionHandoff
from bot.desk import auth
from bot.handoff import queue
from bot.handoff.texts import NOT_NOW, STOP_WAITING_BUTTON, ticket_instead_of_queue
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
