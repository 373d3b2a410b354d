"""Telegram: private chats (and groups) with the bot, through python-telegram-bot's Bot.

Updates arrive on the webhook `POST /webhooks/telegram/webhook` (Telegram sends the secret
we registered with setWebhook in `X-Telegram-Bot-Api-Secret-Token`; anything without it is
refused) or, with `TELEGRAM_MODE=polling`, from a getUpdates loop the server runs itself,
so no public URL is needed. Each update is acknowledged at once and handed to the assistant
in the background, in order within a chat.

Replies are sent as plain text (no parse_mode): the assistant's texts are written for every
channel, and customer input echoed back (emails with underscores, `<`...) can never break
Telegram's Markdown/HTML parsing, so nothing needs escaping and nothing is lost.

A conversation (Rasa sender id) is one chat: `telegram:<chat_id>`.
`python -m channels.telegram set-webhook [URL]` registers the webhook with Telegram.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import sys
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import Conflict, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.intake import Intake, Refusal
from bot.settings import ConfigError, Settings, env
from channels.common import (
    ConversationTasks,
    PayloadTable,
    RecentIds,
    ReliableOutputChannel,
    split_text,
    utf16_length,
)
from channels.telegram_format import (
    CHOSEN,
    Inbound,
    callback_inbound,
    chosen_keyboard,
    keyboard,
    message_inbound,
    parse_sender_id,
)

logger = logging.getLogger(__name__)
# httpx logs every request's URL at INFO, and Bot API URLs contain the bot token.
if logging.getLogger("httpx").level == logging.NOTSET:
    logging.getLogger("httpx").setLevel(logging.WARNING)

DEFAULT_API_URL = "https://api.telegram.org"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT = 4096  # characters (UTF-16 code units) in one message
ALLOWED_UPDATES = ["message", "callback_query"]
EMPTY_TEXT = "Please choose:"  # Telegram refuses an empty message; buttons need some text
EXPIRED_BUTTON = "Sorry, that button has expired. Could you type your answer instead?"
MAX_RETRY_AFTER = 10  # seconds: a flood-control wait up to this long is waited out once

# One per process: button payloads over Telegram's 64-byte callback_data limit.
PAYLOADS = PayloadTable()


@dataclass(frozen=True)
class TelegramConfig:
    bot_token: str
    webhook_secret: Optional[str] = None
    mode: str = "webhook"
    api_url: str = DEFAULT_API_URL
    poll_timeout: int = 25

    @property
    def polling(self) -> bool:
        return self.mode == "polling"

    @classmethod
    def from_env(cls) -> Optional[TelegramConfig]:
        """None when Telegram is not configured; ConfigError when it is half configured."""
        token, secret = env("TELEGRAM_BOT_TOKEN"), env("TELEGRAM_WEBHOOK_SECRET")
        mode = env("TELEGRAM_MODE", str, "webhook").lower()
        if mode not in ("webhook", "polling"):
            raise ConfigError(f"TELEGRAM_MODE must be 'webhook' or 'polling', got {mode!r}")
        if not token:
            if secret:
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_BOT_TOKEN is not: set both, or neither")
            return None
        if mode == "webhook" and not secret:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is set but TELEGRAM_WEBHOOK_SECRET is not: set it to a random string "
                "(1-256 characters: letters, digits, _ and -), or set TELEGRAM_MODE=polling"
            )
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may only hold 1-256 letters, digits, _ and -")
        return cls(
            bot_token=token,
            webhook_secret=secret,
            mode=mode,
            api_url=env("TELEGRAM_API_URL", str, DEFAULT_API_URL).rstrip("/"),
            poll_timeout=env("TELEGRAM_POLL_TIMEOUT", int, 25),
        )

    def make_bot(self) -> Bot:
        return Bot(
            self.bot_token,
            base_url=f"{self.api_url}/bot",
            base_file_url=f"{self.api_url}/file/bot",
            request=HTTPXRequest(connection_pool_size=16, read_timeout=15, write_timeout=15, connect_timeout=10),
            get_updates_request=HTTPXRequest(connection_pool_size=2, connect_timeout=10),
        )


# ---- output ----------------------------------------------------------------------------


class TelegramOutput(ReliableOutputChannel):
    """Sends the assistant's messages to the chat named by the recipient (sender) id."""

    def __init__(self, bot: Bot, payloads: PayloadTable = PAYLOADS) -> None:
        self.bot = bot
        self.payloads = payloads

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def _send(self, chat_id: int, text: str, **extra: Any) -> None:
        """sendMessage; Telegram's flood control (429 with retry_after) is waited out once."""
        try:
            await self.bot.send_message(chat_id, text, **extra)
        except RetryAfter as err:
            wait = err.retry_after if isinstance(err.retry_after, (int, float)) else err.retry_after.total_seconds()
            if wait > MAX_RETRY_AFTER:
                raise
            logger.info("telegram: flood control for chat %s, retrying in %s s", chat_id, wait)
            await asyncio.sleep(wait)
            await self.bot.send_message(chat_id, text, **extra)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        chat_id = parse_sender_id(recipient_id)
        for chunk in split_text(text, TEXT_LIMIT, utf16_length):
            await self._send(chat_id, chunk)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        chat_id = parse_sender_id(recipient_id)
        chunks = split_text(text or EMPTY_TEXT, TEXT_LIMIT, utf16_length) or [EMPTY_TEXT]
        for chunk in chunks[:-1]:
            await self._send(chat_id, chunk)
        await self._send(chat_id, chunks[-1], reply_markup=keyboard(buttons, self.payloads))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.bot.send_photo(parse_sender_id(recipient_id), photo=image)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A response's `custom` payload is passed to sendMessage as its parameters."""
        api_kwargs = {"chat_id": parse_sender_id(recipient_id), **json_message}
        await self.bot.do_api_request("sendMessage", api_kwargs=api_kwargs)


