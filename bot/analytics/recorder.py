"""Keeps each conversation's row (bot/store/conversations.py) true, in the Rasa server.

Every tracker the tracker store saves is handed to `ConversationRecorder.saved` (the root wires
it next to the handoff gate's own hook). The last session's events are copied there and then,
and a background task summarises them (bot/analytics/summary.py), adds what only the database
knows (the handoff's reason and agent) and writes the row, off the customer's reply path. Saves
of one conversation that pile up while the writer is busy collapse into the newest one: the row
is always recomputed from the whole session, so nothing is lost by skipping a snapshot, and a
failed write is repaired by the next save.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from rasa.shared.core.events import SessionStarted
from sqlalchemy import select

from bot.analytics.summary import Summary, summarize
from bot.store import conversations
from bot.store.db import run_sync, session_scope
from bot.store.handoff import Handoff

logger = logging.getLogger(__name__)


def last_session(events: Any) -> List[Any]:
    """The Rasa events of the tracker's last session (from its SessionStarted)."""
    events = list(events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def handoff_facts(sender_id: str, since: float) -> Dict[str, Any]:
    """The handoffs of this conversation (opened since its session started): the first one's
    reason and id, the agent who last had it, and whether a person ever claimed it."""
    with session_scope() as session:
        rows = (
            session.execute(
                select(Handoff)
                .where(Handoff.sender_id == sender_id, Handoff.created_at >= _utc(since - 1))
                .order_by(Handoff.id)
            )
            .scalars()
            .all()
        )
        if not rows:
            return {}
        agents = [r.agent_id for r in rows if r.agent_id]
        first = rows[0]
        return {
            "handoff_id": first.id,
            "handoff_reason": first.reason,
            "agent_id": agents[-1] if agents else None,
            "claimed": any(r.claimed_at is not None for r in rows),
        }


def conversation_row(sender_id: str, summary: Summary) -> Dict[str, Any]:
    """The stored row: the summary, with the handoff facts from the database."""
    row = summary.row(sender_id)
    facts = handoff_facts(sender_id, summary.session_start) if summary.escalation == "handoff" else {}
    if facts:
        row.update(handoff_id=facts["handoff_id"], handoff_reason=facts["handoff_reason"], agent_id=facts["agent_id"])
    elif summary.escalation == "ticket":
        row["handoff_reason"] = "ticket"
    row["person_involved"] = bool(summary.agent_messages or facts.get("claimed"))
    return row


def record(sender_id: str, events: List[Any]) -> bool:
    """Summarise one session's Rasa events and store the row (blocking: run in a thread)."""
    summary = summarize(event.as_dict() for event in events)
    if summary.started_ts is None and not summary.agent_messages:
        return False  # nobody has said anything yet (a session that only started)
    return conversations.write_summary(sender_id, summary.session_start, conversation_row(sender_id, summary))


class ConversationRecorder:
    def __init__(self) -> None:
        self._pending: OrderedDict[str, List[Any]] = OrderedDict()
        self._task: Optional[asyncio.Task] = None

    def saved(self, tracker: Any) -> None:
        """A tracker was saved: remember its last session and make sure the writer runs."""
        self._pending[tracker.sender_id] = last_session(tracker.events)
        self._pending.move_to_end(tracker.sender_id)
        if self._task is None or self._task.done():
            try:
                self._task = asyncio.get_running_loop().create_task(self._drain())
            except RuntimeError:  # no event loop (a script saving trackers): write now
                self._write_all_now()

    def _write_all_now(self) -> None:
        while self._pending:
            sender_id, events = self._pending.popitem(last=False)
            self._write(sender_id, events)

    @staticmethod
    def _write(sender_id: str, events: List[Any]) -> None:
        try:
            record(sender_id, events)
        except Exception:  # noqa: BLE001 - analytics must never break a conversation
            logger.exception("analytics: could not record the conversation %s", sender_id)

    async def _drain(self) -> None:
        while self._pending:
            sender_id, events = self._pending.popitem(last=False)
            await run_sync(self._write, sender_id, events)

    async def flush(self) -> None:
        """Write what is pending (the server is stopping)."""
        if self._task is not None and not self._task.done():
            await self._task
        await self._drain()
