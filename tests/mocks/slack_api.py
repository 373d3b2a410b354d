"""A local stand-in for the Slack Web API (and a Socket Mode websocket), recording every call.

Modelled on bolt-python's tests/mock_web_api_server: the real slack-sdk client is pointed at
it with `base_url` (SLACK_API_URL). It runs an aiohttp server on a free port in a thread of
its own, so a test can use it while the assistant runs in another process.

    with MockSlackApi() as slack:
        ... SLACK_API_URL=slack.url ...
        slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "D1")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.mocks.recording import RecordingServer

JSON_ARGS = ("blocks", "attachments", "metadata")


# A stand-in bot token for tests: the mock accepts any token; real ones come from the environment.
FAKE_BOT_TOKEN = "fake-slack-bot-token"


@dataclass
class Call:
    method: str
    args: Dict[str, Any]
    token: Optional[str]
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    error: str
    status: int = 200
    times: int = 1
    where: Optional[Callable[[Call], bool]] = None


class MockSlackApi(RecordingServer):
    def __init__(
        self,
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        users: Optional[Dict[str, dict]] = None,
        port: int = 0,
    ):
        super().__init__("mock-slack-api", port)
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.users = users or {}
        self.socket_acks: List[dict] = []
        self._ts = itertools.count(1)
        self._sockets: List[web.WebSocketResponse] = []

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/socket", self._socket)
        app.router.add_route("*", "/api/{method}", self._api)
        await self._serve(app)

    async def _before_stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    @property
    def url(self) -> str:
        """What to put in SLACK_API_URL."""
        return f"http://127.0.0.1:{self.port}/api/"

    # ---- what tests use ----

    def fail(
        self, method: str, error: str = "internal_error", *, status: int = 200, times: int = 1, where=None
    ) -> None:
        """Make the next `times` calls of `method` (matching `where`) fail with `error`."""
        self._add_failure(method, Failure(error, status, times, where))

    def messages_to(self, channel: str, thread_ts: Optional[str] = None) -> List[Call]:
        return self.calls_to(
            "chat.postMessage",
            lambda c: c.args.get("channel") == channel and (thread_ts is None or c.args.get("thread_ts") == thread_ts),
        )

    # ---- Socket Mode ----

    @property
    def socket_connected(self) -> bool:
        return any(not ws.closed for ws in self._sockets)

    def send_socket_event(self, body: dict, envelope_type: str = "events_api") -> str:
        """Push an envelope (an Events API body, or an interactive payload) through the socket."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": body,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }

        async def _send() -> None:
            live = [ws for ws in self._sockets if not ws.closed]
            if not live:
                raise RuntimeError("no Socket Mode client is connected")
            await live[-1].send_str(json.dumps(envelope))

        asyncio.run_coroutine_threadsafe(_send(), self._loop).result(10)
        return envelope_id

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}, "debug_info": {}}
        await ws.send_str(json.dumps(hello))
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                with self._lock:
                    self.socket_acks.append(json.loads(message.data))
        return ws

    # ---- the Web API ----

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: Dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            if request.content_type == "application/json":
                args.update(json.loads(body))
            else:
                args.update(parse_qsl(body.decode()))
        for key in JSON_ARGS:
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else args.get("token")
        call = Call(method, args, token)
        with self._lock:
            self.calls.append(call)
            failure = self._take_failure(call)
        if failure is not None:
            return web.json_response({"ok": False, "error": failure.error}, status=failure.status)
        if not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        call.result = handler(call, request)
        return web.json_response(call.result)

    def _auth_test(self, call: Call, request: web.Request) -> dict:
        return {
            "ok": True,
            "url": "https://demo-shop.slack.com/",
            "team": "Demo Shop",
            "user": "support",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B0001",
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _chat_postMessage(self, call: Call, request: web.Request) -> dict:
        ts = self._next_ts()
        message = {
            "type": "message",
            "text": call.args.get("text", ""),
            "ts": ts,
            "bot_id": "B0001",
            "user": self.bot_user_id,
        }
        for key in ("blocks", "thread_ts"):
            if key in call.args:
                message[key] = call.args[key]
        return {"ok": True, "channel": call.args.get("channel"), "ts": ts, "message": message}

    def _chat_update(self, call: Call, request: web.Request) -> dict:
        return {
            "ok": True,
            "channel": call.args.get("channel"),
            "ts": call.args.get("ts"),
            "text": call.args.get("text"),
        }

    def _users_info(self, call: Call, request: web.Request) -> dict:
        user_id = call.args.get("user", "")
        if user_id in self.users:
            return {"ok": True, "user": self.users[user_id]}
        return {
            "ok": True,
            "user": {
                "id": user_id,
                "team_id": self.team_id,
                "name": user_id.lower(),
                "real_name": f"Customer {user_id}",
                "profile": {
                    "real_name": f"Customer {user_id}",
                    "display_name": user_id.lower(),
                    "email": f"{user_id.lower()}@example.com",
                },
            },
        }

    def _apps_connections_open(self, call: Call, request: web.Request) -> dict:
        if not (call.token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}


# ---- requests as Slack builds them (for the Events API endpoint) ----

_event_ids = itertools.count(1)


def signed_headers(
    signing_secret: str, body: str, timestamp: Optional[int] = None, content_type: str = "application/json"
) -> dict:
    """Headers Slack sends: v0 HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret."""
    from slack_sdk.signature import SignatureVerifier

    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=str(timestamp), body=body)
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature, "Content-Type": content_type}


def event_callback(
    event: dict, team_id: str = "T0001", bot_user_id: str = "UBOT", event_id: Optional[str] = None
) -> dict:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}{uuid.uuid4().hex[:6].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": team_id, "user_id": bot_user_id, "is_bot": True, "is_enterprise_install": False}
        ],
    }


def _ts() -> str:
    return f"{time.time():.6f}"


def direct_message(channel: str, user: str, text: str, **extra: Any) -> dict:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": _ts(),
        "channel_type": "im",
        "client_msg_id": str(uuid.uuid4()),
        **extra,
    }


def mention(channel: str, user: str, text: str, thread_ts: Optional[str] = None, bot_user_id: str = "UBOT") -> dict:
    event = {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "text": f"<@{bot_user_id}> {text}",
        "ts": _ts(),
        "client_msg_id": str(uuid.uuid4()),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def channel_message(channel: str, user: str, text: str, thread_ts: Optional[str] = None) -> dict:
    """A message in a public channel (message.channels), in a thread when `thread_ts` is given."""
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": _ts(),
        "client_msg_id": str(uuid.uuid4()),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def block_actions(posted: Call, user: str, action_index: int = 0, team_id: str = "T0001") -> dict:
    """A click on button `action_index` of a message the bot posted (a recorded chat.postMessage)."""
    message = posted.result["message"]
    buttons = [
        (block, e) for block in message.get("blocks", []) if block["type"] == "actions" for e in block["elements"]
    ]
    block, button = buttons[action_index]
    channel = posted.args["channel"]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel, "is_ephemeral": False},
        "trigger_id": "1.2.3",
        "team": {"id": team_id, "domain": "demo-shop"},
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "support"},
        "message": message,
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": block.get("block_id", ""),
                "text": button["text"],
                "value": button["value"],
                "action_ts": _ts(),
            }
        ],
    }
