"""Telegram: private chats (and groups) with the bot, through python-telegram-bot's Bot.

A conversation (Rasa sender id) is one chat: `telegram:<chat_id>`.

- `convert.py`: updates <-> our inbound messages, keyboards, sender ids; no I/O.
- `client.py`: the Bot API client.
- `input.py`: the webhook and the update handling, to the assistant.
- `output.py`: the assistant's messages out (also the handoff's `Outbound`).
- `polling.py`: the getUpdates transport (TELEGRAM_MODE=polling).
- `webhook_cli.py`: `python -m channels.telegram set-webhook|delete-webhook|webhook-info`.
"""

from __future__ import annotations

from typing import Optional

from bot.intake import Intake
from bot.settings import TelegramConfig
from channels.telegram.client import make_bot
from channels.telegram.input import TelegramInput
from channels.telegram.output import PAYLOADS, TelegramOutput

__all__ = ["PAYLOADS", "TelegramConfig", "TelegramInput", "TelegramOutput", "build", "make_bot"]


def build(config: Optional[TelegramConfig], intake: Intake) -> Optional[TelegramInput]:
    """The Telegram channel when TELEGRAM_BOT_TOKEN is set, else None."""
    return TelegramInput(config, intake) if config is not None else None
