"""The Rasa actions: exact events, messages and buttons, and what they store."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from kb_fakes import FakeEncoder, make_config, write_sources
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerFromKB, ActionKBFeedback, ActionKBNone
from bot.store import db
from bot.store.knowledge import KBFeedback, KBQuery
from knowledge_base.service import KnowledgeBase, set_knowledge_base

TICKET = {"title": "Open a ticket", "payload": "/open_ticket"}
HUMAN = {"title": "Talk to a person", "payload": "/request_human"}
YES_NO = [
    {"title": "Yes", "payload": '/kb_feedback{"kb_helpful":"yes"}'},
    {"title": "No", "payload": '/kb_feedback{"kb_helpful":"no"}'},
]


def make_tracker(
    text: str,
    intent: str = "kb_question",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    channel: str = "slack",
) -> Tracker:
    """A tracker as the action server receives it (the JSON Rasa posts), for one user turn."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": entities or []}
    state = {
        "sender_id": "conv-42",
        "slots": slots or {},
        "latest_message": latest,
        "events": [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest, "input_channel": channel},
        ],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return Tracker.from_dict(state)


@pytest.fixture
def kb(tmp_path: Path, database_url: str):
    db.configure(database_url)
    db.create_schema()
    sources = write_sources(tmp_path / "sources")
    knowledge = KnowledgeBase(make_config(tmp_path / "kb", sources), encoder=FakeEncoder())
    knowledge.ingest([sources])
    set_knowledge_base(knowledge)
    yield knowledge
    set_knowledge_base(None)
    db.engine().dispose()


def stored_queries() -> List[tuple]:
    with db.session_scope() as session:
        return [
            (q.query, q.outcome, q.doc_id, q.chunk_id, q.channel, q.sender_id, q.suggestions)
            for q in session.query(KBQuery).order_by(KBQuery.id)
        ]


def stored_feedback() -> List[tuple]:
    with db.session_scope() as session:
        return [
            (f.kind, f.helpful, f.query, f.doc_id, f.chunk_id, f.channel, f.sender_id)
            for f in session.query(KBFeedback).order_by(KBFeedback.id)
        ]


async def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def test_a_confident_answer_shows_the_passage_its_source_and_asks_for_feedback(kb) -> None:
    messages, events = await run(ActionAnswerFromKB(), make_tracker("how do I reset my password"))
    assert [(m["text"], m["buttons"]) for m in messages] == [
        (
            # Under its section heading: the heading is often the answer itself.
            "Resetting your password\n"
            "Choose forgot password on the sign in page and follow the reset link in the email.\n\n"
            "Source: Password reset https://shop.example.com/help/password",
            [],
        ),
        ("Was this helpful?", YES_NO),
    ]
    assert events == [
        SlotSet("kb_query", "how do I reset my password"),
        SlotSet("kb_outcome", "answered"),
        SlotSet(
            "kb_last_answer",
            {
                "query": "how do I reset my password",
                "doc_id": "password-reset",
                "chunk_id": "password-reset#0",
                "title": "Password reset",
                "url": "https://shop.example.com/help/password",
            },
        ),
        SlotSet("kb_choices", None),
    ]
    assert stored_queries() == [
        ("how do I reset my password", "answered", "password-reset", "password-reset#0", "slack", "conv-42", None)
    ]


async def test_a_close_call_offers_distinct_articles_and_none_of_these(kb) -> None:
    kb.config = make_config(kb.config.index_dir, answer=0.99, suggest=0.2)  # nothing is confident enough to answer
    messages, events = await run(ActionAnswerFromKB(), make_tracker("refund shipping costs", channel="telegram"))
    assert messages[0]["text"] == "Did you mean one of these?"
    assert messages[0]["buttons"] == [
        {"title": "Shipping costs", "payload": '/kb_choose{"kb_doc":"shipping"}'},
        {"title": "Refund timing", "payload": '/kb_choose{"kb_doc":"refund-timing"}'},
        {"title": "None of these", "payload": "/kb_none"},
    ]
    assert events[:3] == [
        SlotSet("kb_query", "refund shipping costs"),
        SlotSet("kb_outcome", "did_you_mean"),
        SlotSet("kb_last_answer", None),
    ]
    # The passages offered are kept, so a click answers without searching again.
    assert [p["doc_id"] for p in events[3]["value"]] == ["shipping", "refund-timing"]
    (row,) = stored_queries()
    assert row[:2] == ("refund shipping costs", "did_you_mean") and row[4:] == (
        "telegram",
        "conv-42",
        "shipping refund-timing",
    )


async def test_nothing_relevant_says_so_and_offers_a_ticket_or_a_person(kb) -> None:
    messages, events = await run(ActionAnswerFromKB(), make_tracker("telescopes"))
    assert [(m["text"], m["buttons"]) for m in messages] == [
        (
            "Sorry, I couldn't find anything about that in our help centre. "
            "I can open a ticket for our support team, or connect you with a person.",
            [TICKET, HUMAN],
        )
    ]
    assert events == [
        SlotSet("kb_query", "telescopes"),
        SlotSet("kb_outcome", "no_answer"),
        SlotSet("kb_last_answer", None),
        SlotSet("kb_choices", None),
    ]
    assert [r[:2] for r in stored_queries()] == [("telescopes", "no_answer")]


