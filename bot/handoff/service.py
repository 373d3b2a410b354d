"""The handoff rules, enforced in the database: one owner per conversation.

A conversation is owned by the bot unless it has an open handoff: `queued` (waiting; the
bot is silent) or `assigned` (one agent owns it). Claims are a conditional UPDATE, so two
agents clicking "claim" at once cannot both win, on SQLite or on PostgreSQL, in one process
or many.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import and_, func, select, update

from bot.handoff.config import HandoffConfig
from bot.store.db import session_scope
from bot.store.handoff import (
    OPEN_STATUSES,
    Agent,
    Handoff,
    HandoffNote,
    HandoffStatus,
    OutboxMessage,
    SatisfactionRating,
)
from bot.store.models import utcnow

REASONS = {
    "customer_request": "the customer asked for a person",
    "failed_understanding": "the assistant didn't understand the customer twice in a row",
    "unhelpful_answers": "the customer rated knowledge-base answers unhelpful",
    "frustration": "the customer is frustrated",
    "topic": "the conversation is about a topic agents handle",
    "high_value_order": "a problem with a high-value order",
    "agent_takeover": "an agent took the conversation over",
}


class HandoffError(Exception):
    """A rule was broken (wrong owner, already claimed...); `status` is the HTTP code."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class HandoffView:
    id: int
    sender_id: str
    channel: str
    status: str
    reason: str
    reason_detail: str
    priority: int
    summary: str
    customer_name: Optional[str]
    customer_email: Optional[str]
    agent_id: Optional[int]
    agent_name: Optional[str]
    ticket_reference: Optional[str]
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    closed_at: Optional[dt.datetime]
    alerts_sent: int

    @property
    def is_open(self) -> bool:
        return self.status in (HandoffStatus.queued.value, HandoffStatus.assigned.value)

    @property
    def reason_text(self) -> str:
        return self.reason_detail or REASONS.get(self.reason, self.reason)

    def as_dict(self, now: Optional[dt.datetime] = None) -> Dict[str, Any]:
        now = now or utcnow()
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("created_at", "claimed_at", "closed_at"):
            data[key] = data[key].isoformat() + "Z" if data[key] else None
        data["reason_text"] = self.reason_text
        data["waiting_seconds"] = int(((self.claimed_at or now) - self.created_at).total_seconds())
        return data


def _view(h: Handoff) -> HandoffView:
    return HandoffView(
        id=h.id,
        sender_id=h.sender_id,
        channel=h.channel,
        status=h.status.value,
        reason=h.reason,
        reason_detail=h.reason_detail or "",
        priority=h.priority,
        summary=h.summary or "",
        customer_name=h.customer_name,
        customer_email=h.customer_email,
        agent_id=h.agent_id,
        agent_name=h.agent.name if h.agent else None,
        ticket_reference=h.ticket_reference,
        created_at=h.created_at,
        claimed_at=h.claimed_at,
        closed_at=h.closed_at,
        alerts_sent=h.alerts_sent,
    )


# ---- who can answer -----------------------------------------------------------------------


def online_agents(config: HandoffConfig, now: Optional[dt.datetime] = None) -> int:
    since = (now or utcnow()) - dt.timedelta(seconds=config.online_window_seconds)
    with session_scope() as session:
        return session.execute(
            select(func.count(Agent.id)).where(Agent.active.is_(True), Agent.last_seen_at >= since)
        ).scalar_one()


def availability(config: HandoffConfig, now: Optional[dt.datetime] = None) -> Optional[str]:
    """None when a person can answer now, otherwise why not ('closed' or 'no_agents')."""
    when = now or utcnow()
    if not config.hours.is_open(when.replace(tzinfo=dt.UTC)):
        return "closed"
    if online_agents(config, when) == 0:
        return "no_agents"
    return None


# ---- the queue ----------------------------------------------------------------------------


def open_handoff_for(sender_id: str) -> Optional[HandoffView]:
    with session_scope() as session:
        row = (
            session.execute(
                select(Handoff)
                .where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
                .order_by(Handoff.id.desc())
            )
            .scalars()
            .first()
        )
        return _view(row) if row else None


def get(handoff_id: int) -> Optional[HandoffView]:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        return _view(row) if row else None


def latest_for(sender_id: str) -> Optional[HandoffView]:
    with session_scope() as session:
        row = (
            session.execute(select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc()))
            .scalars()
            .first()
        )
        return _view(row) if row else None


def create(
    sender_id: str,
    channel: str,
    reason: str,
    *,
    detail: str = "",
    priority: int = 0,
    summary: str = "",
    customer_name: Optional[str] = None,
    customer_email: Optional[str] = None,
    status: HandoffStatus = HandoffStatus.queued,
    agent_id: Optional[int] = None,
) -> HandoffView:
    """Open a handoff, or return the one already open for this conversation."""
    with session_scope() as session:
        existing = (
            session.execute(
                select(Handoff)
                .where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
                .with_for_update()
            )
            .scalars()
            .first()
        )
        if existing:
            return _view(existing)
        handoff = Handoff(
            sender_id=sender_id,
            channel=channel,
            reason=reason,
            reason_detail=detail,
            priority=priority,
            summary=summary,
            customer_name=customer_name,
            customer_email=customer_email,
            status=status,
            agent_id=agent_id,
            claimed_at=utcnow() if status == HandoffStatus.assigned else None,
        )
        session.add(handoff)
        session.flush()
        return _view(handoff)


