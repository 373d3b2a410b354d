"""The satisfaction question (actions/csat.py and the "yes, it helped" path of actions/knowledge.py):
when it is asked, what an answer stores, skipping, the comment, and what is refused. rasa-sdk
trackers from event dicts, a throw-away SQLite app database; no action server, no model."""

from __future__ import annotations

import time
from typing import Dict, List

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions import common
from actions.csat import (
    COMMENT_PROMPT,
    COMMENT_THANKS,
    RATING_BUTTONS,
    SKIPPED,
    ActionRecordCsatComment,
    ActionRecordRating,
    ActionSkipCsatComment,
    ActionSkipRating,
    ActionWrapUp,
)
from actions.knowledge import HELPFUL_TEXT, ActionKBFeedback
from bot.desk import auth
from bot.handoff import ownership, queue
from bot.store import csat
from bot.store.handoff import HandoffStatus
from bot.store.tickets import get_ticket, ticket_messages, tickets_for_sender
from tests.analytics.events import handoff, kb_answer, order_found, session, user
from tests.fakes import app_database
from tests.trackers import run, tracker

T = 1_800_000_000.0
ASKED = [SlotSet("csat_asked", True), SlotSet("csat_state", "asked")]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CSAT_ENABLED", "true")
    common.settings.cache_clear()
    yield from app_database(tmp_path)
    common.settings.cache_clear()


def answered(sender: str = "conv-1") -> List[Dict]:
    """A conversation in which the assistant answered a question."""
    return session(T) + kb_answer("how long do refunds take", T + 10)


def wrap_up(events, intent="thank", text="thanks!", sender="conv-1", channel="webchat", **kw):
    trk = tracker(
        kw.pop("slots", {}),
        text,
        intent,
        events=events + [user(text, intent, T + 50, channel=channel)],
        sender_id=sender,
        channel=channel,
        **kw,
    )
    return run(ActionWrapUp(), trk)


def conversation(sender="conv-1", channel="webchat") -> csat.Conversation:
    return csat.Conversation(sender, T, channel)


def reply(action, text, intent, sender="conv-1", slots=None, entities=None, channel="webchat"):
    events = answered(sender) + [user(text, intent, T + 60, entities=entities, channel=channel)]
    trk = tracker(slots or {}, text, intent, entities=entities, events=events, sender_id=sender, channel=channel)
    return run(action, trk)


# ---- when the question is asked ------------------------------------------------------------


@pytest.mark.parametrize(
    "intent, opener",
    [("thank", "You're welcome! Before you go:"), ("goodbye", "Before you go:"), ("deny", "Alright! Before you go:")],
)
def test_a_resolved_conversation_that_wraps_up_is_asked_once(app_db, intent, opener):
    events, messages = wrap_up(answered(), intent)

    assert events == ASKED
    [message] = messages
    assert message["text"].startswith(opener) and "from 1 (very poor) to 5 (excellent)" in message["text"]
    assert message["buttons"] == RATING_BUTTONS
    assert [b["title"] for b in message["buttons"]] == [
        "5 – Excellent",
        "4 – Good",
        "3 – OK",
        "2 – Poor",
        "1 – Very poor",
        "Skip",
    ]
    question = csat.current(conversation())
    assert (question.status, question.rating, question.person_involved) == ("asked", None, False)

    # never twice in one conversation: the slot says so, and so does the database without it
    again = answered() + [user("thanks", "thank", T + 70)]
    again_with_slot = again + [{"event": "slot", "name": "csat_asked", "value": True, "timestamp": T + 51}]
    for history in (again_with_slot, again):
        events, messages = wrap_up(history, "thank")
        assert events == [SlotSet("csat_state", None)]
        assert [m.get("response") for m in messages] == ["utter_youre_welcome"]


