"""Reading what the report needs from the app database, in a few indexed queries.

- the conversations that started in the window (`ix_conversations_started`), each with its
  satisfaction question and the ticket it led to (and that ticket's first agent reply);
- every customer's conversation starts from the window's start to 7 days past its end, on any
  channel (repeat contacts);
- help-centre feedback per article, and the questions it could not answer (for grouping).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import Integer, String, and_, cast, func, select, type_coerce

from bot.analytics.metrics import REPEAT_WINDOW, Contacts, Row, Window
from bot.store.conversations import Conversation
from bot.store.db import session_scope
from bot.store.handoff import Agent, SatisfactionRating
from bot.store.knowledge import FEEDBACK_ANSWER, KBFeedback, list_gaps
from bot.store.models import Ticket, TicketMessage

TICKET_DONE = ("resolved", "closed")


def utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def epoch(value: Optional[dt.datetime]) -> Optional[float]:
    return None if value is None else value.replace(tzinfo=dt.UTC).timestamp()


def _enum_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


# The conversation columns a Row takes, in the Row's field order (it is built positionally: the
# report reads 100,000 of them); the Row's last fields come from the joined tables.
JOINED = ("ticket_first_reply_ts", "ticket_resolved_ts", "csat_status", "csat_rating")
ROW_COLUMNS = tuple(f.name for f in dataclasses.fields(Row) if f.name not in JOINED)
_OWN = len(ROW_COLUMNS)


def _moment(value: Any) -> Optional[float]:
    """A DateTime column as the driver returns it (SQLite: text) in epoch seconds."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return epoch(value)


def _row(r: tuple, first_replies: Dict[int, Any]) -> Row:
    ticket_id, ticket_status, ticket_resolved_at, csat_status, rating = r[_OWN:]
    if ticket_id is None:  # most conversations
        return Row(*r[:_OWN], None, None, csat_status, rating)
    return Row(
        *r[:_OWN],
        epoch(first_replies.get(ticket_id)),
        _moment(ticket_resolved_at) if ticket_status in TICKET_DONE else None,
        csat_status,
        rating,
    )


def _fetch(session: Any, query: Any) -> List[tuple]:
    """The driver's plain tuples: no SQLAlchemy row objects or type conversions for the 100,000
    rows of a long range (what SQLAlchemy would convert, `_row` does for the few that need it)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = [compiled.params[key] for key in compiled.positiontup] if compiled.positional else compiled.params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _first_agent_replies(session: Any, ticket_ids: List[int]) -> Dict[int, Any]:
    """Each ticket's first agent reply (a separate query: joined, a planner without fresh
    statistics may re-aggregate the replies once per conversation)."""
    found: Dict[int, Any] = {}
    for start in range(0, len(ticket_ids), 1000):  # bound the IN list
        chunk = ticket_ids[start : start + 1000]
        query = (
            select(TicketMessage.ticket_id, func.min(TicketMessage.created_at))
            .where(TicketMessage.ticket_id.in_(chunk), TicketMessage.author == "agent")
            .group_by(TicketMessage.ticket_id)
        )
        found.update(session.connection().execute(query).all())
    return found


def conversation_rows(window: Window) -> List[Row]:
    c = Conversation.__table__.c
    query = (
        select(
            *(c[name] for name in ROW_COLUMNS),
            Ticket.id,
            type_coerce(Ticket.status, String),  # the stored names, not Enum members: no per-row conversion
            Ticket.resolved_at,
            type_coerce(SatisfactionRating.status, String),
            SatisfactionRating.rating,
        )
        .select_from(Conversation.__table__)
        .outerjoin(SatisfactionRating, SatisfactionRating.conversation_id == c.id)
        .outerjoin(Ticket, and_(c.ticket_reference.is_not(None), Ticket.reference == c.ticket_reference))
        .where(c.started_ts >= window.since, c.started_ts < window.until)
    )
    if window.channel:
        query = query.where(c.channel == window.channel)
    with session_scope() as session:
        rows = _fetch(session, query)
        ticket_ids = sorted({r[_OWN] for r in rows if r[_OWN] is not None})
        first_replies = _first_agent_replies(session, ticket_ids)
    return [_row(r, first_replies) for r in rows]


def csat_answers(window: Window) -> List[Dict[str, Any]]:
    """The satisfaction questions of the window's conversations, with comments and agents."""
    c = Conversation.__table__.c
    query = (
        select(
            c.id.label("conversation_id"),
            c.channel,
            c.started_ts,
            SatisfactionRating.status,
            SatisfactionRating.rating,
            SatisfactionRating.comment,
            SatisfactionRating.person_involved,
            Agent.name.label("agent"),
            SatisfactionRating.follow_up_ticket,
            SatisfactionRating.created_at,
            SatisfactionRating.answered_at,
        )
        .select_from(SatisfactionRating)
        .join(Conversation, SatisfactionRating.conversation_id == c.id)
        .outerjoin(Agent, Agent.id == SatisfactionRating.agent_id)
        .where(c.started_ts >= window.since, c.started_ts < window.until)
        .order_by(c.started_ts)
    )
    if window.channel:
        query = query.where(c.channel == window.channel)
    with session_scope() as session:
        rows = [dict(r._mapping) for r in session.execute(query)]
    for row in rows:
        row["status"] = row["status"].value if hasattr(row["status"], "value") else row["status"]
        row["asked_at"] = epoch(row.pop("created_at"))
        row["answered_at"] = epoch(row["answered_at"])
    return rows


