"""The assistant's messages to a Telegram chat, as plain text (no parse_mode): the texts are
written for every channel, and customer input echoed back (emails with underscores, `<`...)
can never break Telegram's Markdown/HTML parsing, so nothing needs escaping."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

from telegram import Bot
from telegram.error import RetryAfter

from channels.common import PayloadTable, ReliableOutputChannel, split_text, utf16_length
from channels.telegram.convert import keyboard, parse_sender_id

logger = logging.getLogger("channels.telegram")

TEXT_LIMIT = 4096  # characters (UTF-16 code units) in one message
EMPTY_TEXT = "Please choose:"  # Telegram refuses an empty message; buttons need some text
MAX_RETRY_AFTER = 10  # seconds: a flood-control wait up to this long is waited out once

# One per process: button payloads over Telegram's 64-byte callback_data limit.
PAYLOADS = PayloadTable()


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

    async def indicate_typing(self, recipient_id: str, name: str) -> None:
        """Telegram's "typing…" in the chat header (it lasts five seconds or until a message)."""
        await self.bot.send_chat_action(parse_sender_id(recipient_id), "typing")

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
