"""Typed settings, read once from the environment.

Every variable the project reads is declared here (and listed in `.env.example`), so
there is one place to learn how the assistant is configured. A malformed value fails
loudly at start-up with the variable's name instead of surfacing later as a confusing
error deep inside Rasa or SQLAlchemy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, TypeVar

# Rasa phones home unless told not to; nothing here may reach the internet.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parent.parent

T = TypeVar("T")


class ConfigError(RuntimeError):
    """A setting is missing or malformed."""


def _to_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def env(key: str, cast: Callable[[str], T] = str, default: Optional[T] = None) -> Optional[T]:
    """Read `key` from the environment, converted with `cast`; empty counts as unset."""
    raw = os.environ.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw.strip())
    except (TypeError, ValueError) as err:
        raise ConfigError(f"Environment variable {key} is malformed: {err}") from err


def require(key: str) -> str:
    value = env(key)
    if value is None:
        raise ConfigError(f"Environment variable {key} is required but not set")
    return value


def env_bool(key: str, default: bool) -> bool:
    return env(key, _to_bool, default)  # type: ignore[return-value]


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start, with embedded defaults (SQLite, no services)."""

    root: Path = PROJECT_ROOT
    var_dir: Path = field(default_factory=lambda: Path(env("VAR_DIR", Path, PROJECT_ROOT / "var")))
    host: str = field(default_factory=lambda: env("HOST", str, "127.0.0.1"))
    port: int = field(default_factory=lambda: env("PORT", int, 5005))
    actions_port: int = field(default_factory=lambda: env("ACTIONS_PORT", int, 5055))
    action_server_url: Optional[str] = field(default_factory=lambda: env("ACTION_SERVER_URL"))
    database_url: Optional[str] = field(default_factory=lambda: env("DATABASE_URL"))
    tracker_store_url: Optional[str] = field(default_factory=lambda: env("TRACKER_STORE_URL"))
    lock_store_url: Optional[str] = field(default_factory=lambda: env("LOCK_STORE_URL"))
    model_path: Optional[str] = field(default_factory=lambda: env("RASA_MODEL"))
    api_token: Optional[str] = field(default_factory=lambda: env("RASA_API_TOKEN"))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", str, "INFO").upper())
    public_url: Optional[str] = field(default_factory=lambda: env("PUBLIC_URL"))
    support_email: str = field(default_factory=lambda: env("SUPPORT_EMAIL", str, "support@example.com"))

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
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def base_url(self) -> str:
        """Where people reach the server (links in alerts, the printed banner)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        shown = "localhost" if self.host in {"127.0.0.1", "0.0.0.0", "::"} else self.host
        return f"http://{shown}:{self.port}"


def load() -> Settings:
    return Settings()
