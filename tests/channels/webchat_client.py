"""A scripted web-widget client for tests: python-socketio over long-polling (the only transport
the Python client has in this environment, see shared notes), recording every event it gets."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from typing import Any, Dict, List, Optional, Tuple

import engineio.payload
import socketio

TIMEOUT = 60


@dataclasses.dataclass
class Turn:
    """What the server sent in answer to one user message: bot payloads with their metadata."""

    replies: List[Tuple[Dict[str, Any], Dict[str, Any]]]

    @property
    def text(self) -> str:
        return "\n".join(payload.get("text", "") for payload, _ in self.replies)

    @property
    def quick_replies(self) -> List[Dict[str, Any]]:
        return [reply for payload, _ in self.replies for reply in payload.get("quick_replies", [])]


# python-engineio's client, like its server, drops a polling response of more than 16 packets
# whole (a burst of replies and error events easily has more); browsers have no such limit.
engineio.payload.Payload.max_decode_packets = 10_000


class WidgetClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[Tuple[str, Tuple[Any, ...]]] = asyncio.Queue()
        self.session_id: Optional[str] = None
        self.history: Optional[Dict[str, Any]] = None
        self.bot_messages: List[Tuple[Dict[str, Any], Dict[str, Any]]] = []
        self.errors: List[Dict[str, Any]] = []
        for name in ("session_confirm", "history", "bot_uttered", "typing", "user_message", "error"):
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(*args: Any) -> None:
            if name == "bot_uttered":
                # Rasa's protocol: one argument; our id/ts/agent ride in its `metadata`.
                assert len(args) == 1, f"bot_uttered with {len(args)} arguments"
                payload = dict(args[0])
                meta = payload.pop("metadata", {})
                self.bot_messages.append((payload, meta))
                args = (payload, meta)
            if name == "error":
                self.errors.append(args[0])
            await self.events.put((name, args))

        return record

    async def next_event(self, *names: str, timeout: float = TIMEOUT) -> Tuple[str, Tuple[Any, ...]]:
        while True:
            name, args = await asyncio.wait_for(self.events.get(), timeout)
            if not names or name in names:
                return name, args

    async def connect(
        self,
        session_id: Optional[str] = None,
        since: Optional[float] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> str:
        await self.sio.connect(self.url, transports=["polling"], wait_timeout=10)
        request: Dict[str, Any] = {"session_id": session_id, "since": since, **(extra or {})}
        if metadata is not None:
            request["metadata"] = metadata
        await self.sio.emit("session_request", request)
        _, (confirmed,) = await self.next_event("session_confirm")
        self.session_id = confirmed
        _, (self.history,) = await self.next_event("history")  # always follows the confirmation
        return confirmed

    async def say(self, text: str, timeout: float = TIMEOUT, **fields: Any) -> Turn:
        """Send a message and collect the bot's replies until the server says it stopped typing."""
        before = len(self.bot_messages)
        message = {"message": text, "session_id": self.session_id, "message_id": uuid.uuid4().hex, **fields}
        await self.sio.emit("user_uttered", message)
        started = False
        while True:
            _, args = await self.next_event("typing", timeout=timeout)
            if args[0]["typing"]:
                started = True
            elif started:
                break
        return Turn(self.bot_messages[before:])

    async def close(self) -> None:
        """Drop the connection, as a closed laptop lid would: the server notices at its next ping.

        (`AsyncClient.disconnect()` waits for the pending long-poll GET, which the server only
        answers at its next ping, ~25 s later: too slow for a test suite.)
        """
        if not self.sio.connected:
            return
        reader = self.sio.eio.read_loop_task
        await self.sio.eio.disconnect(abort=True)
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(BaseException):
                await reader
