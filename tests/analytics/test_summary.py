"""What a conversation was, read from its events (bot/analytics/summary.py): no database, no model."""

from __future__ import annotations

from bot.analytics.summary import session_start, summarize
from tests.analytics.events import (
    action,
    bot,
    handoff,
    kb_answer,
    listen,
    not_understood,
    order_found,
    session,
    slot,
    thanks,
    user,
)

T = 1_800_000_000.0


def test_an_answer_then_thanks_is_a_confirmed_answer_with_the_bot_first_response_time():
    events = session(T) + [user("hi", "greet", T + 10, received=T + 9.5), bot("Hi!", T + 10.4)]
    events += kb_answer("how long do refunds take", T + 20) + thanks(T + 30)

    s = summarize(events)

    assert (s.session_start, s.started_ts, s.first_bot_reply_ts) == (T, T + 9.5, T + 10.4)  # arrival, not NLU
    assert (s.customer_messages, s.bot_messages, s.agent_messages) == (3, 4, 0)
    assert (s.answers, s.last_answer_ts, s.confirmed_ts, s.unresolved_ts) == (1, T + 21, T + 31, None)
    assert s.escalation is None and s.resolved_by_bot_so_far
    assert s.row("rest:a")["customer_key"] == "sender:rest:a"


def test_a_failure_after_the_last_answer_means_the_customer_needed_more():
    events = session(T) + kb_answer("refunds?", T + 10) + not_understood("and the thing with the box", T + 20)
    events += thanks(T + 30)  # "thanks anyway" does not undo it

    s = summarize(events)

    assert (s.last_answer_ts, s.unresolved_ts, s.confirmed_ts) == (T + 11, T + 21, T + 31)
    assert not s.resolved_by_bot_so_far
    # a new answer after the failure settles it again
    s = summarize(events + kb_answer("what about the box", T + 40))
    assert s.answers == 2 and s.resolved_by_bot_so_far


def test_failures_before_any_answer_are_not_unresolved_answers():
    s = summarize(session(T) + not_understood("blah", T + 5) + not_understood("blah blah", T + 9))
    assert (s.answers, s.last_answer_ts, s.unresolved_ts) == (0, None, None)
    assert s.started_ts == T + 5 and s.first_bot_reply_ts == T + 6


def test_was_this_helpful_yes_confirms_and_no_means_unresolved():
    base = session(T) + kb_answer("refunds?", T + 10)
    yes = user("/kb_feedback", "kb_feedback", T + 20, entities=[{"entity": "kb_helpful", "value": "yes"}])
    no = user("/kb_feedback", "kb_feedback", T + 20, entities=[{"entity": "kb_helpful", "value": "no"}])
    confirmed = summarize(base + [yes, action("action_kb_feedback", T + 21), listen(T + 21)])
    unhelpful = summarize(base + [no, action("action_kb_feedback", T + 21), listen(T + 21)])
    assert (confirmed.confirmed_ts, confirmed.unresolved_ts) == (T + 21, None)
    assert (unhelpful.confirmed_ts, unhelpful.unresolved_ts) == (None, T + 21)
    typed_yes = summarize(base + [user("yes", "affirm", T + 20), action("action_kb_feedback", T + 21)])
    typed_no = summarize(base + [user("no, not really", "deny", T + 20), action("action_kb_feedback", T + 21)])
    assert (typed_yes.confirmed_ts, typed_yes.unresolved_ts) == (T + 21, None)
    assert (typed_no.confirmed_ts, typed_no.unresolved_ts) == (None, T + 21)


def test_help_centre_misses_and_none_of_these_are_failures():
    base = session(T) + kb_answer("refunds?", T + 10)
    miss = [
        user("purple sneakers?", "faq", T + 20),
        action("action_answer_from_kb", T + 21),
        slot("kb_outcome", "no_answer", T + 21),
    ]
    assert summarize(base + miss).unresolved_ts == T + 21
    none = [user("/kb_none", "kb_none", T + 30), action("action_kb_none", T + 31)]
    assert summarize(base + none).unresolved_ts == T + 31


