"""The Bot API client as this channel uses it (python-telegram-bot's Bot)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.settings import TelegramConfig

# httpx logs every request's URL at INFO, and Bot API URLs contain the bot token.
if logging.getLogger("httpx").level == logging.NOTSET:
    logging.getLogger("httpx").setLevel(logging.WARNING)

WEBHOOK_PATH = "/webhooks/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]


def make_bot(config: TelegramConfig) -> Bot:
    return Bot(
        config.bot_token,
        base_url=f"{config.api_url}/bot",
        base_file_url=f"{config.api_url}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, read_timeout=15, write_timeout=15, connect_timeout=10),
        get_updates_request=HTTPXRequest(connection_pool_size=2, connect_timeout=10),
    )