async def test_choosing_a_suggestion_answers_the_original_question_from_that_article(kb) -> None:
    tracker = make_tracker(
        '/kb_choose{"kb_doc":"refund-timing"}',
        intent="kb_choose",
        entities=[{"entity": "kb_doc", "value": "refund-timing"}],
        slots={"kb_query": "where does my money go"},
    )
    messages, events = await run(ActionAnswerFromKB(), tracker)
    assert messages[0]["text"].endswith("Source: Refund timing https://shop.example.com/help/refund-timing")
    assert "original payment method" in messages[0]["text"]  # the passage about where the money goes
    assert events[:2] == [SlotSet("kb_query", "where does my money go"), SlotSet("kb_outcome", "answered")]
    assert events[2]["value"]["chunk_id"] == "refund-timing#1"
    assert [r[:3] for r in stored_queries()] == [("where does my money go", "answered", "refund-timing")]


async def test_a_stale_choice_falls_back_to_searching_the_question(kb) -> None:
    tracker = make_tracker(
        "/kb_choose",
        intent="kb_choose",
        entities=[{"entity": "kb_doc", "value": "deleted-article"}],
        slots={"kb_query": "how do I reset my password"},
    )
    _, events = await run(ActionAnswerFromKB(), tracker)
    assert events[1] == SlotSet("kb_outcome", "answered")
    assert events[2]["value"]["doc_id"] == "password-reset"


async def test_helpful_feedback_is_stored_and_thanked(kb) -> None:
    answer = {
        "query": "reset password",
        "doc_id": "password-reset",
        "chunk_id": "password-reset#0",
        "title": "P",
        "url": None,
    }
    tracker = make_tracker(
        '/kb_feedback{"kb_helpful":"yes"}',
        intent="kb_feedback",
        entities=[{"entity": "kb_helpful", "value": "yes"}],
        slots={"kb_last_answer": answer},
        channel="socketio",
    )
    messages, events = await run(ActionKBFeedback(), tracker)
    # nothing answered in this tracker's history, so no satisfaction question (tests/actions/test_csat_actions.py)
    assert [m["text"] for m in messages] == ["Glad it helped! Anything else I can do for you?"]
    assert events == [SlotSet("kb_helpful", None), SlotSet("csat_state", None)]
    assert stored_feedback() == [
        ("answer", True, "reset password", "password-reset", "password-reset#0", "socketio", "conv-42")
    ]


async def test_unhelpful_feedback_offers_help_and_counts_towards_a_handoff(kb) -> None:
    answer = {"query": "refund", "doc_id": "refund-timing", "chunk_id": "refund-timing#0", "title": "R", "url": None}
    tracker = make_tracker(
        '/kb_feedback{"kb_helpful":"no"}',
        intent="kb_feedback",
        entities=[{"entity": "kb_helpful", "value": "no"}],
        slots={"kb_last_answer": answer, "kb_unhelpful_count": 1.0},
    )
    messages, events = await run(ActionKBFeedback(), tracker)
    assert [(m["text"], m["buttons"]) for m in messages] == [
        ("Sorry about that — I can open a ticket or get you a person.", [TICKET, HUMAN])
    ]
    assert events == [SlotSet("kb_helpful", None), SlotSet("kb_unhelpful_count", 2.0), SlotSet("csat_state", None)]
    assert stored_feedback() == [("answer", False, "refund", "refund-timing", "refund-timing#0", "slack", "conv-42")]


async def test_feedback_read_from_the_slot_and_without_an_answer_stores_nothing(kb) -> None:
    tracker = make_tracker("no", intent="kb_feedback", slots={"kb_helpful": "no"})
    _, events = await run(ActionKBFeedback(), tracker)
    assert events == [SlotSet("kb_helpful", None), SlotSet("kb_unhelpful_count", 1.0), SlotSet("csat_state", None)]
    assert stored_feedback() == []


@pytest.mark.parametrize("text, intent, helpful", [("no, not really", "deny", False), ("yes", "affirm", True)])
async def test_a_typed_yes_or_no_is_the_feedback(kb, text, intent, helpful) -> None:
    answer = {"query": "refund", "doc_id": "refund-timing", "chunk_id": "refund-timing#0", "title": "R", "url": None}
    await run(ActionKBFeedback(), make_tracker(text, intent=intent, slots={"kb_last_answer": answer}))
    assert [row[1] for row in stored_feedback()] == [helpful]


async def test_feedback_that_is_neither_yes_nor_no_asks_again(kb) -> None:
    messages, events = await run(ActionKBFeedback(), make_tracker("maybe", intent="kb_feedback"))
    assert events == [SlotSet("csat_state", None)] and messages[0]["buttons"] == YES_NO


