"""The Socket.IO server of the web widget, mounted on Rasa's Sanic app.

Two things here work around this stack rather than express a choice:

- **WebSocket on Sanic 21.12 + Python 3.11.** Sanic 21.12's `WebsocketImplProtocol.recv()` passes a
  bare coroutine to `asyncio.wait()`, which Python 3.11 refuses (TypeError). python-engineio's Sanic
  driver reads through `recv()`, so every upgraded connection closed right after the handshake and
  clients fell back to long-polling. `SanicWebSocket` reads from the same frame assembler but wraps
  the read in a task, so the WebSocket transport works.
- **The route.** engine.io answers a WebSocket upgrade on its ordinary HTTP route and returns no HTTP
  response afterwards; Sanic accepts that only from handlers marked as WebSocket handlers, otherwise
  it logs "Invalid response type None". The route below is marked so. It also tells sanic-cors
  (which Rasa installs for the whole app) to leave the response alone: engine.io checks the origin
  against WEBCHAT_CORS_ORIGINS and sets the CORS headers itself, and two `Access-Control-Allow-Origin`
  headers make browsers reject the response.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Dict, Optional, Sequence, Union

import engineio.payload
import socketio
from sanic import Sanic
from sanic.request import Request

logger = logging.getLogger(__name__)

SOCKETIO_PATH = "/socket.io/"
REDIS_CHANNEL = "support-webchat"
MAX_PACKET_BYTES = 100_000  # a chat message, not a file upload
# engine.io refuses a polling POST of more than 16 packets, drops them all and still answers
# "ok" (python-engineio 4.x, Payload.max_decode_packets): a client flushing its buffer after a
# reconnect lost every message without a word. The body size above bounds the work instead,
# and messages beyond the rate limit get an error event each (channels/webchat/input.py).
MAX_PACKETS_PER_REQUEST = MAX_PACKET_BYTES // 16

# sanic_cors.core.SANIC_CORS_EVALUATED: "CORS already handled for this request".
_SANIC_CORS_EVALUATED = "_sanic_cors_e"


class SanicWebSocket:  # pragma: no cover - exercised by the end-to-end and browser tests
    """engine.io's WebSocket adapter for Sanic 21.12, usable on Python 3.11 (see module doc)."""

    def __init__(self, handler: Callable, server: Any) -> None:
        self.handler = handler
        self.server = server
        self._sock: Any = None
        self.environ: Dict[str, Any] = {}

    async def __call__(self, environ: Dict[str, Any]) -> None:
        request = environ["sanic.request"]
        self._sock = await request.transport.get_protocol().websocket_handshake(request)
        self.environ = environ
        await self.handler(self)
        return None  # the connection was upgraded: there is no HTTP response to send

    async def close(self) -> None:
        await self._sock.close()

    async def send(self, message: Union[str, bytes]) -> None:
        await self._sock.send(message)

    async def wait(self) -> Union[str, bytes]:
        sock = self._sock
        async with sock.recv_lock:
            if sock.connection_lost_waiter is not None and sock.connection_lost_waiter.done():
                raise OSError("websocket connection lost")
            sock.recv_cancel = asyncio.get_running_loop().create_future()  # cancelled on a close frame
            reader = asyncio.ensure_future(sock.assembler.get())
            waiters = {reader, sock.recv_cancel}
            if sock.connection_lost_waiter is not None:
                waiters.add(sock.connection_lost_waiter)
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                finished = reader.done() and not reader.cancelled() and reader.exception() is None
                if not reader.done():
                    reader.cancel()
                sock.recv_cancel = None
            if not finished:
                raise OSError("websocket closed")
            data = reader.result()
        if not isinstance(data, (str, bytes)):
            raise OSError("websocket closed")
        return data


def origin_checker(allowed: Sequence[str]) -> Callable[[Optional[str], Dict[str, Any]], bool]:
    """Accept the listed origins only: the embedding sites (WEBCHAT_CORS_ORIGINS) and the server's
    own pages (PUBLIC_URL and the allowed hosts). Nothing is taken from request headers a
    client could choose (Host is checked against ALLOWED_HOSTS before any route runs)."""
    allowed_set = {origin.rstrip("/").lower() for origin in allowed}

    def is_allowed(origin: Optional[str], environ: Dict[str, Any]) -> bool:
        if not origin:
            return True  # not a browser cross-origin request
        return origin.rstrip("/").lower() in allowed_set

    return is_allowed


def create_server(
    cors_origins: Union[str, Sequence[str]], redis_url: Optional[str], own_origins: Sequence[str] = ()
) -> socketio.AsyncServer:
    allowed: Union[str, Callable] = "*" if cors_origins == "*" else origin_checker([*cors_origins, *own_origins])
    manager = socketio.AsyncRedisManager(redis_url, channel=REDIS_CHANNEL) if redis_url else None
    sio = socketio.AsyncServer(
        async_mode="sanic",
        cors_allowed_origins=allowed,
        cors_credentials=False,  # the widget sends no cookies
        client_manager=manager,
        max_http_buffer_size=MAX_PACKET_BYTES,
        logger=False,
        engineio_logger=False,
    )
    engineio.payload.Payload.max_decode_packets = MAX_PACKETS_PER_REQUEST
    # engine.io keeps its per-mode driver table in `_async` (shared by every server of that mode):
    # give this server a copy with the working WebSocket adapter.
    sio.eio._async = dict(sio.eio._async, websocket=SanicWebSocket)
    return sio


def mount(app: Sanic, sio: socketio.AsyncServer, path: str = SOCKETIO_PATH) -> None:
    """Serve Socket.IO (polling and WebSocket) at `path` on the Rasa server's own port."""

    async def socketio_endpoint(request: Request):  # noqa: ANN202 - a Sanic response or None
        setattr(request.ctx, _SANIC_CORS_EVALUATED, True)
        return await sio.eio.handle_request(request)

    socketio_endpoint.is_websocket = True  # type: ignore[attr-defined] - see module doc
    app.add_route(socketio_endpoint, path, methods=["GET", "POST", "OPTIONS"], name="webchat_socketio")
    app.enable_websocket()

    async def stop_socketio(*_: Any) -> None:
        try:
            await sio.shutdown()  # the service task; Sanic closes open WebSockets itself (1001)
        except Exception:  # noqa: BLE001 - shutting down anyway
            logger.debug("Socket.IO shutdown raised", exc_info=True)
        # engine.io leaves one sleeping ping task per socket it ever had; cancel them so the loop
        # closes without a "Task was destroyed but it is pending!" error per socket.
        for task in asyncio.all_tasks():
            if getattr(task.get_coro(), "__qualname__", "") == "AsyncSocket._send_ping":
                task.cancel()

    app.register_listener(stop_socketio, "before_server_stop")
