"""Satisfaction questions (CSAT), one per conversation: asked, then rated or skipped, and an
optional comment. Stored against the conversation (bot/store/conversations.py) with its
channel, whether a person took part and which agent, so the figures can be split by all three.

The database is what says whether a rating may be taken: only a question that is still open
(asked, not answered) accepts one, once. A rating typed out of the blue, or a second one, is
refused however the dialogue got there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Optional

from sqlalchemy import select, update

from bot.store import conversations
from bot.store.db import session_scope
from bot.store.handoff import Agent, CsatStatus, Handoff, SatisfactionRating
from bot.store.models import utcnow

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Conversation:
    """Which conversation a question belongs to: the sender and its session's start."""

    sender_id: str
    session_start: float
    channel: str
    started_ts: Optional[float] = None


@dataclass(frozen=True)
class CsatView:
    id: int
    status: str
    rating: Optional[int]
    comment: Optional[str]
    person_involved: bool
    agent_id: Optional[int]
    follow_up_ticket: Optional[str]


def _view(row: SatisfactionRating) -> CsatView:
    status = row.status.value if hasattr(row.status, "value") else str(row.status)
    return CsatView(
        row.id, status, row.rating, row.comment, bool(row.person_involved), row.agent_id, row.follow_up_ticket
    )


def _handoff_of(session, sender_id: str, since: float) -> Optional[Handoff]:
    """The conversation's latest handoff, if one was opened since it started."""
    started = dt.datetime.fromtimestamp(since - 1, dt.UTC).replace(tzinfo=None)
    return (
        session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.created_at >= started)
            .order_by(Handoff.id.desc())
        )
        .scalars()
        .first()
    )


def ask(conversation: Conversation) -> Optional[CsatView]:
    """Record that the question was asked; None if this conversation was already asked."""
    conversation_id = conversations.ensure(
        conversation.sender_id, conversation.session_start, conversation.channel, conversation.started_ts
    )
    with session_scope() as session:
        existing = session.execute(
            select(SatisfactionRating).where(SatisfactionRating.conversation_id == conversation_id)
        ).scalar_one_or_none()
        if existing is not None:
            return None
        handoff = _handoff_of(session, conversation.sender_id, conversation.session_start)
        row = SatisfactionRating(
            sender_id=conversation.sender_id,
            channel=conversation.channel or "rest",
            conversation_id=conversation_id,
            status=CsatStatus.asked,
            handoff_id=handoff.id if handoff else None,
            agent_id=handoff.agent_id if handoff else None,
            person_involved=bool(handoff and handoff.claimed_at is not None),
        )
        session.add(row)
        session.flush()
        return _view(row)


def current(conversation: Conversation) -> Optional[CsatView]:
    with session_scope() as session:
        row = session.execute(
            select(SatisfactionRating)
            .join(conversations.Conversation, conversations.Conversation.id == SatisfactionRating.conversation_id)
            .where(
                conversations.Conversation.sender_id == conversation.sender_id,
                conversations.Conversation.session_start == conversation.session_start,
            )
        ).scalar_one_or_none()
        return None if row is None else _view(row)


def _answer(question_id: int, values: Dict[str, Any]) -> bool:
    """Answer an open question (one UPDATE: two answers at once cannot both count)."""
    with session_scope() as session:
        result = session.execute(
            update(SatisfactionRating)
            .where(SatisfactionRating.id == question_id, SatisfactionRating.status == CsatStatus.asked)
            .values(answered_at=utcnow(), **values)
        )
        return bool(result.rowcount)


def rate(conversation: Conversation, rating: int) -> Optional[CsatView]:
    """Store the answer to this conversation's open question; None if none is open."""
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1 to 5")
    question = current(conversation)
    if question is None or question.status != CsatStatus.asked.value:
        return None
    if not _answer(question.id, {"status": CsatStatus.rated, "rating": rating}):
        return None
    return current(conversation)


def skip(conversation: Conversation) -> bool:
    question = current(conversation)
    return question is not None and _answer(question.id, {"status": CsatStatus.skipped})


def add_comment(conversation: Conversation, text: str) -> Optional[CsatView]:
    """The customer's words after their rating (kept once; a second comment is not taken)."""
    text = (text or "").strip()[:MAX_COMMENT]
    question = current(conversation)
    if not text or question is None or question.status != CsatStatus.rated.value or question.comment:
        return None
    with session_scope() as session:
        done = session.execute(
            update(SatisfactionRating)
            .where(
                SatisfactionRating.id == question.id,
                SatisfactionRating.status == CsatStatus.rated,
                SatisfactionRating.comment.is_(None),
            )
            .values(comment=text)
        )
        if not done.rowcount:  # another message took the place at the same moment
            return None
    return current(conversation)


def set_follow_up(question_id: int, reference: str) -> None:
    with session_scope() as session:
        session.execute(
            update(SatisfactionRating).where(SatisfactionRating.id == question_id).values(follow_up_ticket=reference)
        )


def agent_stats(since: dt.datetime) -> Dict[str, Any]:
    """Ratings since `since` for the desk's stats: count, average, share of 4-5, by agent."""
    with session_scope() as session:
        rows = session.execute(
            select(SatisfactionRating.rating, Agent.name)
            .outerjoin(Agent, Agent.id == SatisfactionRating.agent_id)
            .where(SatisfactionRating.created_at >= since, SatisfactionRating.rating.is_not(None))
        ).all()
    by_agent: Dict[str, list] = {}
    for rating, name in rows:
        by_agent.setdefault(name or "assistant only", []).append(rating)
    ratings = [r for r, _ in rows]
    return {
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "csat_percent": round(100 * sum(1 for r in ratings if r >= 4) / len(ratings)) if ratings else None,
        "low_ratings": sum(1 for r in ratings if r <= 2),
        "by_agent": {k: {"count": len(v), "average": round(sum(v) / len(v), 2)} for k, v in sorted(by_agent.items())},
    }
