"""One row per conversation: what the service analytics are computed from.

A conversation is one Rasa session of one sender (a new one starts after the domain's
`session_expiration_time` of silence), so the key is the sender and the timestamp of the
session's start; both processes can compute it from a tracker. The Rasa server rewrites the
row from the session's events after every saved turn (bot/analytics/recorder.py); the action
server only makes sure it exists before it stores a satisfaction rating against it.

Times are epoch seconds (UTC) in float columns: the report reads 100,000 rows at a time, and
parsing that many SQLite date strings would cost more than the whole rest of the report.
A row written from an older snapshot of the session never overwrites a newer one
(`events_seen` only grows), so several servers and out-of-order writes are safe.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from sqlalchemy import Boolean, Column, Float, Index, Integer, String, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope
from bot.store.models import Base

# What a summary may set (bot/analytics/summary.py `Summary.row()`), besides the key.
SUMMARY_COLUMNS = (
    "channel",
    "customer_key",
    "started_ts",
    "last_activity_ts",
    "events_seen",
    "customer_messages",
    "bot_messages",
    "agent_messages",
    "first_bot_reply_ts",
    "answers",
    "last_answer_ts",
    "confirmed_ts",
    "unresolved_ts",
    "escalated_ts",
    "escalation",
    "handoff_reason",
    "handoff_id",
    "agent_id",
    "person_involved",
    "first_agent_reply_ts",
    "handed_back_ts",
    "ticket_reference",
    "customer_name",
    "customer_email",
    "last_message",
    "last_message_from",
    "last_customer_ts",
    "language",
)


class Conversation(Base):
    __tablename__ = "conversations"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)
    session_start = Column(Float, nullable=False)  # the session_started event's timestamp: the key's second half
    channel = Column(String(40), nullable=False, default="rest")
    # Who the customer is, for repeat contacts: "email:<verified or ticket email>", else the
    # channel's own identity ("telegram:<user>", "slack:<user>"), else the conversation's sender.
    customer_key = Column(String(300), nullable=False, default="")
    started_ts = Column(Float, nullable=False)  # the customer's first message (the session start before it)
    last_activity_ts = Column(Float, nullable=False)
    events_seen = Column(Integer, nullable=False, default=0)
    customer_messages = Column(Integer, nullable=False, default=0)
    bot_messages = Column(Integer, nullable=False, default=0)
    agent_messages = Column(Integer, nullable=False, default=0)
    first_bot_reply_ts = Column(Float)
    answers = Column(Integer, nullable=False, default=0)  # real answers: an article, an order, a ticket's status
    last_answer_ts = Column(Float)
    confirmed_ts = Column(Float)  # the customer confirmed after the last answer ("thanks", "that helped")
    unresolved_ts = Column(Float)  # the customer needed more after the last answer, and did not get it
    escalated_ts = Column(Float)  # first handoff request, or a ticket for the team
    escalation = Column(String(20))  # "handoff" | "ticket"
    handoff_reason = Column(String(40))
    handoff_id = Column(Integer)
    agent_id = Column(Integer)
    person_involved = Column(Boolean, nullable=False, default=False)  # an agent claimed it or wrote in it
    first_agent_reply_ts = Column(Float)
    # For the desk's conversation list (bot/desk/inbox.py): who, and the last message.
    customer_name = Column(String(200))
    customer_email = Column(String(254))
    last_message = Column(String(200))
    last_message_from = Column(String(10))  # customer | bot | agent
    last_customer_ts = Column(Float)
    language = Column(String(8))  # the conversation's language slot (bot/i18n): en, ja
    handed_back_ts = Column(Float)
    ticket_reference = Column(String(20))
    updated_ts = Column(Float, nullable=False, default=time.time)

    __table_args__ = (
        Index("ux_conversations_sender_session", "sender_id", "session_start", unique=True),
        Index("ix_conversations_started", "started_ts", "channel"),
        Index("ix_conversations_customer", "customer_key", "started_ts"),
    )


def _find(session, sender_id: str, session_start: float) -> Optional[Conversation]:
    return session.execute(
        select(Conversation).where(Conversation.sender_id == sender_id, Conversation.session_start == session_start)
    ).scalar_one_or_none()


def ensure(sender_id: str, session_start: float, channel: str, started_ts: Optional[float] = None) -> int:
    """The conversation's id, creating a bare row if the Rasa server has not written it yet."""
    for _ in range(2):  # two processes may create it at once: the loser reads the winner's row
        try:
            with session_scope() as session:
                row = _find(session, sender_id, session_start)
                if row is None:
                    now = time.time()
                    row = Conversation(
                        sender_id=sender_id,
                        session_start=session_start,
                        channel=channel or "rest",
                        customer_key=f"sender:{sender_id}",
                        started_ts=started_ts or session_start or now,
                        last_activity_ts=now,
                        updated_ts=now,
                    )
                    session.add(row)
                    session.flush()
                return row.id
        except IntegrityError:
            continue
    raise RuntimeError(f"could not create the conversation of {sender_id}")


def write_summary(sender_id: str, session_start: float, values: Dict[str, Any]) -> bool:
    """Insert or update a conversation's row from a summary of `values["events_seen"]` events;
    an update from an older snapshot than the stored one changes nothing. True if written."""
    values = {k: v for k, v in values.items() if k in SUMMARY_COLUMNS}
    values["updated_ts"] = time.time()
    for _ in range(2):
        try:
            with session_scope() as session:
                result = session.execute(
                    update(Conversation)
                    .where(
                        Conversation.sender_id == sender_id,
                        Conversation.session_start == session_start,
                        Conversation.events_seen <= values["events_seen"],
                    )
                    .values(**values)
                )
                if result.rowcount:
                    return True
                if _find(session, sender_id, session_start) is not None:
                    return False  # a newer snapshot is already stored
                session.add(Conversation(sender_id=sender_id, session_start=session_start, **values))
                session.flush()
                return True
        except IntegrityError:
            continue
    return False


def customer_keys(sender_id: str, slots: Dict[str, Any]) -> List[str]:
    """The keys earlier conversations of this customer may be recorded under
    (bot/analytics/summary.py `Summary.customer_key`): the sender, a verified email, the
    channel's identity."""
    keys = [f"sender:{sender_id}"]
    email = slots.get("verified_email")
    if email:
        keys.append(f"email:{str(email).strip().lower()}")
    channel, who = slots.get("customer_channel"), slots.get("customer_id")
    if channel and who:
        keys.append(f"{channel}:{who}")
    return keys


def count_for_customer(sender_id: str, slots: Dict[str, Any]) -> int:
    """How many conversations this customer has had, on any channel (this one, once recorded)."""
    with session_scope() as session:
        return session.execute(
            select(func.count(Conversation.id)).where(
                or_(Conversation.customer_key.in_(customer_keys(sender_id, slots)), Conversation.sender_id == sender_id)
            )
        ).scalar_one()
