"""What the browser tests share: Debian's Chromium, started the way this machine needs, where
screenshots go, and the widget's selectors."""

from __future__ import annotations

import os

from bot.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"

WIDGET = "support-chat-widget"
LAUNCHER = f"{WIDGET} .sw-launcher"
PANEL = f"{WIDGET} .sw-panel"
INPUT = f"{WIDGET} .sw-input"
BOT = f"{WIDGET} .sw-msg-bot"
USER = f"{WIDGET} .sw-msg-user"
REPLY = f"{WIDGET} .sw-reply"
