"""The customer channels' settings: Slack, Telegram and the web-chat widget.

A channel is on when its credentials are set (the widget is on unless WEBCHAT_ENABLED=false).
`from_env()` returns None for a channel that is not configured and raises ConfigError for one
that is half configured, so a typo stops the server at start-up instead of silently losing a
channel.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

from bot.settings.env import ConfigError, env, env_bool

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_API_URL = "https://api.telegram.org"


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: Optional[str] = None
    app_token: Optional[str] = None
    api_url: str = SLACK_API_URL

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @classmethod
    def from_env(cls) -> Optional[SlackConfig]:
        bot_token, signing_secret, app_token = (
            env("SLACK_BOT_TOKEN"),
            env("SLACK_SIGNING_SECRET"),
            env("SLACK_APP_TOKEN"),
        )
        if not bot_token:
            if signing_secret or app_token:
                given = "SLACK_SIGNING_SECRET" if signing_secret else "SLACK_APP_TOKEN"
                raise ConfigError(f"{given} is set but SLACK_BOT_TOKEN is not: set both to enable Slack, or neither")
            return None
        if not signing_secret and not app_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: set it to the app's signing secret "
                "(or set SLACK_APP_TOKEN to use Socket Mode instead of the Events API URL)"
            )
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)")
        if not bot_token.startswith(("xoxb-", "xoxe.xoxb-")):
            logger.warning("SLACK_BOT_TOKEN does not look like a bot token (xoxb-...)")
        api_url = env("SLACK_API_URL", str, SLACK_API_URL).rstrip("/") + "/"
        return cls(bot_token=bot_token, signing_secret=signing_secret, app_token=app_token, api_url=api_url)


@dataclass(frozen=True)
class TelegramConfig:
    bot_token: str
    webhook_secret: Optional[str] = None
    mode: str = "webhook"
    api_url: str = TELEGRAM_API_URL
    poll_timeout: int = 25

    @property
    def polling(self) -> bool:
        return self.mode == "polling"

    @classmethod
    def from_env(cls) -> Optional[TelegramConfig]:
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
            api_url=env("TELEGRAM_API_URL", str, TELEGRAM_API_URL).rstrip("/"),
            poll_timeout=env("TELEGRAM_POLL_TIMEOUT", int, 25),
        )


def _origins(raw: str) -> Union[str, List[str]]:
    origins = [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]
    if "*" in origins:
        return "*"  # any site may embed the widget (it carries no cookies): an explicit choice
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ValueError(f"an origin looks like https://shop.example.com, got {origin!r}")
    return origins


@dataclass(frozen=True)
class WebchatConfig:
    enabled: bool = True
    # Sites allowed to embed the widget, besides the server's own pages (PUBLIC_URL, /demo).
    cors_origins: Union[str, Sequence[str]] = ()
    redis_url: Optional[str] = None
    demo_page: bool = True

    @classmethod
    def from_env(cls) -> WebchatConfig:
        return cls(
            enabled=env_bool("WEBCHAT_ENABLED", True),
            cors_origins=env("WEBCHAT_CORS_ORIGINS", _origins, ()),
            redis_url=env("SOCKETIO_REDIS_URL"),
            demo_page=env_bool("WEBCHAT_DEMO_PAGE", True),
        )
