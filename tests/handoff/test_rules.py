"""Ownership rules, triggers, business hours and the no-agent path (store on SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest

from bot.desk import auth
from bot.handoff import notes, outbox, ownership, queue, triggers
from bot.handoff.errors import HandoffError, NotTheOwner
from bot.handoff.escalation import escalate
from bot.handoff.hours import BusinessHours
from bot.store import csat
from bot.store.handoff import HandoffStatus
from bot.store.models import utcnow
from bot.store.tickets import get_ticket
from tests.fakes import handoff_config

CONFIG = handoff_config(queue_update_seconds=60)


def _agent(email="ann@example.com", name="Ann", role="agent"):
    return auth.add_agent(email, name, "a long enough password", role)


def _online(agent_id: int) -> None:
    auth.mark_seen(agent_id)


# ---- ownership ---------------------------------------------------------------------------


def test_one_open_handoff_per_conversation(store):
    first = queue.create("conv", "webchat", "customer_request")
    again = queue.create("conv", "webchat", "frustration")
    assert again.id == first.id and again.reason == "customer_request"


def test_only_one_agent_can_claim(store):
    ann, bob = _agent(), _agent("bob@example.com", "Bob")
    handoff = queue.create("conv", "slack", "customer_request")
    results = []

    def try_claim(agent_id):
        try:
            results.append(("won", ownership.claim(handoff.id, agent_id).agent_id))
        except HandoffError as err:
            results.append(("lost", str(err)))

    threads = [threading.Thread(target=try_claim, args=(a.id,)) for a in (ann, bob)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(r[0] for r in results) == ["lost", "won"]
    winner = queue.get(handoff.id)
    assert winner.status == "assigned" and winner.agent_id in (ann.id, bob.id)


def test_agent_cannot_write_before_claiming_or_into_someone_elses(store):
    ann, bob = _agent(), _agent("bob@example.com", "Bob")
    handoff = queue.create("conv", "telegram", "customer_request")
    with pytest.raises(HandoffError, match="Claim this conversation"):
        ownership.require_owner(handoff.id, ann.id)
    ownership.claim(handoff.id, ann.id)
    assert ownership.require_owner(handoff.id, ann.id).agent_id == ann.id
    with pytest.raises(NotTheOwner):
        ownership.require_owner(handoff.id, bob.id)


def test_takeover_of_a_bot_conversation_and_hand_back(store):
    ann, bob = _agent(), _agent("bob@example.com", "Bob")
    taken = ownership.takeover("conv", "webchat", ann.id)
    assert (taken.status, taken.reason, taken.agent_id) == ("assigned", "agent_takeover", ann.id)
    with pytest.raises(HandoffError, match="Ann already owns"):
        ownership.takeover("conv", "webchat", bob.id)
    with pytest.raises(HandoffError):
        ownership.close(taken.id, HandoffStatus.resolved, agent_id=bob.id)
    closed = ownership.close(taken.id, HandoffStatus.resolved, agent_id=ann.id)
    assert closed.status == "resolved" and queue.open_handoff_for("conv") is None
    with pytest.raises(HandoffError):  # already back with the bot
        ownership.require_owner(taken.id, ann.id)


def test_queue_order_priority_then_age_and_wait_estimate(store):
    ann = _agent()
    _online(ann.id)
    a = queue.create("a", "rest", "customer_request")
    b = queue.create("b", "rest", "customer_request")
    urgent = queue.create("c", "rest", "topic", priority=2)
    assert [h.id for h in queue.queue(False)] == [urgent.id, a.id, b.id]
    assert queue.position(b.id) == 3
    assert queue.expected_wait_minutes(3, CONFIG) == 12  # 3 x 4 min default, one agent


def test_ratings_are_linked_to_the_agent(store):
    ann = _agent()
    start = time.time() - 60
    handoff = queue.create("conv", "rest", "customer_request")
    ownership.claim(handoff.id, ann.id)
    ownership.close(handoff.id, HandoffStatus.resolved, agent_id=ann.id)
    with_agent, bot_only = csat.Conversation("conv", start, "rest"), csat.Conversation("other", start, "rest")
    asked = csat.ask(with_agent)
    assert (asked.person_involved, asked.agent_id, asked.status) == (True, ann.id, "asked")
    assert csat.ask(with_agent) is None  # never twice in one conversation
    assert csat.rate(with_agent, 5).rating == 5
    assert csat.rate(with_agent, 1) is None  # answered already
    assert csat.ask(bot_only).person_involved is False
    csat.rate(bot_only, 2)
    stats = notes.rating_stats()
    assert stats["count"] == 2 and stats["average"] == 3.5 and stats["low_ratings"] == 1
    assert stats["by_agent"]["Ann"] == {"count": 1, "average": 5.0}
    assert stats["by_agent"]["assistant only"] == {"count": 1, "average": 2.0}
    with pytest.raises(ValueError):
        csat.rate(with_agent, 6)
    assert csat.rate(csat.Conversation("never-asked", start, "rest"), 4) is None


def test_outbox_delivers_once(store):
    outbox.push_outbox("conv", {"text": "hello from Ann"})
    assert outbox.pop_outbox("conv") == [{"text": "hello from Ann"}]
    assert outbox.pop_outbox("conv") == []


# ---- who can answer: business hours and online agents ------------------------------------


def test_business_hours_parsing_and_checks():
    hours = BusinessHours.parse("mon-fri 09:00-18:00; sat 10:00-14:00", "America/New_York")
    tuesday_noon = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)  # 12:00 in New York
    tuesday_night = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 21:00
    sunday = dt.datetime(2026, 11, 29, 17, 0, tzinfo=dt.UTC)
    saturday_morning = dt.datetime(2026, 11, 28, 16, 0, tzinfo=dt.UTC)  # 11:00
    assert hours.is_open(tuesday_noon) and hours.is_open(saturday_morning)
    assert not hours.is_open(tuesday_night) and not hours.is_open(sunday)
    assert BusinessHours.parse("always").is_open(sunday)
    with pytest.raises(ValueError):
        BusinessHours.parse("weekdays 9-5")


def test_open_seconds_between_counts_only_business_hours():
    hours = BusinessHours.parse("mon-fri 09:00-18:00", "America/New_York")

    def at(*args):  # New York wall-clock time as epoch seconds
        return dt.datetime(*args, tzinfo=ZoneInfo("America/New_York")).timestamp()

    assert hours.open_seconds_between(at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 30)) == 1800
    # Friday 17:50 to Monday 09:10: ten minutes on each side of the weekend
    assert hours.open_seconds_between(at(2026, 11, 27, 17, 50), at(2026, 11, 30, 9, 10)) == 1200
    assert hours.open_seconds_between(at(2026, 11, 24, 19, 0), at(2026, 11, 24, 23, 0)) == 0  # all closed
    assert hours.open_seconds_between(at(2026, 11, 24, 8, 0), at(2026, 11, 25, 8, 0)) == 9 * 3600
    # the clocks go back on 1 Nov 2026 (a Sunday): Monday is still 9 hours
    assert hours.open_seconds_between(at(2026, 10, 31, 0, 0), at(2026, 11, 3, 0, 0)) == 9 * 3600
    assert hours.open_seconds_between(at(2026, 11, 24, 11, 0), at(2026, 11, 24, 10, 0)) == 0  # reversed
    assert BusinessHours.parse("always").open_seconds_between(100.0, 250.5) == 150.5
    until_midnight = BusinessHours.parse("mon 22:00-24:00", "UTC")
    monday_22 = dt.datetime(2026, 11, 23, 22, 0, tzinfo=dt.UTC).timestamp()
    assert until_midnight.open_seconds_between(monday_22, monday_22 + 4 * 3600) == 2 * 3600
    from zoneinfo import ZoneInfoNotFoundError

    with pytest.raises(ZoneInfoNotFoundError):
        BusinessHours.parse("mon 09:00-17:00", "Mars/Olympus")


def test_nobody_online_means_no_agents(store):
    ann = _agent()
    assert queue.availability(CONFIG) == "no_agents"
    _online(ann.id)
    assert queue.availability(CONFIG) is None
    later = utcnow() + dt.timedelta(seconds=CONFIG.online_window_seconds + 5)
    assert queue.availability(CONFIG, later) == "no_agents"
    closed = dataclasses.replace(CONFIG, hours=BusinessHours.parse("sun 00:00-00:01"))
    assert queue.availability(closed) == "closed"


def _events(*turns):
    events = []
    for text, intent, actions in turns:
        events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
        events += [{"event": "action", "name": a} for a in actions]
        events.append({"event": "action", "name": "action_listen"})
    return events


def test_escalation_queues_when_an_agent_is_online(store):
    ann = _agent()
    _online(ann.id)
    events = _events(
        ("where is my order", "check_order", ["order_status_form"]), ("I want a person", "request_human", [])
    )
    outcome = escalate(CONFIG, "conv", "webchat", "customer_request", "", events, {"customer_name": "Zoe"})
    assert outcome.paused and "You're next in line" in outcome.text
    handoff = queue.open_handoff_for("conv")
    assert handoff.status == "queued" and handoff.customer_name == "Zoe"
    assert "where an order is" in handoff.summary and "talking to a person" in handoff.summary


def test_no_agent_path_opens_a_ticket_with_the_transcript(store):
    events = _events(("my refund never came", "faq", ["action_answer_from_kb"]), ("human please", "request_human", []))
    outcome = escalate(CONFIG, "conv-7", "telegram", "customer_request", "", events, {"email": "dave@example.com"})
    assert not outcome.paused and outcome.ticket_reference
    assert "answer right here in this chat (and by email to dave@example.com)" in outcome.text
    ticket = get_ticket(outcome.ticket_reference)
    assert ticket.channel == "telegram" and ticket.sender_id == "conv-7" and ticket.priority == "high"
    assert "Customer: my refund never came" in ticket.description
    assert queue.open_handoff_for("conv-7") is None  # the bot keeps the conversation
    assert queue.latest_for("conv-7").status == "ticketed"


# ---- triggers ----------------------------------------------------------------------------


def test_two_failed_understandings_in_a_row():
    one = _events(("blorp", "nlu_fallback", ["action_answer_from_kb"]))
    assert triggers.evaluate(one, {}, CONFIG) is None
    two = one + _events(("zzzz qqq", "faq", ["action_answer_from_kb"]))
    two[-2:-1] = [{"event": "slot", "name": "kb_outcome", "value": "no_answer"}, two[-2]]
    assert triggers.evaluate(two, {}, CONFIG).reason == "failed_understanding"
    recovered = one + _events(("where is my order", "check_order", ["order_status_form"]))
    assert triggers.evaluate(recovered, {}, CONFIG) is None


def test_two_out_of_scope_replies_in_a_row_offer_a_person():
    one = _events(("write me a poem", "out_of_scope", ["utter_out_of_scope"]))
    assert triggers.evaluate(one, {}, CONFIG) is None
    two = one + _events(("what's the weather", "out_of_scope", ["utter_out_of_scope"]))
    assert triggers.evaluate(two, {}, CONFIG).reason == "failed_understanding"


def test_failures_before_a_previous_handoff_do_not_count():
    events = _events(("blorp", "nlu_fallback", ["action_answer_from_kb"]))
    events += [{"event": "action", "name": "action_handoff"}, {"event": "pause"}, {"event": "resume"}]
    events += _events(("xyzzy", "nlu_fallback", ["action_answer_from_kb"]))
    assert triggers.evaluate(events, {}, CONFIG) is None


def test_unhelpful_answers_trigger_on_the_second_no():
    events = _events(("no", "kb_feedback", ["action_kb_feedback"]))
    events.insert(-1, {"event": "slot", "name": "kb_unhelpful_count", "value": 2.0})
    assert triggers.evaluate(events, {"kb_unhelpful_count": 2.0}, CONFIG).reason == "unhelpful_answers"
    assert triggers.evaluate(events, {"kb_unhelpful_count": 1.0}, CONFIG) is None
    off = dataclasses.replace(CONFIG, after_unhelpful_answers=0)
    assert triggers.evaluate(events, {"kb_unhelpful_count": 2.0}, off) is None


def test_topic_and_high_value_order():
    topic = _events(("I want to open a billing dispute about a charge", "open_ticket", ["open_ticket_form"]))
    assert triggers.evaluate(topic, {}, CONFIG).reason == "topic"
    problem = _events(("my order arrived broken", "open_ticket", ["open_ticket_form"]))
    assert (
        triggers.evaluate(problem, {"order_value": 799.0, "order_number": "100240"}, CONFIG).reason
        == "high_value_order"
    )
    assert triggers.evaluate(problem, {"order_value": 120.0}, CONFIG) is None
    question = _events(("where is it", "check_order", ["order_status_form"]))
    assert triggers.evaluate(question, {"order_value": 799.0}, CONFIG) is None


def test_a_turn_that_already_handed_over_fires_nothing():
    events = _events(
        ("blorp", "nlu_fallback", ["action_answer_from_kb"]), ("get me a human", "request_human", ["action_handoff"])
    )
    assert triggers.evaluate(events, {}, CONFIG) is None


# ---- accounts ----------------------------------------------------------------------------


def test_passwords_sessions_and_roles(store):
    ann = _agent(role="admin")
    assert ann.is_admin
    assert auth.authenticate("ANN@example.com", "a long enough password").id == ann.id
    assert auth.authenticate("ann@example.com", "wrong password!") is None
    assert auth.authenticate("nobody@example.com", "a long enough password") is None
    with pytest.raises(auth.AuthError):
        auth.add_agent("x@example.com", "X", "short")
    token = auth.start_session(ann.id)
    assert auth.agent_for_session(token).email == "ann@example.com"
    assert auth.agent_for_session(token + "x") is None
    auth.end_session(token)
    assert auth.agent_for_session(token) is None
    token = auth.start_session(ann.id)
    auth.set_active("ann@example.com", False)
    assert auth.agent_for_session(token) is None


def test_password_hash_is_scrypt_and_salted():
    first, second = auth.hash_password("same password"), auth.hash_password("same password")
    assert first.startswith("scrypt$") and first != second
    assert auth.verify_password("same password", first) and not auth.verify_password("other", first)


def test_idle_sessions_expire(store, monkeypatch):
    ann = _agent()
    token = auth.start_session(ann.id)
    assert auth.agent_for_session(token, idle_minutes=60) is not None
    assert auth.agent_for_session(token, idle_minutes=0) is None
