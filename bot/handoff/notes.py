"""What agents write next to a conversation (notes), and what customers think (ratings, from
bot/store/csat.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from sqlalchemy import select

from bot.store import csat
from bot.store.db import session_scope
from bot.store.handoff import Agent, HandoffNote
from bot.store.models import utcnow


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


def rating_stats(days: int = 30) -> Dict[str, Any]:
    """Satisfaction ratings of the last `days` days, overall and by agent (the desk's stats)."""
    return {"days": days, **csat.agent_stats(utcnow() - dt.timedelta(days=days))}