def test_the_question_in_japanese(app_db):
    events, [message] = wrap_up(answered(), "thank", "ありがとうございました", slots={"language": "ja"})

    assert events == ASKED
    assert message["text"] == (
        "どういたしまして。最後にひとつだけお伺いします。"
        "本日のサポートはいかがでしたか？1（大変不満）から5（大変満足）の5段階で評価をお願いいたします。"
    )
    assert [b["title"] for b in message["buttons"]] == [
        "5 – 大変満足",
        "4 – 満足",
        "3 – 普通",
        "2 – 不満",
        "1 – 大変不満",
        "スキップ",
    ]
    assert [b["payload"] for b in message["buttons"]] == [b["payload"] for b in RATING_BUTTONS]  # the same answers

    # the rating (typed with a full-width digit), then the thanks, in Japanese too
    events, [message] = reply(ActionRecordRating(), "５です", "rate", slots={"language": "ja"})
    assert events == [SlotSet("csat_state", "comment_asked")]
    assert message["text"].startswith("ご評価ありがとうございます。")
    assert message["buttons"] == [{"title": "スキップ", "payload": "/deny"}]
    assert csat.current(conversation()).rating == 5
    _, [message] = reply(ActionSkipCsatComment(), "いいえ、大丈夫です", "deny", slots={"language": "ja"})
    assert message["text"] == "承知しました。ご利用ありがとうございました。良い一日をお過ごしください。"


def test_nothing_answered_yet_means_no_question(app_db):
    greeted = session(T) + [user("hi", "greet", T + 1)]
    events, messages = wrap_up(greeted, "thank")
    assert events == [SlotSet("csat_state", None)]
    assert [m.get("response") for m in messages] == ["utter_youre_welcome"]
    events, messages = wrap_up(greeted, "goodbye", "bye")
    assert [m.get("response") for m in messages] == ["utter_goodbye"]
    events, messages = wrap_up(greeted, "deny", "no")
    assert messages[0]["text"] == "Alright! Come back any time."
    assert csat.current(conversation()) is None


def test_not_during_a_form(app_db):
    events, messages = wrap_up(answered(), "thank", active_loop="order_status_form")
    assert events == [SlotSet("csat_state", None)]
    assert [m["text"] for m in messages] == ["You're welcome!"]  # then the form asks its question again
    assert csat.current(conversation()) is None


def test_not_while_a_person_owns_the_conversation(app_db):
    trk = tracker({}, "thanks", "thank", events=answered() + [user("thanks", "thank", T + 50)], sender_id="conv-1")
    trk._paused = True  # as the action server gets it while an agent owns the conversation
    events, _ = run(ActionWrapUp(), trk)
    assert events == [SlotSet("csat_state", None)] and csat.current(conversation("conv-1", "rest")) is None


def test_switched_off(app_db, monkeypatch):
    monkeypatch.setenv("CSAT_ENABLED", "false")
    common.settings.cache_clear()
    events, _ = wrap_up(answered(), "thank")
    assert events == [SlotSet("csat_state", None)]


def test_after_an_order_lookup_or_a_ticket_or_a_hand_back_it_is_asked(app_db):
    assert wrap_up(session(T) + order_found(T + 5), sender="o")[0] == ASKED
    assert wrap_up(session(T) + handoff(T + 5, queued=False, reference="T-000009"), sender="t")[0] == ASKED
    back = session(T) + handoff(T + 5) + [{"event": "resume", "timestamp": T + 20}]
    back += [{"event": "action", "name": "action_handed_back", "timestamp": T + 20}]
    assert wrap_up(back, "deny", "no, that's all", sender="h")[0] == ASKED


def test_the_person_and_agent_are_stored_with_the_question(app_db):
    ann = auth.add_agent("ann@example.com", "Ann", "a long enough password")
    item = queue.create("conv-h", "webchat", "customer_request")
    ownership.claim(item.id, ann.id)
    ownership.close(item.id, HandoffStatus.resolved, agent_id=ann.id)
    start = time.time() - 600  # the conversation began before the handoff was opened
    back = session(start) + handoff(start + 10) + [{"event": "action", "name": "action_handed_back", "timestamp": T}]
    events, _ = wrap_up(back, "deny", "no", sender="conv-h")
    assert events == ASKED
    question = csat.current(csat.Conversation("conv-h", start, "webchat"))
    assert (question.person_involved, question.agent_id) == (True, ann.id)