# ---- input -----------------------------------------------------------------------------


class TelegramInput(InputChannel):
    """Telegram updates in (webhook or long polling), the assistant's replies out."""

    def __init__(self, config: TelegramConfig, intake: Intake, bot: Optional[Bot] = None) -> None:
        self.config = config
        self.intake = intake
        self.bot = bot or config.make_bot()
        self.output = TelegramOutput(self.bot)
        self.tasks = ConversationTasks("telegram")
        self.recent_updates = RecentIds()
        self._poller: Optional[asyncio.Task] = None
        self._offset: Optional[int] = None
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """For plain `rasa run` with `channels.telegram.TelegramInput:` in credentials.yml: the
        settings still come from the environment, like `python -m bot run`'s."""
        global _running
        from bot.settings import load

        config = TelegramConfig.from_env()
        if config is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        _running = cls(config, Intake(load().security))
        return _running

    def get_output_channel(self) -> OutputChannel:
        return self.output

    def accept(self, update: Update) -> None:
        """Take one update (from the webhook or getUpdates); a repeated update_id is ignored.
        An update that cannot be converted is logged and dropped, never retried forever."""
        if not self.recent_updates.first_time(str(update.update_id)):
            logger.info("telegram: update %s delivered again; already handled", update.update_id)
            return
        try:
            if update.callback_query is not None:
                self._accept_click(update.callback_query)
                return
            inbound = message_inbound(update)
        except Exception:
            logger.exception("telegram: could not handle update %s", update.update_id)
            return
        if inbound is None:
            return
        refusal = self.intake.length(inbound.text)
        if refusal is not None:  # it will never fit: say so in the chat
            self.tasks.submit(
                inbound.sender_id, self.output.send_response, inbound.sender_id, {"text": refusal.message}
            )
            return
        self.tasks.submit(inbound.sender_id, self._deliver, inbound)

    def too_fast(self, update: Update) -> Optional[Refusal]:
        """The rate limit for whoever sent this update (per Telegram user, else per chat)."""
        user = update.effective_user
        chat = update.effective_chat
        who = f"telegram-user:{user.id}" if user else f"telegram:{chat.id}" if chat else None
        return self.intake.rate(who) if who else None

    def _accept_click(self, query: CallbackQuery) -> None:
        data = query.data or ""
        payload = None if data == CHOSEN else self.output.payloads.decode(data)
        expired = data != CHOSEN and payload is None
        # The spinner on the button stops only when the query is answered: do it at once.
        self.tasks.submit(f"callback:{query.id}", self._answer, query, EXPIRED_BUTTON if expired else None)
        if payload is None:
            return
        inbound = callback_inbound(query, payload)
        self.tasks.submit(inbound.sender_id, self._deliver_click, inbound, query, data)

    async def _answer(self, query: CallbackQuery, text: Optional[str]) -> None:
        try:
            await self.bot.answer_callback_query(query.id, text=text)
        except TelegramError as err:
            logger.warning("telegram: answerCallbackQuery %s failed: %s", query.id, err)

    async def _deliver_click(self, inbound: Inbound, query: CallbackQuery, data: str) -> None:
        message = query.message
        if isinstance(message, Message):
            try:
                await self.bot.edit_message_reply_markup(
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    reply_markup=chosen_keyboard(message.reply_markup, data),
                )
            except TelegramError as err:
                logger.warning("telegram: could not mark the choice on message %s: %s", message.message_id, err)
        await self._deliver(inbound)

    async def _deliver(self, inbound: Inbound) -> None:
        if self._on_new_message is None:
            raise RuntimeError("telegram: update received before the channel was registered with the server")
        await self._on_new_message(
            UserMessage(
                inbound.text,
                self.output,
                inbound.sender_id,
                input_channel=self.name(),
                message_id=inbound.message_id,
                metadata=inbound.metadata,
            )
        )

    def _secret_ok(self, given: Optional[str]) -> bool:
        expected = self.config.webhook_secret
        return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        bp = Blueprint("telegram_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": self.config.mode})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self._secret_ok(request.headers.get(SECRET_HEADER)):
                logger.warning("telegram: webhook request from %s without the right secret token", request.ip)
                return response.json({"ok": False, "error": "forbidden"}, status=403)
            try:
                data = json.loads(request.body or b"")
                if not isinstance(data, dict):
                    raise ValueError("an update is a JSON object")
                if not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
                    raise ValueError("an update has a numeric update_id")
                update = Update.de_json(data, self.bot)
                if update is None:
                    raise ValueError("empty update")
            except Exception as err:
                logger.warning("telegram: malformed update: %s", err)
                return response.json({"ok": False, "error": "malformed update"}, status=400)
            if not self.recent_updates.seen(str(update.update_id)):
                refusal = self.too_fast(update)
                if refusal is not None:  # Telegram delivers the update again later: nothing is lost
                    logger.warning(
                        "telegram: update %s refused for %s s (too fast)", update.update_id, refusal.retry_after
                    )
                    return response.json(
                        {"ok": False, "error": "too many requests", "retry_after": refusal.retry_after},
                        status=429,
                        headers={"Retry-After": str(refusal.retry_after)},
                    )
            self.accept(update)
            return response.json({"ok": True})

        @bp.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            if self.config.polling:
                self._poller = asyncio.get_running_loop().create_task(self.poll())
            else:
                try:
                    me = await self.bot.get_me()
                    logger.info("telegram: @%s ready (webhook at %s)", me.username, WEBHOOK_PATH)
                except TelegramError as err:
                    logger.error("telegram: getMe failed (%s); check TELEGRAM_BOT_TOKEN", err)

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self.stop_polling()
            await self.tasks.drain()
            await self.bot.shutdown()

        return bp

    async def poll(self) -> None:
        """Long polling: delete any webhook (Telegram allows one or the other), then getUpdates."""
        backoff = 1.0
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                me = await self.bot.get_me()
                logger.info("telegram: @%s ready (long polling)", me.username)
                break
            except Exception as err:
                logger.error("telegram: could not start polling (%s); retrying in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
        backoff = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=self._offset, timeout=self.config.poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
                backoff = 1.0
            except Conflict as err:
                logger.error("telegram: getUpdates conflict (%s): is another instance polling this bot?", err)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            except Exception as err:  # network, server errors, an unparsable batch: never stop polling
                logger.warning("telegram: getUpdates failed (%s); retrying in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            for update in updates:
                self._offset = update.update_id + 1
                refusal = self.too_fast(update)
                if refusal is not None:  # polling cannot ask for a redelivery: dropped, and logged
                    logger.warning("telegram: dropped update %s (sender over the rate limit)", update.update_id)
                    continue
                self.accept(update)

    async def stop_polling(self) -> None:
        if self._poller is None:
            return
        self._poller.cancel()
        await asyncio.wait([self._poller])
        self._poller = None
        if self._offset is not None:
            # Confirm what was fetched, so a restart doesn't get those updates again.
            try:
                await self.bot.get_updates(offset=self._offset, limit=1, timeout=0)
            except TelegramError as err:
                logger.warning("telegram: could not confirm the last updates: %s", err)
        logger.info("telegram: polling stopped")


_running: Optional[TelegramInput] = None


def from_settings(settings: Settings, intake: Intake) -> Optional[InputChannel]:
    global _running
    config = TelegramConfig.from_env()
    if config is None:
        return None
    _running = TelegramInput(config, intake)
    return _running


def output_channel_for(sender_id: str) -> OutputChannel:
    """An output channel that delivers to the Telegram chat `sender_id`, from anywhere in the
    server process (human handoff): `await output_channel_for(sid).send_text_message(sid, text)`.

    `send_response` logs delivery failures; the `send_*` methods raise them.
    """
    parse_sender_id(sender_id)  # ValueError early for a sender id of another channel
    if _running is not None:
        return _running.output
    config = TelegramConfig.from_env()
    if config is None:
        raise ConfigError("Telegram is not configured: TELEGRAM_BOT_TOKEN is not set")
    return TelegramOutput(config.make_bot())


# ---- `python -m channels.telegram set-webhook|delete-webhook|webhook-info` ---------------


async def _webhook_command(command: str, url: Optional[str]) -> int:
    config = TelegramConfig.from_env()
    if config is None:
        print("TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    async with config.make_bot() as bot:
        if command == "set-webhook":
            if not url:
                public = env("PUBLIC_URL")
                if not public:
                    print("Give the public URL, or set PUBLIC_URL", file=sys.stderr)
                    return 2
                url = public.rstrip("/") + WEBHOOK_PATH
            if not config.webhook_secret:
                print("TELEGRAM_WEBHOOK_SECRET is not set", file=sys.stderr)
                return 2
            await bot.set_webhook(url, secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES)
            print(f"Telegram now sends updates to {url}")
        elif command == "delete-webhook":
            await bot.delete_webhook()
            print("Webhook deleted (use TELEGRAM_MODE=polling, or set it again)")
        else:
            info = await bot.get_webhook_info()
            print(json.dumps(info.to_dict(), indent=2, default=str))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m channels.telegram", description="Manage the Telegram webhook.")
    parser.add_argument("command", choices=["set-webhook", "delete-webhook", "webhook-info"])
    parser.add_argument("url", nargs="?", help=f"public URL of the webhook (default: $PUBLIC_URL{WEBHOOK_PATH})")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_webhook_command(args.command, args.url))
    except (ConfigError, TelegramError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
