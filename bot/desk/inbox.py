"""The desk's conversation list: one line per conversation a person can scan, with search and
filters. Read from the `conversations` rows the analytics recorder keeps (bot/store/
conversations.py: who the customer is, the last message, when they last wrote), each sender's
newest conversation only, joined with who owns it now (the open handoff, if any).

Search looks in those rows (name, email, last message), in the transcripts (the desk's
TrackerReader searches Rasa's event table) and in tickets (reference, subject, description,
email); a ticket that matches brings its conversation.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Set

from sqlalchemy import func, or_, select

from bot.store import labels
from bot.store.conversations import Conversation
from bot.store.db import session_scope
from bot.store.handoff import OPEN_STATUSES, Agent, Handoff, HandoffStatus
from bot.store.models import Ticket

STATUSES = ("all", "bot", "waiting", "with_agent", "ticket")
CHANNELS = ("webchat", "slack", "telegram", "rest")
MAX_QUERY = 100
MAX_ROWS = 100


@dataclass(frozen=True)
class Filters:
    query: str = ""
    channel: Optional[str] = None
    status: str = "all"
    mine: bool = False
    limit: int = 50
    label: Optional[str] = None


def like_pattern(query: str) -> str:
    """`query` as a LIKE pattern that matches it literally anywhere (no wildcards from the agent)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def ticket_matches(query: str, limit: int = 50) -> List[Dict[str, Any]]:
    """Tickets whose reference, subject, description or email contain `query`."""
    pattern = like_pattern(query.lower())
    with session_scope() as session:
        rows = session.execute(
            select(Ticket)
            .where(
                or_(
                    func.lower(Ticket.reference).like(pattern, escape="\\"),
                    func.lower(Ticket.subject).like(pattern, escape="\\"),
                    func.lower(Ticket.description).like(pattern, escape="\\"),
                    func.lower(Ticket.email).like(pattern, escape="\\"),
                )
            )
            .order_by(Ticket.updated_at.desc())
            .limit(limit)
        ).scalars()
        found = [
            {
                "reference": t.reference,
                "subject": t.subject,
                "status": t.status.value,
                "channel": t.channel,
                "sender_id": t.sender_id,
                "email": t.email,
                "updated_at": t.updated_at.isoformat() + "Z",
            }
            for t in rows
        ]
    tagged = labels.labels_of("ticket", [t["reference"] for t in found])
    return [{**t, "labels": tagged.get(t["reference"], [])} for t in found]


def _open_handoffs(session: Any) -> Dict[str, Any]:
    rows = session.execute(
        select(Handoff.sender_id, Handoff.id, Handoff.status, Handoff.agent_id, Handoff.created_at, Agent.name)
        .outerjoin(Agent, Agent.id == Handoff.agent_id)
        .where(Handoff.status.in_(OPEN_STATUSES))
    ).all()
    return {row[0]: row for row in rows}


def conversations(filters: Filters, agent_id: int, matching_senders: Optional[Set[str]] = None) -> List[Dict[str, Any]]:
    """The newest conversation of each sender, newest activity first, as the filters ask.
    `matching_senders`: with a search, the senders whose transcript or ticket matched."""
    now = time.time()
    c = Conversation.__table__.c
    with session_scope() as session:
        handoffs = _open_handoffs(session)
        query = select(Conversation.__table__).order_by(c.last_activity_ts.desc())
        if filters.channel:
            query = query.where(c.channel == filters.channel)
        if filters.label:
            query = query.where(c.sender_id.in_(labels.targets_with("conversation", filters.label) or [""]))
        if filters.query:
            pattern = like_pattern(filters.query.lower())
            found = or_(
                func.lower(c.customer_name).like(pattern, escape="\\"),
                func.lower(c.customer_email).like(pattern, escape="\\"),
                func.lower(c.last_message).like(pattern, escape="\\"),
                func.lower(c.sender_id).like(pattern, escape="\\"),
                func.lower(c.ticket_reference).like(pattern, escape="\\"),
            )
            if matching_senders:
                found = or_(found, c.sender_id.in_(sorted(matching_senders)[:1000]))
            query = query.where(found)
        if filters.status == "waiting" or filters.status == "with_agent" or filters.mine:
            wanted = [
                sender
                for sender, row in handoffs.items()
                if (filters.status != "waiting" or row[2] == HandoffStatus.queued)
                and (filters.status != "with_agent" or row[2] == HandoffStatus.assigned)
                and (not filters.mine or row[3] == agent_id)
            ]
            query = query.where(c.sender_id.in_(wanted or [""]))
        elif filters.status == "bot":
            query = query.where(c.sender_id.not_in(list(handoffs) or [""]))
        elif filters.status == "ticket":
            query = query.where(c.ticket_reference.is_not(None))
        seen: Set[str] = set()
        out: List[Dict[str, Any]] = []
        for row in session.execute(query.limit(filters.limit * 4)).mappings():
            if row["sender_id"] in seen:
                continue  # an older conversation of a sender already listed
            seen.add(row["sender_id"])
            out.append(_line(row, handoffs.get(row["sender_id"]), now))
            if len(out) >= filters.limit:
                break
    tagged = labels.labels_of("conversation", [row["sender_id"] for row in out])
    for row in out:
        row["labels"] = tagged.get(row["sender_id"], [])
    return out


def _line(row: Any, handoff: Optional[Any], now: float) -> Dict[str, Any]:
    status = "bot"
    if handoff is not None:
        status = "waiting" if handoff[2] == HandoffStatus.queued else "with_agent"
    elif row["ticket_reference"]:
        status = "ticket"
    waiting_since = None
    if handoff is not None and handoff[2] == HandoffStatus.queued:
        created = handoff[4]  # naive UTC, as every stored datetime
        waiting_since = created.replace(tzinfo=dt.UTC).timestamp() if created else row["last_customer_ts"]
    elif row["last_message_from"] == "customer" and handoff is not None:
        waiting_since = row["last_customer_ts"]  # a person owns it and the customer wrote last
    return {
        "sender_id": row["sender_id"],
        "channel": row["channel"],
        "customer_name": row["customer_name"],
        "customer_email": row["customer_email"],
        "language": row["language"],
        "last_message": row["last_message"],
        "last_message_from": row["last_message_from"],
        "last_active": row["last_activity_ts"],
        "status": status,
        "handoff_id": handoff[1] if handoff is not None else None,
        "agent_id": handoff[3] if handoff is not None else None,
        "agent_name": handoff[5] if handoff is not None else None,
        "waiting_seconds": max(0.0, now - waiting_since) if waiting_since else None,
        "ticket_reference": row["ticket_reference"],
        "escalation": row["escalation"],
    }


def senders_of(tickets: Iterable[Dict[str, Any]]) -> Set[str]:
    return {t["sender_id"] for t in tickets if t.get("sender_id")}
