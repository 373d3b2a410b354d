"""Typed settings, read once from the environment.

Every variable the project reads is declared in this package (and listed in `.env.example`),
so there is one place to learn how the assistant is configured; no other module reads the
environment. `load()` builds a `Settings` with one section per area (security, slack,
telegram, webchat, handoff, desk, analytics, mail, language, kb, store); each process builds it once at start-up (the
composition root, bot/app.py, for the Rasa server) and hands the sections down. A malformed
value fails loudly at start-up with the variable's name instead of surfacing later as a
confusing error deep inside Rasa or SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Tuple
from urllib.parse import urlparse

from bot.settings.analytics import AnalyticsConfig
from bot.settings.channels import SlackConfig, TelegramConfig, WebchatConfig
from bot.settings.env import PROJECT_ROOT, ConfigError, env, env_bool, require
from bot.settings.handoff import DeskConfig, HandoffConfig
from bot.settings.kb import kb_from_env, kb_ja_from_env
from bot.settings.language import LanguageConfig
from bot.settings.mail import MailConfig
from bot.settings.security import Security

__all__ = [
    "PROJECT_ROOT",
    "AnalyticsConfig",
    "ConfigError",
    "DeskConfig",
    "HandoffConfig",
    "LanguageConfig",
    "MailConfig",
    "Security",
    "Settings",
    "SlackConfig",
    "StoreConfig",
    "TelegramConfig",
    "WebchatConfig",
    "env",
    "env_bool",
    "load",
    "require",
]


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class StoreConfig:
    """Where conversations and the app's own data live (SQLite under var/ by default)."""

    app_database_url: str
    tracker_database_url: str
    lock_store_url: Optional[str]
    socketio_redis_url: Optional[str]
    events_redis_url: Optional[str]
    rate_limit_storage_url: str
    widget: bool = True  # the widget's Socket.IO server runs (WEBCHAT_ENABLED)
    telegram_polling: bool = False

    def problems_for_cluster(self) -> Tuple[str, ...]:
        """What keeps several Rasa servers from sharing this storage, one sentence each."""
        problems = []
        if self.app_database_url.startswith("sqlite"):
            problems.append("DATABASE_URL is SQLite (a file one server owns): set a postgresql:// URL")
        if self.tracker_database_url.startswith("sqlite"):
            problems.append("TRACKER_STORE_URL is SQLite: set a postgresql:// URL")
        if not self.lock_store_url:
            problems.append(
                "LOCK_STORE_URL is not set, so conversations are locked in one process's memory: set a redis:// URL"
            )
        if self.widget and not self.socketio_redis_url:
            problems.append(
                "SOCKETIO_REDIS_URL is not set: a widget connected to one server would miss messages sent by another"
            )
        if not self.events_redis_url:
            problems.append("EVENTS_REDIS_URL is not set: a desk connected to one server would miss live updates")
        if self.rate_limit_storage_url.startswith("memory"):
            problems.append(
                "RATE_LIMIT_STORAGE_URL is memory://: each server would count alone (limits N times looser): "
                "set a redis:// URL"
            )
        if self.telegram_polling:
            problems.append(
                "TELEGRAM_MODE=polling: Telegram hands updates to one poller only; use TELEGRAM_MODE=webhook"
            )
        return tuple(problems)


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start, with embedded defaults (SQLite, no services)."""

    root: Path = PROJECT_ROOT
    var_dir: Path = field(default_factory=lambda: Path(env("VAR_DIR", Path, PROJECT_ROOT / "var")))
    host: str = field(default_factory=lambda: env("HOST", str, "127.0.0.1"))
    port: int = field(default_factory=lambda: env("PORT", int, 5005))
    actions_port: int = field(default_factory=lambda: env("ACTIONS_PORT", int, 5055))
    # The action server stays on loopback unless told (a container of its own: 0.0.0.0).
    actions_host: str = field(default_factory=lambda: env("ACTIONS_HOST", str, "127.0.0.1"))
    action_server_url: Optional[str] = field(default_factory=lambda: env("ACTION_SERVER_URL"))
    database_url: Optional[str] = field(default_factory=lambda: env("DATABASE_URL"))
    tracker_store_url: Optional[str] = field(default_factory=lambda: env("TRACKER_STORE_URL"))
    lock_store_url: Optional[str] = field(default_factory=lambda: env("LOCK_STORE_URL"))
    # The desk's live updates (SSE) relayed between servers over Redis pub/sub.
    events_redis_url: Optional[str] = field(default_factory=lambda: env("EVENTS_REDIS_URL"))
    model_path: Optional[str] = field(default_factory=lambda: env("RASA_MODEL"))
    api_token: Optional[str] = field(default_factory=lambda: env("RASA_API_TOKEN"))
    action_server_token: Optional[str] = field(default_factory=lambda: env("ACTION_SERVER_TOKEN"))
    address_hash_key: Optional[str] = field(default_factory=lambda: env("ADDRESS_HASH_KEY"))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", str, "INFO").upper())
    public_url: Optional[str] = field(default_factory=lambda: env("PUBLIC_URL"))
    support_email: str = field(default_factory=lambda: env("SUPPORT_EMAIL", str, "support@example.com"))
    security: Security = field(default_factory=Security)
    # Sections. A channel that is not configured is None (the widget: enabled=False).
    slack: Optional[SlackConfig] = field(default_factory=SlackConfig.from_env)
    telegram: Optional[TelegramConfig] = field(default_factory=TelegramConfig.from_env)
    webchat: WebchatConfig = field(default_factory=WebchatConfig.from_env)
    handoff: HandoffConfig = field(default_factory=HandoffConfig)
    desk: DeskConfig = field(default_factory=DeskConfig)
    analytics: AnalyticsConfig = field(default_factory=AnalyticsConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    kb: Any = None  # knowledge_base.config.KBConfig, built from VAR_DIR in __post_init__
    kb_ja: Any = None  # the Japanese help centre's KBConfig (data/knowledge/ja)

    def __post_init__(self) -> None:
        if self.kb is None:
            object.__setattr__(self, "kb", kb_from_env(self.var_dir))
        if self.kb_ja is None:
            object.__setattr__(self, "kb_ja", kb_ja_from_env(self.var_dir, self.kb))

    @property
    def store(self) -> StoreConfig:
        return StoreConfig(
            self.app_database_url,
            self.tracker_database_url,
            self.lock_store_url,
            self.webchat.redis_url,
            self.events_redis_url,
            self.security.rate_limit_storage_url,
            widget=self.webchat.enabled,
            telegram_polling=self.telegram is not None and self.telegram.polling,
        )

    @property
    def app_database_url(self) -> str:
        return self.database_url or _sqlite_url(self.var_dir / "app.db")

    @property
    def tracker_database_url(self) -> str:
        return self.tracker_store_url or _sqlite_url(self.var_dir / "tracker.db")

    @property
    def action_endpoint_url(self) -> str:
        return self.action_server_url or f"http://127.0.0.1:{self.actions_port}/webhook"

    @property
    def drafts_dir(self) -> Path:
        """Where article drafts are written (KB_DRAFTS_DIR, else drafts/ in the KB's sources)."""
        if self.analytics.drafts_dir is not None:
            return self.analytics.drafts_dir
        sources = Path(self.kb.sources)
        return (sources if sources.is_dir() or not sources.suffix else sources.parent) / "drafts"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def base_url(self) -> str:
        """Where people reach the server (links in alerts, the printed banner)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        shown = "localhost" if self.host in {"127.0.0.1", "0.0.0.0", "::"} else self.host
        return f"http://{shown}:{self.port}"

    @property
    def public_origin(self) -> str:
        """`scheme://host[:port]` of base_url: what a browser sends as Origin from our pages."""
        parsed = urlparse(self.base_url)
        return f"{parsed.scheme}://{parsed.netloc}".lower()

    @property
    def https(self) -> bool:
        return self.base_url.lower().startswith("https://")

    @property
    def allowed_hosts(self) -> Tuple[str, ...]:
        """Host header values (lower case, with the port when there is one) the server answers."""
        if self.security.allowed_hosts:
            local = {f"{name}:{self.port}" for name in ("localhost", "127.0.0.1", "[::1]")}
            return tuple(sorted({h.lower() for h in self.security.allowed_hosts} | local))
        parsed = urlparse(self.base_url)
        # Loopback names with the server's own port are always answered: a DNS-rebinding page
        # reaches the server under its own host name, never under these (a browser sends
        # Host: localhost only for a page that is itself on localhost).
        return tuple(
            sorted({parsed.netloc.lower(), *(f"{name}:{self.port}" for name in ("localhost", "127.0.0.1", "[::1]"))})
        )


def load() -> Settings:
    return Settings()
