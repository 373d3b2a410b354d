"""Telegram updates in: from the webhook `POST /webhooks/telegram/webhook` (Telegram sends the
secret we registered with setWebhook in `X-Telegram-Bot-Api-Secret-Token`; anything without
it is refused) or from the polling transport (polling.py). Each update is acknowledged at once
and handed to the assistant in the background, in order within a chat.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot.intake import Intake, Refusal
from bot.settings import TelegramConfig
from channels.common import EXPIRED_BUTTON, ConversationTasks, PlatformInput, RecentIds
from channels.telegram.client import WEBHOOK_PATH, make_bot
from channels.telegram.convert import CHOSEN, Inbound, callback_inbound, chosen_keyboard, message_inbound
from channels.telegram.output import TelegramOutput
from channels.telegram.polling import Polling

logger = logging.getLogger("channels.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramInput(PlatformInput):
    """Telegram updates in (webhook or long polling), the assistant's replies out."""

    def __init__(self, config: TelegramConfig, intake: Intake, bot: Optional[Bot] = None) -> None:
        self.config = config
        self.intake = intake
        self.bot = bot or make_bot(config)
        self.output = TelegramOutput(self.bot)
        self.tasks = ConversationTasks("telegram")
        self.recent_updates = RecentIds()
        self.polling = Polling(self.bot, config.poll_timeout, self.accept, self.too_fast) if config.polling else None
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None

    REQUIRED = "TELEGRAM_BOT_TOKEN"

    @classmethod
    def name(cls) -> str:
        return "telegram"

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
        self.hand_over(inbound.sender_id, inbound.text, self._deliver, inbound)

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
        await self.to_assistant(inbound.sender_id, inbound.text, inbound.message_id, inbound.metadata)

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
            if self.polling is not None:
                self.polling.start()
            else:
                try:
                    me = await self.bot.get_me()
                    logger.info("telegram: @%s ready (webhook at %s)", me.username, WEBHOOK_PATH)
                except TelegramError as err:
                    logger.error("telegram: getMe failed (%s); check TELEGRAM_BOT_TOKEN", err)

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            if self.polling is not None:
                await self.polling.stop()
            await self.tasks.drain()
            await self.bot.shutdown()

        return bp
