"""Live updates for the desk (Server-Sent Events): an in-process publish/subscribe bus.

The gate publishes customer messages, the desk API publishes agent actions, and the
background loop publishes queue changes it sees in the database (including handoffs opened
by the action server, another process). Each subscriber has a bounded queue: a desk tab that
stops reading loses old events (and re-syncs from the API on reconnect), never memory.
With several servers, a relay (bot/desk/relay.py) carries each event to the other servers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional, Set

logger = logging.getLogger(__name__)


class EventBus:
    def __init__(self, queue_size: int = 500, relay: Optional[Any] = None) -> None:
        self._subscribers: Set[asyncio.Queue] = set()
        self._queue_size = queue_size
        self.relay = relay  # bot.desk.relay.RedisRelay, or None on a single server

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def publish(self, kind: str, *, local_only: bool = False, **data: Any) -> None:
        """To this server's desks, and (unless `local_only`: each server sees it for itself) to
        the other servers' through the relay."""
        event = {"type": kind, **data}
        self.deliver(event)
        if self.relay is not None and not local_only:
            self.relay.send(event)

    def deliver(self, event: Dict[str, Any]) -> None:
        """Hand an event to this server's subscribers (the relay calls it for other servers')."""
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                logger.warning("desk: a live-update subscriber is too slow; dropping an event")

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)


def sse(event: Dict[str, Any]) -> str:
    return f"event: {event['type']}\ndata: {json.dumps(event, default=str)}\n\n"