def contacts(window: Window, rows: Optional[List[Row]] = None) -> Contacts:
    """Conversation starts of every customer, on any channel, from the window's start to 7 days
    past its end (repeat contacts are always later ones). Given the window's own rows
    (`conversation_rows`), only what they do not hold is read again: the 7 days after the
    window, and the other channels' conversations when the window is one channel's."""
    c = Conversation.__table__.c
    starts = select(c.customer_key, c.started_ts)
    if rows is None:
        known: List[tuple] = []
        wanted = [starts.where(c.started_ts >= window.since, c.started_ts < window.until + REPEAT_WINDOW)]
    else:
        known = [(r.customer_key, r.started_ts) for r in rows]
        wanted = [starts.where(c.started_ts >= window.until, c.started_ts < window.until + REPEAT_WINDOW)]
        if window.channel:
            wanted.append(
                starts.where(c.started_ts >= window.since, c.started_ts < window.until, c.channel != window.channel)
            )
    with session_scope() as session:
        for query in wanted:
            known += _fetch(session, query)
    return Contacts(known)


def article_feedback(window: Window) -> List[Dict[str, Any]]:
    """Yes/no on each article's answers in the window, least helpful first."""
    helpful = func.sum(cast(KBFeedback.helpful, Integer))
    query = (
        select(KBFeedback.doc_id, func.count().label("votes"), helpful.label("yes"))
        .where(
            KBFeedback.kind == FEEDBACK_ANSWER,
            KBFeedback.doc_id.is_not(None),
            KBFeedback.created_at >= utc(window.since),
            KBFeedback.created_at < utc(window.until),
        )
        .group_by(KBFeedback.doc_id)
    )
    if window.channel:
        query = query.where(KBFeedback.channel == window.channel)
    with session_scope() as session:
        rows = [(doc, int(votes), int(yes or 0)) for doc, votes, yes in session.execute(query)]
    articles = [
        {"doc_id": doc, "votes": votes, "helpful": yes, "unhelpful": votes - yes, "helpful_rate": yes / votes}
        for doc, votes, yes in rows
    ]
    return sorted(articles, key=lambda a: (a["helpful_rate"], -a["unhelpful"], a["doc_id"]))


def gaps(window: Window) -> List[Any]:
    """Unanswered or unhelpful questions in the window (bot/store/knowledge.py `Gap`s)."""
    found = [g for g in list_gaps(utc(window.since)) if g.created_at < utc(window.until)]
    return [g for g in found if not window.channel or g.channel == window.channel]


def conversations_of(sender_ids: List[str]) -> Dict[str, List[Tuple[float, int]]]:
    """Each sender's conversations as (session start, id), oldest first: which conversation a
    question belongs to (the last one that started before it)."""
    c = Conversation.__table__.c
    found: Dict[str, List[Tuple[float, int]]] = {}
    unique = sorted(set(sender_ids))
    with session_scope() as session:
        for start in range(0, len(unique), 500):  # bound the IN list
            chunk = unique[start : start + 500]
            query = select(c.sender_id, c.session_start, c.id).where(c.sender_id.in_(chunk)).order_by(c.session_start)
            for sender_id, session_start, conversation_id in session.execute(query):
                found.setdefault(sender_id, []).append((session_start, conversation_id))
    return found
