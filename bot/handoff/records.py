"""A handoff as the rest of the code sees it: an immutable view of its database row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Optional

from sqlalchemy import and_, update

from bot.store.db import session_scope
from bot.store.handoff import Handoff, HandoffStatus
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
    slack_channel: Optional[str] = None  # the alert's thread in the agents' Slack channel
    slack_thread_ts: Optional[str] = None
    team: Optional[str] = None  # the team it is routed or assigned to

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


def view_of(h: Handoff) -> HandoffView:
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
        slack_channel=h.slack_channel,
        slack_thread_ts=h.slack_thread_ts,
        team=h.team,
    )


def update_if(handoff_id: int, where: Any, values: Dict[str, Any]) -> bool:
    """A conditional UPDATE of one handoff: True if `where` still held and the row changed.

    How the rules stay true with several agents (or server processes) racing: only one of
    them can see the row in the state it expects."""
    with session_scope() as session:
        result = session.execute(update(Handoff).where(and_(Handoff.id == handoff_id, where)).values(**values))
        return result.rowcount == 1