def test_order_answers_and_the_verified_email_identifies_the_customer():
    events = session(T, {"customer_channel": "telegram", "customer_id": "telegram-user:42"}) + [
        user("hi", "greet", T + 1),
        bot("Hi!", T + 2),
    ]
    assert summarize(events).customer_key("telegram:1") == "telegram:telegram-user:42"  # the channel's identity
    s = summarize(events + order_found(T + 10))
    assert (s.answers, s.last_answer_ts) == (1, T + 12)
    assert s.customer_key("telegram:1") == "email:alice@example.com"  # verified beats the channel identity


def test_a_failed_lookup_is_no_answer_and_a_cancellation_is_one():
    failed = session(T) + [
        user("order 999999 bob@example.com", "check_order", T + 1),
        action("action_lookup_order", T + 2),
        bot("I can't find an order with those details.", T + 2, response="utter_order_not_found"),
        slot("order_result", "not_found", T + 2),
    ]
    assert summarize(failed).answers == 0
    cancelled = session(T) + [
        user("yes", "affirm", T + 1),
        action("action_cancel_order", T + 2),
        slot("order_result", "cancelled", T + 2),
    ]
    assert summarize(cancelled).answers == 1


def test_a_queued_handoff_and_the_agent_reply():
    ann = {"id": 1, "name": "Ann"}
    events = session(T) + kb_answer("refunds?", T + 5) + handoff(T + 20)
    events += [
        user("hello?", "greet", T + 30),
        bot("Ann from our support team has joined.", T + 100, system=True),
        bot("Hi, I'm Ann. Let me check.", T + 130, agent=ann),
        bot("Done!", T + 160, agent=ann),
        {"event": "resume", "timestamp": T + 200},
        slot("handoff_agent_name", "Ann", T + 200),
        action("action_handed_back", T + 200),
        bot("Ann has handed you back to me.", T + 200),
    ]

    s = summarize(events)

    assert (s.escalated_ts, s.escalation, s.first_agent_reply_ts, s.handed_back_ts) == (
        T + 21,
        "handoff",
        T + 130,
        T + 200,
    )
    assert (s.customer_messages, s.bot_messages, s.agent_messages) == (3, 4, 2)  # the notice is neither


def test_a_handoff_nobody_could_take_becomes_a_ticket():
    s = summarize(session(T) + handoff(T + 10, queued=False, reference="T-000042"))
    assert (s.escalated_ts, s.escalation, s.ticket_reference) == (T + 11, "handoff", "T-000042")


def test_a_ticket_opened_with_the_form_is_an_escalation_and_gives_the_customer_email():
    events = session(T) + [
        user("open a ticket", "open_ticket", T + 1),
        slot("email", "dan@example.com", T + 5),
        action("action_open_ticket", T + 6),
        slot("ticket_reference", "T-000007", T + 6),
    ]
    s = summarize(events)
    assert (s.escalation, s.escalated_ts, s.ticket_reference) == ("ticket", T + 6, "T-000007")
    assert s.customer_key("rest:x") == "email:dan@example.com"


def test_an_agent_taking_over_is_an_escalation():
    events = session(T) + kb_answer("refunds?", T + 5) + [{"event": "pause", "timestamp": T + 50}]
    assert summarize(events).escalated_ts == T + 50


def test_only_the_last_session_counts_and_carried_slots_are_not_answers():
    first = session(T) + kb_answer("refunds?", T + 5) + thanks(T + 10)
    second = session(T + 9000, {"kb_outcome": "answered", "ticket_reference": "T-000001"})
    second += [user("hi again", "greet", T + 9001), bot("Hi!", T + 9002)]
    s = summarize(first + second)
    assert s.session_start == session_start(first + second) == T + 9000
    assert (s.answers, s.escalation, s.confirmed_ts, s.started_ts) == (0, None, None, T + 9001)


def test_the_channel_comes_from_the_customer_messages_and_rating_questions_are_seen():
    events = session(T) + kb_answer("refunds?", T + 5, channel="telegram")
    events += [user("thanks", "thank", T + 10, channel="telegram"), action("action_wrap_up", T + 11)]
    events += [slot("csat_asked", True, T + 11), slot("csat_state", "asked", T + 11)]
    s = summarize(events)
    assert s.channel == "telegram" and s.csat_asked


def test_a_stamp_later_than_the_event_is_ignored():
    s = summarize(session(T) + [user("hi", "greet", T + 5, received=T + 50)])
    assert s.started_ts == T + 5