def test_yes_it_helped_asks_the_question_with_its_own_words(app_db):
    yes = [{"entity": "kb_helpful", "value": "yes"}]
    events, messages = reply(
        ActionKBFeedback(),
        "/kb_feedback",
        "kb_feedback",
        entities=yes,
        slots={
            "kb_last_answer": {"query": "refunds", "doc_id": "refund-timing", "chunk_id": "refund-timing#0"},
        },
    )
    assert events == [SlotSet("kb_helpful", None), *ASKED]
    assert messages[0]["text"].startswith("Glad it helped! One quick question (or just ask me something else):")
    # a second "yes" in the same conversation: no second question
    events, messages = reply(ActionKBFeedback(), "/kb_feedback", "kb_feedback", entities=yes)
    assert events == [SlotSet("kb_helpful", None), SlotSet("csat_state", None)] and messages[0]["text"] == HELPFUL_TEXT


# ---- the answer ----------------------------------------------------------------------------


def ask(sender="conv-1", channel="webchat"):
    wrap_up(answered(sender), sender=sender, channel=channel)


def test_a_rating_is_stored_once_then_the_comment_is_asked_for(app_db):
    ask()
    events, messages = reply(
        ActionRecordRating(), '/rate{"rating": "4"}', "rate", entities=[{"entity": "rating", "value": "4"}]
    )
    assert events == [SlotSet("csat_state", "comment_asked")]
    assert messages[0]["text"] == COMMENT_PROMPT and messages[0]["buttons"] == [{"title": "Skip", "payload": "/deny"}]
    question = csat.current(conversation())
    assert (question.status, question.rating) == ("rated", 4)
    assert tickets_for_sender("conv-1") == []

    events, messages = reply(ActionRecordCsatComment(), "quick and friendly", "nlu_fallback")
    assert events == [SlotSet("csat_state", None)] and messages[0]["text"] == COMMENT_THANKS
    assert csat.current(conversation()).comment == "quick and friendly"

    # a second rating for the same conversation is not taken
    events, messages = reply(ActionRecordRating(), "1", "rate", entities=[{"entity": "rating", "value": "1"}])
    assert [m.get("response") for m in messages] == ["utter_default"]
    assert csat.current(conversation()).rating == 4 and tickets_for_sender("conv-1") == []


@pytest.mark.parametrize(
    "text, entities, rating", [("one", [], 1), ("I'd say", [{"entity": "rating", "value": "2"}], 2)]
)
def test_a_low_rating_opens_a_follow_up_ticket_that_gets_the_comment(app_db, text, entities, rating):
    ask(channel="slack")
    slots = {"email": "erin@example.com"}
    events, messages = reply(ActionRecordRating(), text, "rate", entities=entities, slots=slots, channel="slack")
    [ticket] = tickets_for_sender("conv-1")
    assert events == [SlotSet("csat_state", "comment_asked"), SlotSet("ticket_reference", ticket.reference)]
    assert ticket.reference in messages[0]["text"] and "What went wrong?" in messages[0]["text"]
    assert ticket.subject == f"Follow up: customer rated support {rating}/5"
    assert (ticket.priority, ticket.email, ticket.channel) == ("high", "erin@example.com", "slack")
    assert "how long do refunds take" in get_ticket(ticket.reference).description
    assert csat.current(conversation(channel="slack")).follow_up_ticket == ticket.reference

    events, messages = reply(ActionRecordCsatComment(), "the article was out of date", "faq", channel="slack")
    assert ticket.reference in messages[0]["text"]
    assert [(m["author"], m["text"]) for m in ticket_messages(ticket.reference)] == [
        ("customer", "the article was out of date")
    ]


def test_an_unreadable_answer_asks_again_and_the_question_stays_open(app_db):
    ask()
    events, messages = reply(ActionRecordRating(), "great service", "rate")
    assert events == [SlotSet("csat_state", "asked")]
    assert messages[0]["buttons"] == RATING_BUTTONS
    assert csat.current(conversation()).status == "asked"
    reply(ActionRecordRating(), "five", "rate")
    assert csat.current(conversation()).rating == 5


@pytest.mark.parametrize("text", ["1", '/rate{"rating": "1"}', "5 stars"])
def test_a_rating_nobody_asked_for_is_not_recorded(app_db, text):
    events, messages = reply(ActionRecordRating(), text, "rate", sender="conv-x")
    assert events == [SlotSet("csat_state", None)]
    assert [m.get("response") for m in messages] == ["utter_default"]
    assert csat.current(conversation("conv-x")) is None and tickets_for_sender("conv-x") == []


