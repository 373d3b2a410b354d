"""Reaching widget sessions from a process that does not run the Socket.IO server (a script,
another service): through Redis, which every assistant server started with SOCKETIO_REDIS_URL
listens to. In the Rasa server itself, the handoff uses the channel's own output instead."""

from __future__ import annotations

import socketio

from channels.webchat.output import WebchatOutput
from channels.webchat.transport import REDIS_CHANNEL


def redis_output(redis_url: str) -> WebchatOutput:
    """A WebchatOutput that emits through Redis to whichever server holds the session's sockets."""
    manager = socketio.AsyncRedisManager(redis_url, channel=REDIS_CHANNEL, write_only=True)
    return WebchatOutput(lambda event, data, room: manager.emit(event, data, namespace="/", room=room))
