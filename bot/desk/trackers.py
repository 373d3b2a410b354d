"""What the desk reads from Rasa's tracker store, behind one small adapter.

Rasa's internals (the FailSafeTrackerStore wrapper, the SQL store's session and event
table) stay here, so the rest of the desk sees plain events, slots and conversation ids.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Set, Tuple

from bot.store.db import run_sync

TrackerState = Tuple[List[Dict[str, Any]], Dict[str, Any], int]


class TrackerReader:
    """Reads conversations from the tracker store of the current Rasa agent.

    `agent` returns the agent in use: Rasa replaces it when a new model is loaded, so the
    store is looked up on every call."""

    def __init__(self, agent: Callable[[], Any]) -> None:
        self._agent = agent

    async def state(self, sender_id: str) -> TrackerState:
        """The conversation's events (as dicts), its current slots and how many sessions it had."""
        full = await self._agent().tracker_store.retrieve_full_tracker(sender_id)
        if full is None:
            return [], {}, 0
        events = [e.as_dict() for e in full.events]
        sessions = sum(1 for e in events if e.get("event") == "session_started") or 1
        return events, full.current_slot_values(), sessions

    async def search(self, query: str, limit: int = 200) -> Set[str]:
        """The conversations whose messages (customer, assistant or agent) contain `query`,
        most recent first (empty when the store is not SQL). Rasa stores each event as JSON
        text, with non-ASCII characters escaped: both spellings are searched."""
        store = self._agent().tracker_store
        inner = getattr(store, "_tracker_store", store)
        session_scope = getattr(inner, "session_scope", None)
        if session_scope is None or not query:
            return set()

        def run() -> Set[str]:
            from sqlalchemy import func, or_, select

            from bot.desk.inbox import like_pattern

            table = inner.SQLEvent
            spellings = {query.lower(), json.dumps(query.lower())[1:-1]}
            matches = or_(*(func.lower(table.data).like(like_pattern(s), escape="\\") for s in spellings))
            with session_scope() as session:
                rows = session.execute(
                    select(table.sender_id)
                    .where(table.type_name.in_(("user", "bot")), matches)
                    .group_by(table.sender_id)
                    .order_by(func.max(table.timestamp).desc())
                    .limit(limit)
                ).all()
            return {row[0] for row in rows}

        return await run_sync(run)