def test_skipping_the_rating_or_the_comment(app_db):
    ask()
    events, messages = reply(ActionSkipRating(), "no thanks", "deny")
    assert events == [SlotSet("csat_state", None)] and messages[0]["text"] == SKIPPED
    assert csat.current(conversation()).status == "skipped"
    events, _ = reply(ActionRecordRating(), "5", "rate")  # too late: the question is closed
    assert csat.current(conversation()).rating is None

    ask("conv-2")
    reply(ActionRecordRating(), "5", "rate", sender="conv-2")
    events, messages = reply(ActionSkipCsatComment(), "no", "deny", sender="conv-2")
    assert events == [SlotSet("csat_state", None)] and messages[0]["text"] == SKIPPED
    assert csat.current(conversation("conv-2")).comment is None


@pytest.mark.parametrize(
    "text, intent, comment",
    [
        ("no thanks", "deny", None),
        ("thank you so much!", "thank", None),
        ("bye", "goodbye", None),
        ("very quick, thank you", "thank", "very quick, thank you"),
        ("no, the tracking link was broken", "deny", "no, the tracking link was broken"),
    ],
)
def test_a_closing_after_the_rating_skips_the_comment_unless_there_is_more_to_it(app_db, text, intent, comment):
    ask()
    reply(ActionRecordRating(), "4", "rate")
    events, messages = reply(ActionSkipCsatComment(), text, intent)
    assert events == [SlotSet("csat_state", None)]
    assert messages[0]["text"] == (SKIPPED if comment is None else COMMENT_THANKS)
    assert csat.current(conversation()).comment == comment


def test_a_comment_read_as_an_order_question_is_still_a_comment_unless_it_names_an_order(app_db):
    ask()
    reply(ActionRecordRating(), "4", "rate")
    events, messages = reply(ActionRecordCsatComment(), "the tracking link worked fine", "check_order")
    assert events == [SlotSet("csat_state", None)] and messages[0]["text"] == COMMENT_THANKS
    assert csat.current(conversation()).comment == "the tracking link worked fine"

    ask("conv-4")
    reply(ActionRecordRating(), "4", "rate", sender="conv-4")
    order = [{"entity": "order_number", "value": "100235"}]
    events, messages = reply(
        ActionRecordCsatComment(), "and where is order 100235?", "check_order", sender="conv-4", entities=order
    )
    assert events == [SlotSet("csat_state", None), FollowupAction("order_status_form")] and messages == []
    assert csat.current(conversation("conv-4")).comment is None


def test_a_comment_that_looks_like_a_rating_or_a_button_payload(app_db):
    ask()
    reply(ActionRecordRating(), "4", "rate")
    events, messages = reply(
        ActionRecordRating(), "4 because it was fast", "rate", slots={"csat_state": "comment_asked"}
    )
    assert csat.current(conversation()).comment == "4 because it was fast"
    ask("conv-3")
    reply(ActionRecordRating(), "4", "rate", sender="conv-3")
    reply(ActionRecordCsatComment(), '/kb_feedback{"kb_helpful":"yes"}', "kb_feedback", sender="conv-3")
    assert csat.current(conversation("conv-3")).comment is None


def test_a_long_comment_is_cut(app_db):
    ask()
    reply(ActionRecordRating(), "3", "rate")
    reply(ActionRecordCsatComment(), "x" * 5000, "nlu_fallback")
    assert len(csat.current(conversation()).comment) == csat.MAX_COMMENT


def test_one_comment_per_rating_even_when_two_arrive_together(app_db):
    ask()
    reply(ActionRecordRating(), "2", "rate")  # low: a follow-up ticket takes the comment too
    question = csat.current(conversation())
    first = csat.add_comment(conversation(), "the courier never came")
    assert first is not None and first.comment == "the courier never came"
    assert csat.add_comment(conversation(), "and nobody called") is None  # the place is taken
    assert csat.current(conversation()).comment == "the courier never came"
    long = "x" * 5000
    ask("conv-5")
    reply(ActionRecordRating(), "1", "rate", sender="conv-5")
    reply(ActionRecordCsatComment(), long, "nlu_fallback", sender="conv-5")
    stored = csat.current(conversation("conv-5"))
    said = [m["text"] for m in ticket_messages(stored.follow_up_ticket) if m["author"] == "customer"]
    assert said == [stored.comment] and len(stored.comment) == csat.MAX_COMMENT
    assert question.follow_up_ticket is not None