async def test_none_of_these_is_recorded_as_a_gap(kb) -> None:
    tracker = make_tracker("/kb_none", intent="kb_none", slots={"kb_query": "shipping to mars"})
    messages, events = await run(ActionKBNone(), tracker)
    assert [(m["text"], m["buttons"]) for m in messages] == [
        (
            "Sorry I couldn't find the right article. I can open a ticket for our support team, "
            "or connect you with a person.",
            [TICKET, HUMAN],
        )
    ]
    assert events == [SlotSet("kb_outcome", "no_answer"), SlotSet("kb_unhelpful_count", 1.0)]
    assert stored_feedback() == [("suggestions", False, "shipping to mars", None, None, "slack", "conv-42")]


async def test_a_failure_becomes_an_apology_not_a_crash(kb, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(kb, "ask", broken)
    messages, events = await run(ActionAnswerFromKB(), make_tracker("refund"))
    assert events == [] and messages[0]["response"] == "utter_something_went_wrong"


def front_door_tracker(text: str, kb_data: Dict[str, Any], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    """A turn the front door (bot.nlu.front_door) already searched: its passages come with the message."""
    tracker = make_tracker(text, intent="faq", slots=slots)
    tracker.latest_message["kb"] = kb_data
    return tracker


def passage(doc_id: str, text: str, section: str = "", title: str = "T", url: Optional[str] = None) -> Dict[str, Any]:
    return {
        "doc_id": doc_id,
        "chunk_id": f"{doc_id}#0",
        "title": title,
        "section": section,
        "url": url,
        "text": text,
        "kind": "article",
        "relevance": 0.8,
    }


async def test_the_front_doors_answer_is_shown_without_searching_again(kb, monkeypatch) -> None:
    monkeypatch.setattr(kb, "ask", lambda *a, **k: pytest.fail("searched again"))
    answer = passage(
        "international", "We ship with DHL.", "Shipping to Canada", "International shipping", "https://x/i"
    )
    second = passage("shipping", "...", title="Shipping times", url="https://x/s")
    data = {
        "outcome": "answer",
        "query": "do you ship to canada",
        "answer": answer,
        "best": answer,
        "see_also": second,
        "suggestions": [],
        "offer": None,
        "generation": 3,
    }
    messages, events = await run(ActionAnswerFromKB(), front_door_tracker("do you ship to canada", data))
    assert messages[0]["text"] == (
        "Shipping to Canada\nWe ship with DHL.\n\nSource: International shipping https://x/i\n"
        "See also: Shipping times https://x/s"
    )
    assert events[1] == SlotSet("kb_outcome", "answered")
    assert stored_queries()[0][:3] == ("do you ship to canada", "answered", "international")


async def test_a_question_about_an_action_gets_the_answer_and_the_offer(kb) -> None:
    answer = passage("cancelling", "Cancel while it is processing.", title="Cancelling an order")
    data = {
        "outcome": "answer",
        "query": "how does cancelling work",
        "answer": answer,
        "best": answer,
        "see_also": None,
        "suggestions": [],
        "offer": "cancel_order",
    }
    messages, _ = await run(ActionAnswerFromKB(), front_door_tracker("how does cancelling work", data))
    assert messages[1]["buttons"] == [*YES_NO, {"title": "Cancel an order", "payload": "/cancel_order"}]


async def test_a_clarifying_question_offers_the_action_or_the_article_and_a_click_answers(kb, monkeypatch) -> None:
    article = passage("cancelling", "Cancel while it is processing.", title="Cancelling an order")
    data = {
        "outcome": "clarify",
        "query": "can i cancel my order?",
        "answer": article,
        "best": article,
        "see_also": None,
        "suggestions": [],
        "offer": "cancel_order",
    }
    messages, events = await run(ActionAnswerFromKB(), front_door_tracker("can i cancel my order?", data))
    assert messages[0]["text"] == "Do you want me to cancel an order, or to read \u201cCancelling an order\u201d?"
    assert messages[0]["buttons"] == [
        {"title": "Cancel an order", "payload": "/cancel_order"},
        {"title": "Read: Cancelling an order", "payload": '/kb_choose{"kb_doc":"cancelling"}'},
    ]
    assert events[1] == SlotSet("kb_outcome", "clarify") and events[-1] == SlotSet("kb_choices", [article])

    monkeypatch.setattr(kb, "ask", lambda *a, **k: pytest.fail("searched again"))
    click = make_tracker(
        '/kb_choose{"kb_doc":"cancelling"}',
        intent="kb_choose",
        entities=[{"entity": "kb_doc", "value": "cancelling"}],
        slots={"kb_query": "can i cancel my order?", "kb_choices": [article]},
    )
    messages, _ = await run(ActionAnswerFromKB(), click)
    assert messages[0]["text"].startswith("Cancel while it is processing.")