def queue(include_assigned: bool = True) -> List[HandoffView]:
    statuses = OPEN_STATUSES if include_assigned else (HandoffStatus.queued,)
    with session_scope() as session:
        rows = (
            session.execute(
                select(Handoff)
                .where(Handoff.status.in_(statuses))
                .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
            )
            .scalars()
            .all()
        )
        return [_view(r) for r in rows]


def position(handoff_id: int) -> Optional[int]:
    """1 for the next conversation an agent will take; None if not waiting."""
    waiting = [h.id for h in queue(include_assigned=False)]
    return waiting.index(handoff_id) + 1 if handoff_id in waiting else None


def average_handle_minutes(config: HandoffConfig, sample: int = 20) -> float:
    with session_scope() as session:
        rows = session.execute(
            select(Handoff.claimed_at, Handoff.closed_at)
            .where(
                Handoff.status == HandoffStatus.resolved, Handoff.claimed_at.isnot(None), Handoff.closed_at.isnot(None)
            )
            .order_by(Handoff.closed_at.desc())
            .limit(sample)
        ).all()
    durations = [(closed - claimed).total_seconds() / 60 for claimed, closed in rows if closed > claimed]
    return sum(durations) / len(durations) if durations else config.default_handle_minutes


def expected_wait_minutes(place: int, config: HandoffConfig, agents: Optional[int] = None) -> int:
    """Everyone ahead, plus this customer, shared among the agents online."""
    agents = max(1, agents if agents is not None else online_agents(config))
    return max(1, math.ceil(place * average_handle_minutes(config) / agents))


def _conditional_update(handoff_id: int, where, values: Dict[str, Any]) -> bool:
    with session_scope() as session:
        result = session.execute(update(Handoff).where(and_(Handoff.id == handoff_id, where)).values(**values))
        return result.rowcount == 1


def claim(handoff_id: int, agent_id: int) -> HandoffView:
    if not _conditional_update(
        handoff_id,
        Handoff.status == HandoffStatus.queued,
        {"status": HandoffStatus.assigned, "agent_id": agent_id, "claimed_at": utcnow()},
    ):
        current = get(handoff_id)
        if current is None:
            raise HandoffError("No such handoff.", 404)
        if current.status == HandoffStatus.assigned.value and current.agent_id == agent_id:
            return current
        raise HandoffError(
            f"This conversation is {current.status}" + (f" by {current.agent_name}." if current.agent_name else ".")
        )
    return get(handoff_id)  # type: ignore[return-value]


def takeover(sender_id: str, channel: str, agent_id: int, summary: str = "", **customer: Any) -> HandoffView:
    """An agent takes a conversation the bot owns (or claims its waiting handoff)."""
    current = open_handoff_for(sender_id)
    if current is None:
        return create(
            sender_id,
            channel,
            "agent_takeover",
            summary=summary,
            status=HandoffStatus.assigned,
            agent_id=agent_id,
            **customer,
        )
    if current.status == HandoffStatus.queued.value:
        return claim(current.id, agent_id)
    if current.agent_id == agent_id:
        return current
    raise HandoffError(f"{current.agent_name or 'Another agent'} already owns this conversation.")


def require_owner(handoff_id: int, agent_id: int, admin: bool = False) -> HandoffView:
    current = get(handoff_id)
    if current is None:
        raise HandoffError("No such handoff.", 404)
    if current.status != HandoffStatus.assigned.value:
        raise HandoffError(
            "Claim this conversation before writing to the customer."
            if current.status == "queued"
            else f"This conversation is {current.status}; the assistant owns it."
        )
    if current.agent_id != agent_id and not admin:
        raise HandoffError(f"{current.agent_name} owns this conversation.", 403)
    return current


def close(
    handoff_id: int,
    status: HandoffStatus,
    *,
    agent_id: Optional[int] = None,
    admin: bool = False,
    ticket_reference: Optional[str] = None,
) -> HandoffView:
    """Resolve (hand back), abandon or ticket an open handoff."""
    where = Handoff.status.in_(OPEN_STATUSES)
    if status == HandoffStatus.resolved and not admin:
        where = and_(Handoff.status == HandoffStatus.assigned, Handoff.agent_id == agent_id)
    values: Dict[str, Any] = {"status": status, "closed_at": utcnow()}
    if ticket_reference:
        values["ticket_reference"] = ticket_reference
    if not _conditional_update(handoff_id, where, values):
        current = get(handoff_id)
        if current is None:
            raise HandoffError("No such handoff.", 404)
        raise HandoffError(
            f"Can't do that: the conversation is {current.status}"
            + (f" and owned by {current.agent_name}." if current.agent_name else ".")
        )
    return get(handoff_id)  # type: ignore[return-value]


def set_queue_position_told(handoff_id: int, place: int) -> None:
    with session_scope() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id)
            .values(last_queue_update_position=place, last_queue_update_at=utcnow())
        )


