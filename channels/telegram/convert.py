"""Telegram's formats to and from the assistant's: conversation ids, commands, updates into
customer messages (with who sent them) and buttons into inline keyboards. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from channels.cards import web_url
from channels.common import PayloadTable, customer_metadata

CALLBACK_DATA_LIMIT = 64  # bytes of callback_data
CHOSEN = "@chosen"  # callback_data of the "✓ <choice>" button left after a click
# Telegram's conventional commands, told to the assistant as the intents they mean.
COMMANDS = {"/start": "/greet", "/help": "/capabilities"}


def sender_id_for(chat_id: int) -> str:
    return f"telegram:{chat_id}"


def parse_sender_id(sender_id: str) -> int:
    """The chat id in a sender id made by `sender_id_for`."""
    prefix, _, chat = sender_id.partition(":")
    if prefix != "telegram" or not re.fullmatch(r"-?\d+", chat):
        raise ValueError(f"{sender_id!r} is not a Telegram conversation id (telegram:<chat_id>)")
    return int(chat)


def command_text(text: str) -> str:
    """`/start`, `/start@ShopBot`, `/start <deep-link>` → the intent it means; other text as is."""
    if not text.startswith("/"):
        return text
    command = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return COMMANDS.get(command, text)


def keyboard(buttons: List[Dict[str, Any]], payloads: PayloadTable) -> InlineKeyboardMarkup:
    """One button per row (titles stay readable on a phone); long payloads go to the table."""
    rows = []
    for button in buttons:
        if button.get("url") and web_url(str(button["url"])):  # a link (the order card's "Track parcel")
            rows.append([InlineKeyboardButton(str(button.get("title") or button["url"]), url=str(button["url"]))])
            continue
        payload = str(button.get("payload") or button.get("title") or "")
        title = str(button.get("title") or payload)
        rows.append([InlineKeyboardButton(title, callback_data=payloads.encode(payload, CALLBACK_DATA_LIMIT))])
    return InlineKeyboardMarkup(rows)


def chosen_keyboard(markup: Optional[InlineKeyboardMarkup], data: str) -> InlineKeyboardMarkup:
    """After a click, the keyboard shrinks to the choice: `✓ Track my order`."""
    title = next(
        (b.text for row in (markup.inline_keyboard if markup else ()) for b in row if b.callback_data == data), None
    )
    if title is None:
        return InlineKeyboardMarkup([])
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {title}", callback_data=CHOSEN)]])


@dataclass(frozen=True)
class Inbound:
    """One customer message, converted from a Telegram update."""

    sender_id: str
    text: str
    metadata: Dict[str, Any]
    message_id: Optional[str] = None


def message_inbound(update: Update) -> Optional[Inbound]:
    message, user = update.message, update.message and update.message.from_user
    if message is None or user is None or user.is_bot or not message.text:
        return None  # edits, stickers, photos without text, channel posts: nothing to answer
    platform = {
        "chat_id": message.chat.id,
        "chat_type": message.chat.type,
        "message_id": message.message_id,
        "username": user.username,
        "language_code": user.language_code,
    }
    return Inbound(
        sender_id=sender_id_for(message.chat.id),
        text=command_text(message.text),
        metadata=customer_metadata("telegram", str(user.id), user.full_name or None, None, platform),
        message_id=f"{message.chat.id}:{message.message_id}",
    )


def callback_inbound(query: CallbackQuery, payload: str) -> Inbound:
    user, message = query.from_user, query.message
    chat_id = message.chat.id if message is not None else user.id  # private chat id == user id
    platform = {
        "chat_id": chat_id,
        "chat_type": message.chat.type if message is not None else "private",
        "message_id": message.message_id if message is not None else None,
        "username": user.username,
        "language_code": user.language_code,
        "callback_query_id": query.id,
    }
    return Inbound(
        sender_id=sender_id_for(chat_id),
        text=payload,
        metadata=customer_metadata("telegram", str(user.id), user.full_name or None, None, platform),
        message_id=f"callback:{query.id}",
    )
