"""The desk's live updates across servers: every event a server publishes is also sent over
Redis pub/sub (EVENTS_REDIS_URL), and every server hands the events of the others to its own
SSE subscribers. A desk connected to server B so sees the customer message that arrived on A.

Events keep their order (one sender task per server); a server ignores its own events when
they come back. What arrives from Redis is checked like any other input: only the kinds of
event servers relay, as objects, are handed on. While Redis is gone, each server still serves
its own desks, logs the outage once and reconnects with a growing pause; when it is back, the
server tells its desks to re-sync ("resync"), because pub/sub does not replay what was sent
during the gap.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

CHANNEL = "support:desk-events"
MAX_PENDING = 1000
# The kinds of event a server relays (EventBus.publish without local_only); nothing else is
# handed to a desk, whatever is written to the channel.
RELAYED = frozenset({"queue", "message", "note"})
RESYNC = {"type": "resync"}


def channel_for(url: str) -> str:
    """Pub/sub ignores Redis's database numbers: put the number in the channel's name, so two
    installations on one Redis (different databases in EVENTS_REDIS_URL) never hear each other."""
    database = urlparse(url).path.lstrip("/") or "0"
    return f"{CHANNEL}:{database}"


async def _quietly(closing: Any) -> None:
    try:
        await closing
    except Exception:  # noqa: BLE001 - already gone
        pass


class RedisRelay:
    def __init__(self, url: str, channel: Optional[str] = None) -> None:
        self.url = url
        self.channel = channel or channel_for(url)
        self.origin = uuid.uuid4().hex
        self._pending: Optional[asyncio.Queue] = None
        self._tasks: list = []
        self.connected = False

    def start(self, deliver: Callable[[Dict[str, Any]], None]) -> None:
        """Start relaying (inside the server's event loop): `deliver(event)` for others' events."""
        self._pending = asyncio.Queue(MAX_PENDING)
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._listen(deliver)), loop.create_task(self._send())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._tasks = []

    def send(self, event: Dict[str, Any]) -> None:
        if self._pending is None:
            return
        try:
            self._pending.put_nowait(json.dumps({"origin": self.origin, "event": event}, default=str))
        except asyncio.QueueFull:
            logger.warning("desk relay: Redis is not keeping up; dropping a live update for other servers")

    def _client(self) -> Any:
        import redis.asyncio

        return redis.asyncio.from_url(self.url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=5)

    async def _send(self) -> None:
        client = self._client()
        assert self._pending is not None
        failing = False
        while True:
            payload = await self._pending.get()
            for attempt in (1, 2):  # the second on a fresh connection: the pooled one may be stale
                try:
                    await client.publish(self.channel, payload)
                    failing = False
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as err:  # noqa: BLE001 - other servers' desks re-sync when it is back
                    if attempt == 2 and not failing:
                        logger.warning("desk relay: cannot send live updates to other servers: %s", err)
                        failing = True

    async def _listen(self, deliver: Callable[[Dict[str, Any]], None]) -> None:
        pause, lost = 0.5, False
        while True:
            client = self._client()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                logger.info("desk relay: receiving live updates from other servers (Redis)")
                self.connected, pause = True, 0.5
                if lost:  # what other servers sent meanwhile is gone: have the desks reload
                    deliver(dict(RESYNC))
                    lost = False
                while True:
                    # Wait up to a second for a message; an idle channel is not an outage (the
                    # client's health check pings Redis to notice one that died silently).
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        self._handle(message, deliver)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # noqa: BLE001 - Redis gone: keep serving local desks, retry
                if not lost:
                    logger.error("desk relay: no Redis for live updates between servers (%s); retrying", err)
                self.connected, lost = False, True
            finally:
                await _quietly(pubsub.reset())
                await _quietly(client.close(close_connection_pool=True))
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)

    def _handle(self, message: Dict[str, Any], deliver: Callable[[Dict[str, Any]], None]) -> None:
        try:
            data = json.loads(message["data"])
        except (ValueError, KeyError, TypeError):
            data = None
        event = data.get("event") if isinstance(data, dict) else None
        if not isinstance(event, dict) or event.get("type") not in RELAYED:
            logger.warning("desk relay: ignored a message on %s that is not a relayed event", self.channel)
            return
        if data.get("origin") != self.origin:
            deliver(event)