def position_told(handoff_id: int) -> Tuple[Optional[int], Optional[dt.datetime]]:
    """What place the customer was last told, and when (None, None: never)."""
    with session_scope() as session:
        row = session.execute(
            select(Handoff.last_queue_update_position, Handoff.last_queue_update_at).where(Handoff.id == handoff_id)
        ).first()
    return (row[0], row[1]) if row else (None, None)


def record_alert(handoff_id: int, alerts_seen: int) -> bool:
    """Count an alert once even with several server processes racing for it."""
    return _conditional_update(
        handoff_id,
        and_(Handoff.alerts_sent == alerts_seen, Handoff.status == HandoffStatus.queued),
        {"alerts_sent": alerts_seen + 1, "last_alert_at": utcnow()},
    )


def alerts_due(config: HandoffConfig, now: Optional[dt.datetime] = None) -> List[HandoffView]:
    now = now or utcnow()
    due = []
    with session_scope() as session:
        rows = session.execute(select(Handoff).where(Handoff.status == HandoffStatus.queued)).scalars().all()
        for row in rows:
            if row.alerts_sent == 0 or (
                row.alerts_sent < config.alert_max
                and row.last_alert_at is not None
                and (now - row.last_alert_at).total_seconds() >= config.alert_repeat_seconds
            ):
                due.append(_view(row))
    return due


def history_for(sender_id: str, email: Optional[str] = None, limit: int = 10) -> List[HandoffView]:
    with session_scope() as session:
        stmt = select(Handoff).where(Handoff.status.notin_(OPEN_STATUSES))
        stmt = (
            stmt.where((Handoff.sender_id == sender_id) | (Handoff.customer_email == email))
            if email
            else stmt.where(Handoff.sender_id == sender_id)
        )
        rows = session.execute(stmt.order_by(Handoff.id.desc()).limit(limit)).scalars().all()
        return [_view(r) for r in rows]


# ---- notes, ratings, outbox --------------------------------------------------------------


def add_note(handoff_id: int, agent_id: int, text: str) -> Dict[str, Any]:
    with session_scope() as session:
        note = HandoffNote(handoff_id=handoff_id, agent_id=agent_id, text=text.strip())
        session.add(note)
        session.flush()
        return {"id": note.id, "text": note.text, "agent_id": agent_id, "created_at": note.created_at.isoformat() + "Z"}


def notes(handoff_ids: List[int]) -> List[Dict[str, Any]]:
    if not handoff_ids:
        return []
    with session_scope() as session:
        rows = session.execute(
            select(HandoffNote, Agent.name)
            .join(Agent, Agent.id == HandoffNote.agent_id)
            .where(HandoffNote.handoff_id.in_(handoff_ids))
            .order_by(HandoffNote.created_at)
        ).all()
        return [
            {
                "id": n.id,
                "handoff_id": n.handoff_id,
                "text": n.text,
                "agent": name,
                "created_at": n.created_at.isoformat() + "Z",
            }
            for n, name in rows
        ]


def record_rating(sender_id: str, channel: str, rating: int) -> Optional[int]:
    """Store a 1-5 rating, linked to the conversation's latest handoff; returns its id."""
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1 to 5")
    last = latest_for(sender_id)
    with session_scope() as session:
        row = SatisfactionRating(
            sender_id=sender_id,
            channel=channel,
            rating=rating,
            handoff_id=last.id if last else None,
            agent_id=last.agent_id if last else None,
        )
        session.add(row)
        session.flush()
        return row.id


def rating_stats(days: int = 30) -> Dict[str, Any]:
    since = utcnow() - dt.timedelta(days=days)
    with session_scope() as session:
        rows = session.execute(
            select(SatisfactionRating.rating, Agent.name)
            .outerjoin(Agent, Agent.id == SatisfactionRating.agent_id)
            .where(SatisfactionRating.created_at >= since)
        ).all()
    by_agent: Dict[str, List[int]] = {}
    for rating, name in rows:
        by_agent.setdefault(name or "assistant only", []).append(rating)
    ratings = [r for r, _ in rows]
    return {
        "days": days,
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "csat_percent": round(100 * sum(1 for r in ratings if r >= 4) / len(ratings)) if ratings else None,
        "low_ratings": sum(1 for r in ratings if r <= 2),
        "by_agent": {k: {"count": len(v), "average": round(sum(v) / len(v), 2)} for k, v in sorted(by_agent.items())},
    }


def push_outbox(sender_id: str, message: Dict[str, Any]) -> None:
    with session_scope() as session:
        session.add(OutboxMessage(sender_id=sender_id, payload=json.dumps(message)))


def pop_outbox(sender_id: str) -> List[Dict[str, Any]]:
    with session_scope() as session:
        rows = (
            session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.sender_id == sender_id, OutboxMessage.delivered_at.is_(None))
                .order_by(OutboxMessage.id)
                .with_for_update()
            )
            .scalars()
            .all()
        )
        now = utcnow()
        for row in rows:
            row.delivered_at = now
        return [json.loads(r.payload) for r in rows]
