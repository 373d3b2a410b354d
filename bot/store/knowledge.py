"""What customers asked the knowledge base, what it answered, and whether that helped.

Every query is stored with its outcome so the support team can see what the help centre
is missing (`kb gaps`): questions that got no answer, suggestions that were all rejected,
and answers rated unhelpful. Plain columns only (no JSON or native enums), so the same
tables work on SQLite and PostgreSQL without migrations per backend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text, func, select

from bot.store.db import session_scope
from bot.store.models import Base, utcnow

OUTCOMES = ("answered", "did_you_mean", "no_answer", "clarify")  # clarify: "the action, or this article?"
FEEDBACK_ANSWER = "answer"  # yes/no on an answer
FEEDBACK_SUGGESTIONS = "suggestions"  # "none of these" on did-you-mean options


class KBQuery(Base):
    __tablename__ = "kb_queries"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    channel = Column(String(40), nullable=False, default="rest")
    sender_id = Column(String(255), index=True)
    query = Column(Text, nullable=False)
    outcome = Column(String(20), nullable=False, index=True)
    doc_id = Column(String(200))  # the answer, or the best suggestion / best miss
    chunk_id = Column(String(220))
    score = Column(Float)
    suggestions = Column(Text)  # did-you-mean document ids, space-separated
    generation = Column(Integer)  # which index answered


class KBFeedback(Base):
    __tablename__ = "kb_feedback"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    query_id = Column(Integer, ForeignKey("kb_queries.id", ondelete="SET NULL"), index=True)
    kind = Column(String(20), nullable=False, default=FEEDBACK_ANSWER)
    helpful = Column(Boolean, nullable=False)
    query = Column(Text, nullable=False, default="")
    doc_id = Column(String(200))
    chunk_id = Column(String(220))
    channel = Column(String(40), nullable=False, default="rest")
    sender_id = Column(String(255), index=True)


def record_query(
    query: str,
    outcome: str,
    *,
    doc_id: Optional[str] = None,
    chunk_id: Optional[str] = None,
    score: Optional[float] = None,
    suggestions: Optional[List[str]] = None,
    channel: str = "rest",
    sender_id: Optional[str] = None,
    generation: Optional[int] = None,
) -> int:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
    with session_scope() as session:
        row = KBQuery(
            query=query,
            outcome=outcome,
            doc_id=doc_id,
            chunk_id=chunk_id,
            score=None if score is None else float(score),
            suggestions=" ".join(suggestions) if suggestions else None,
            channel=channel or "rest",
            sender_id=sender_id,
            generation=generation,
        )
        session.add(row)
        session.flush()
        return row.id


def _latest_query_id(session, sender_id: Optional[str], query: str) -> Optional[int]:
    if not sender_id:
        return None
    return session.execute(
        select(KBQuery.id)
        .where(KBQuery.sender_id == sender_id, KBQuery.query == query)
        .order_by(KBQuery.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def record_feedback(
    query: str,
    helpful: bool,
    *,
    doc_id: Optional[str] = None,
    chunk_id: Optional[str] = None,
    channel: str = "rest",
    sender_id: Optional[str] = None,
    kind: str = FEEDBACK_ANSWER,
) -> int:
    """Feedback on an answer (kind "answer") or a rejection of all suggestions ("suggestions")."""
    with session_scope() as session:
        row = KBFeedback(
            query_id=_latest_query_id(session, sender_id, query),
            kind=kind,
            helpful=bool(helpful),
            query=query or "",
            doc_id=doc_id,
            chunk_id=chunk_id,
            channel=channel or "rest",
            sender_id=sender_id,
        )
        session.add(row)
        session.flush()
        return row.id


@dataclass(frozen=True)
class Gap:
    """One question the knowledge base did not serve well."""

    query: str
    reason: str  # "no_answer", "unhelpful" or "rejected_suggestions"
    doc_id: Optional[str]
    channel: str
    sender_id: Optional[str]
    created_at: dt.datetime


def list_gaps(since: Optional[dt.datetime] = None, limit: int = 5000) -> List[Gap]:
    """No-answer queries, unhelpful answers and rejected suggestions, newest first."""
    gaps: List[Gap] = []
    with session_scope() as session:
        misses = select(KBQuery).where(KBQuery.outcome == "no_answer")
        bad = select(KBFeedback).where(KBFeedback.helpful.is_(False))
        if since is not None:
            misses = misses.where(KBQuery.created_at >= since)
            bad = bad.where(KBFeedback.created_at >= since)
        for q in session.execute(misses.order_by(KBQuery.created_at.desc()).limit(limit)).scalars():
            gaps.append(Gap(q.query, "no_answer", q.doc_id, q.channel, q.sender_id, q.created_at))
        for f in session.execute(bad.order_by(KBFeedback.created_at.desc()).limit(limit)).scalars():
            reason = "rejected_suggestions" if f.kind == FEEDBACK_SUGGESTIONS else "unhelpful"
            gaps.append(Gap(f.query, reason, f.doc_id, f.channel, f.sender_id, f.created_at))
    gaps.sort(key=lambda g: g.created_at, reverse=True)
    return gaps[:limit]


@dataclass(frozen=True)
class QueryStats:
    total: int
    by_outcome: Dict[str, int]
    helpful: int
    unhelpful: int
    top_documents: List[tuple]  # (doc_id, answers)


def query_stats(since: Optional[dt.datetime] = None, top: int = 5) -> QueryStats:
    with session_scope() as session:
        counts = select(KBQuery.outcome, func.count()).group_by(KBQuery.outcome)
        fb = (
            select(KBFeedback.helpful, func.count())
            .where(KBFeedback.kind == FEEDBACK_ANSWER)
            .group_by(KBFeedback.helpful)
        )
        docs = (
            select(KBQuery.doc_id, func.count())
            .where(KBQuery.outcome == "answered")
            .group_by(KBQuery.doc_id)
            .order_by(func.count().desc(), KBQuery.doc_id)
            .limit(top)
        )
        if since is not None:
            counts = counts.where(KBQuery.created_at >= since)
            fb = fb.where(KBFeedback.created_at >= since)
            docs = docs.where(KBQuery.created_at >= since)
        by_outcome = {o: 0 for o in OUTCOMES}
        by_outcome.update({o: n for o, n in session.execute(counts)})
        helpful = {bool(h): n for h, n in session.execute(fb)}
        return QueryStats(
            total=sum(by_outcome.values()),
            by_outcome=by_outcome,
            helpful=helpful.get(True, 0),
            unhelpful=helpful.get(False, 0),
            top_documents=[(d, n) for d, n in session.execute(docs)],
        )
