"""A local stand-in for the Telegram Bot API, recording every call.

The real python-telegram-bot `Bot` is pointed at it with `base_url` (TELEGRAM_API_URL is
this server's root; the bot calls `<root>/bot<token>/<method>`). getUpdates long-polls like
the real thing: it answers as soon as `push_update` queues something, or after `timeout`.
Also builds updates in the Bot API's JSON shape for webhook tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

from aiohttp import web

from tests.mocks.recording import RecordingServer

INT_ARGS = ("chat_id", "message_id", "offset", "limit", "timeout")
JSON_ARGS = ("reply_markup", "allowed_updates", "entities")


@dataclass
class Call:
    method: str
    args: Dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    description: str
    error_code: int = 400
    times: int = 1
    where: Optional[Callable[[Call], bool]] = None
    parameters: Optional[dict] = None  # e.g. {"retry_after": 1} with error_code 429


class MockTelegramApi(RecordingServer):
    def __init__(self, token: str = "123456:TEST-TOKEN", bot_username: str = "demo_shop_bot"):
        super().__init__("mock-telegram-api")
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Demo Shop",
            "username": bot_username,
        }
        self._message_ids = itertools.count(1000)
        self._pending: List[dict] = []
        self._new_update: Optional[asyncio.Condition] = None

    async def _start(self) -> None:
        self._new_update = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        await self._serve(app)

    async def _before_stop(self) -> None:
        assert self._new_update is not None
        async with self._new_update:
            self._new_update.notify_all()  # long polls answer now

    @property
    def url(self) -> str:
        """What to put in TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    # ---- what tests use ----

    def fail(
        self,
        method: str,
        description: str = "Bad Request: chat not found",
        *,
        error_code: int = 400,
        times: int = 1,
        where=None,
        parameters: Optional[dict] = None,
    ) -> None:
        """Make the next `times` calls of `method` (matching `where`) fail."""
        self._add_failure(method, Failure(description, error_code, times, where, parameters))

    def push_update(self, update: dict) -> None:
        """Queue an update for getUpdates (long polling)."""

        async def _push() -> None:
            assert self._new_update is not None
            async with self._new_update:
                self._pending.append(update)
                self._new_update.notify_all()

        asyncio.run_coroutine_threadsafe(_push(), self._loop).result(10)

    def messages_to(self, chat_id: int) -> List[Call]:
        return self.calls_to("sendMessage", lambda c: c.args.get("chat_id") == chat_id)

    # ---- the Bot API ----

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        args: Dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            if request.content_type == "application/json":
                args.update(json.loads(body))
            else:
                args.update(parse_qsl(body.decode()))
        for key in INT_ARGS:
            if isinstance(args.get(key), str):
                args[key] = int(args[key])
        for key in JSON_ARGS:
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        call = Call(method, args)
        with self._lock:
            self.calls.append(call)
            failure = self._take_failure(call)
        if failure is not None:
            body = {"ok": False, "error_code": failure.error_code, "description": failure.description}
            if failure.parameters:
                body["parameters"] = failure.parameters
            return web.json_response(body, status=failure.error_code)
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        call.result = await handler(call)
        return web.json_response({"ok": True, "result": call.result})

    def _message(self, chat_id: int, text: str, reply_markup: Optional[dict] = None) -> dict:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": self.bot_user,
            "text": text,
        }
        if reply_markup:
            message["reply_markup"] = reply_markup
        return message

    async def _getMe(self, call: Call) -> Any:
        return self.bot_user

    async def _sendMessage(self, call: Call) -> Any:
        return self._message(call.args["chat_id"], call.args.get("text", ""), call.args.get("reply_markup"))

    async def _sendPhoto(self, call: Call) -> Any:
        return self._message(call.args["chat_id"], "")

    async def _answerCallbackQuery(self, call: Call) -> Any:
        return True

    async def _editMessageReplyMarkup(self, call: Call) -> Any:
        return self._message(call.args.get("chat_id", 0), "", call.args.get("reply_markup"))

    async def _deleteWebhook(self, call: Call) -> Any:
        return True

    async def _setWebhook(self, call: Call) -> Any:
        return True

    async def _getWebhookInfo(self, call: Call) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    async def _getUpdates(self, call: Call) -> Any:
        offset = call.args.get("offset") or 0
        timeout = float(call.args.get("timeout") or 0)
        assert self._new_update is not None
        async with self._new_update:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            if not self._pending and timeout > 0:
                try:
                    await asyncio.wait_for(self._new_update.wait(), timeout)
                except TimeoutError:
                    pass
            limit = int(call.args.get("limit") or 100)
            return self._pending[:limit]


# ---- updates in the Bot API's JSON shape (for webhook requests) ----

_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def next_update_id() -> int:
    return next(_update_ids)


def user(
    user_id: int, first_name: str = "Alice", last_name: Optional[str] = "Smith", username: Optional[str] = "alice"
) -> dict:
    data = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
    if last_name:
        data["last_name"] = last_name
    if username:
        data["username"] = username
    return data


def message_update(
    chat_id: int, text: str, *, sender: Optional[dict] = None, update_id: Optional[int] = None, message_id: int = 1
) -> dict:
    sender = sender or user(chat_id)
    chat = {"id": chat_id, "type": "private", "first_name": sender["first_name"]}
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "message": {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender, "text": text},
    }


def callback_update(
    chat_id: int,
    data: str,
    *,
    message: Optional[dict] = None,
    sender: Optional[dict] = None,
    update_id: Optional[int] = None,
) -> dict:
    """A click on an inline-keyboard button of `message` (as the bot sent it)."""
    sender = sender or user(chat_id)
    message = message or {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "text": "?",
    }
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "callback_query": {
            "id": str(next_update_id()),
            "from": sender,
            "chat_instance": str(chat_id),
            "data": data,
            "message": message,
        },
    }
