"""`python -m channels.telegram set-webhook [URL] | delete-webhook | webhook-info`: register
the webhook with Telegram (or remove it, or show what Telegram has)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import List, Optional

from telegram.error import TelegramError

from bot.settings import ConfigError
from bot.settings import load as load_settings
from channels.telegram.client import ALLOWED_UPDATES, WEBHOOK_PATH, make_bot


async def _webhook_command(command: str, url: Optional[str]) -> int:
    settings = load_settings()
    config = settings.telegram
    if config is None:
        print("TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    async with make_bot(config) as bot:
        if command == "set-webhook":
            if not url:
                public = settings.public_url
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
