"""Query outcomes, feedback and gaps in the app database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.store import db
from bot.store.knowledge import (
    FEEDBACK_SUGGESTIONS,
    KBFeedback,
    KBQuery,
    list_gaps,
    query_stats,
    record_feedback,
    record_query,
)


@pytest.fixture
def kb_db(database_url: str):
    db.configure(database_url)
    db.create_schema()
    yield db
    db.engine().dispose()


def test_every_query_is_stored_with_its_outcome(kb_db) -> None:
    qid = record_query(
        "when is my refund",
        "answered",
        doc_id="refund-timing",
        chunk_id="refund-timing#0",
        score=0.81,
        channel="slack",
        sender_id="U1",
        generation=3,
    )
    record_query("do you sell cars", "no_answer", doc_id="shipping", score=0.2, channel="telegram", sender_id="T9")
    record_query("returns", "did_you_mean", suggestions=["returns-policy", "how-to-return-an-item"], sender_id="U1")
    with db.session_scope() as session:
        rows = session.query(KBQuery).order_by(KBQuery.id).all()
        assert [(r.query, r.outcome, r.doc_id, r.channel, r.sender_id) for r in rows] == [
            ("when is my refund", "answered", "refund-timing", "slack", "U1"),
            ("do you sell cars", "no_answer", "shipping", "telegram", "T9"),
            ("returns", "did_you_mean", None, "rest", "U1"),
        ]
        assert rows[0].id == qid and rows[0].chunk_id == "refund-timing#0"
        assert rows[0].score == pytest.approx(0.81) and rows[0].generation == 3
        assert rows[2].suggestions == "returns-policy how-to-return-an-item"
        assert isinstance(rows[0].created_at, dt.datetime)


def test_unknown_outcomes_are_refused(kb_db) -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        record_query("x", "maybe")


def test_feedback_is_linked_to_the_query_it_rates(kb_db) -> None:
    qid = record_query("when is my refund", "answered", doc_id="refund-timing", sender_id="U1")
    fid = record_feedback(
        "when is my refund", False, doc_id="refund-timing", chunk_id="refund-timing#0", channel="slack", sender_id="U1"
    )
    other = record_feedback("never asked", True, sender_id="U2")
    with db.session_scope() as session:
        feedback = session.get(KBFeedback, fid)
        assert (feedback.query_id, feedback.helpful, feedback.kind, feedback.channel) == (qid, False, "answer", "slack")
        assert (feedback.doc_id, feedback.chunk_id, feedback.sender_id) == ("refund-timing", "refund-timing#0", "U1")
        assert session.get(KBFeedback, other).query_id is None


def test_gaps_are_no_answers_unhelpful_answers_and_rejected_suggestions(kb_db) -> None:
    record_query("can I pay with bitcoin", "no_answer", sender_id="A")
    record_query("when is my refund", "answered", doc_id="refund-timing", sender_id="B")
    record_feedback("when is my refund", False, doc_id="refund-timing", sender_id="B")
    record_feedback("shipping to mars", False, kind=FEEDBACK_SUGGESTIONS, sender_id="C")
    record_feedback("reset password", True, doc_id="account", sender_id="D")
    gaps = list_gaps()
    assert sorted((g.query, g.reason) for g in gaps) == [
        ("can I pay with bitcoin", "no_answer"),
        ("shipping to mars", "rejected_suggestions"),
        ("when is my refund", "unhelpful"),
    ]
    assert gaps == sorted(gaps, key=lambda g: g.created_at, reverse=True)
    future = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    assert list_gaps(since=future) == []


def test_stats_count_outcomes_and_feedback(kb_db) -> None:
    for outcome, doc in [("answered", "a"), ("answered", "a"), ("answered", "b"), ("no_answer", None)]:
        record_query("q", outcome, doc_id=doc)
    record_feedback("q", True)
    record_feedback("q", False)
    record_feedback("q", False, kind=FEEDBACK_SUGGESTIONS)
    stats = query_stats()
    assert stats.total == 4
    assert stats.by_outcome == {"answered": 3, "did_you_mean": 0, "no_answer": 1, "clarify": 0}
    assert (stats.helpful, stats.unhelpful) == (1, 1)  # "none of these" is not an answer rating
    assert stats.top_documents == [("a", 2), ("b", 1)]
