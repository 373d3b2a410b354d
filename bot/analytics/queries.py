"""Reading what the report needs from the app database, in a few indexed queries.

- the conversations that started in the window (`ix_conversations_started`), each with its
  satisfaction question and the ticket it led to (and that ticket's first agent reply);
- every customer's conversation starts from the window's start to 7 days past its end, on any
  channel (repeat contacts);
- help-centre feedback per article, and the questions it could not answer (for grouping).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import Integer, and_, cast, func, select

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


def _row(r: Any) -> Row:
    status = r.csat_status.value if hasattr(r.csat_status, "value") else r.csat_status
    ticket_status = r.ticket_status.value if hasattr(r.ticket_status, "value") else r.ticket_status
    return Row(
        id=r.id,
        sender_id=r.sender_id,
        channel=r.channel,
        customer_key=r.customer_key,
        started_ts=r.started_ts,
        last_activity_ts=r.last_activity_ts,
        first_bot_reply_ts=r.first_bot_reply_ts,
        answers=r.answers,
        last_answer_ts=r.last_answer_ts,
        confirmed_ts=r.confirmed_ts,
        unresolved_ts=r.unresolved_ts,
        escalated_ts=r.escalated_ts,
        handoff_reason=r.handoff_reason,
        person_involved=bool(r.person_involved),
        agent_id=r.agent_id,
        first_agent_reply_ts=r.first_agent_reply_ts,
        handed_back_ts=r.handed_back_ts,
        ticket_reference=r.ticket_reference,
        ticket_first_reply_ts=epoch(r.ticket_first_reply),
        ticket_resolved_ts=epoch(r.ticket_resolved_at) if ticket_status in TICKET_DONE else None,
        csat_status=status,
        csat_rating=r.rating,
    )


def conversation_rows(window: Window) -> List[Row]:
    c = Conversation.__table__.c
    first_reply = (
        select(TicketMessage.ticket_id, func.min(TicketMessage.created_at).label("first_reply"))
        .where(TicketMessage.author == "agent")
        .group_by(TicketMessage.ticket_id)
        .subquery()
    )
    query = (
        select(
            *c,
            SatisfactionRating.status.label("csat_status"),
            SatisfactionRating.rating,
            Ticket.status.label("ticket_status"),
            Ticket.resolved_at.label("ticket_resolved_at"),
            first_reply.c.first_reply.label("ticket_first_reply"),
        )
        .select_from(Conversation)
        .outerjoin(SatisfactionRating, SatisfactionRating.conversation_id == c.id)
        .outerjoin(Ticket, and_(c.ticket_reference.is_not(None), Ticket.reference == c.ticket_reference))
        .outerjoin(first_reply, first_reply.c.ticket_id == Ticket.id)
        .where(c.started_ts >= window.since, c.started_ts < window.until)
    )
    if window.channel:
        query = query.where(c.channel == window.channel)
    with session_scope() as session:
        return [_row(r) for r in session.execute(query)]


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


def contacts(window: Window) -> Contacts:
    """Conversation starts of every customer, any channel, up to 7 days after the window."""
    c = Conversation.__table__.c
    query = select(c.customer_key, c.started_ts).where(
        c.started_ts >= window.since, c.started_ts < window.until + REPEAT_WINDOW
    )
    with session_scope() as session:
        return Contacts(session.execute(query))


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
