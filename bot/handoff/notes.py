"""What agents write next to a conversation (notes), and what customers think (ratings)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.handoff.queue import latest_for
from bot.store.db import session_scope
from bot.store.handoff import Agent, HandoffNote, SatisfactionRating
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
