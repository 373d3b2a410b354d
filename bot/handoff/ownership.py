"""The ownership rules, enforced in the database: one owner per conversation.

Claims are a conditional UPDATE, so two agents clicking "claim" at once cannot both win, on
SQLite or on PostgreSQL, in one process or many. A broken rule raises a domain error from
bot.handoff.errors.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy import and_

from bot.handoff.errors import HandoffNotFound, NotTheOwner, WrongState
from bot.handoff.queue import create, get, open_handoff_for
from bot.handoff.records import HandoffView, update_if
from bot.store.handoff import OPEN_STATUSES, Handoff, HandoffStatus
from bot.store.models import utcnow


def _existing(handoff_id: int) -> HandoffView:
    current = get(handoff_id)
    if current is None:
        raise HandoffNotFound("No such handoff.")
    return current


def claim(handoff_id: int, agent_id: int) -> HandoffView:
    if not update_if(
        handoff_id,
        Handoff.status == HandoffStatus.queued,
        {"status": HandoffStatus.assigned, "agent_id": agent_id, "claimed_at": utcnow()},
    ):
        current = _existing(handoff_id)
        if current.status == HandoffStatus.assigned.value and current.agent_id == agent_id:
            return current
        raise WrongState(
            f"This conversation is {current.status}" + (f" by {current.agent_name}." if current.agent_name else ".")
        )
    return get(handoff_id)  # type: ignore[return-value]


def transfer(handoff_id: int, from_agent_id: int, to_agent_id: int, admin: bool = False) -> HandoffView:
    """Give a conversation someone owns to another agent: its owner may (an admin always)."""
    owner = Handoff.status == HandoffStatus.assigned
    if not admin:
        owner = and_(owner, Handoff.agent_id == from_agent_id)
    if not update_if(handoff_id, owner, {"agent_id": to_agent_id, "claimed_at": utcnow()}):
        current = _existing(handoff_id)
        if current.status != HandoffStatus.assigned.value:
            raise WrongState(f"This conversation is {current.status}.")
        raise NotTheOwner(f"{current.agent_name or 'Another agent'} owns this conversation.")
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
    raise WrongState(f"{current.agent_name or 'Another agent'} already owns this conversation.")


def require_owner(handoff_id: int, agent_id: int, admin: bool = False) -> HandoffView:
    current = _existing(handoff_id)
    if current.status != HandoffStatus.assigned.value:
        raise WrongState(
            "Claim this conversation before writing to the customer."
            if current.status == "queued"
            else f"This conversation is {current.status}; the assistant owns it."
        )
    if current.agent_id != agent_id and not admin:
        raise NotTheOwner(f"{current.agent_name} owns this conversation.")
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
    if not update_if(handoff_id, where, values):
        current = _existing(handoff_id)
        raise WrongState(
            f"Can't do that: the conversation is {current.status}"
            + (f" and owned by {current.agent_name}." if current.agent_name else ".")
        )
    return get(handoff_id)  # type: ignore[return-value]
