"""Messages for customers whose channel cannot be pushed to (REST): they wait here and go
out with the answer to the customer's next message, once."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.handoff import OutboxMessage
from bot.store.models import utcnow


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
