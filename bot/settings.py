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
from typing import Callable, Optional, Tuple, TypeVar
from urllib.parse import urlparse

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


def _csv(raw: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _positive(cast: Callable[[str], T]) -> Callable[[str], T]:
    def convert(raw: str) -> T:
        value = cast(raw)
        if value <= 0:  # type: ignore[operator]
            raise ValueError(f"expected a positive number, got {raw!r}")
        return value

    return convert


def _rate(raw: str) -> str:
    """A rate-limit string such as "10/second;60/minute" (the `limits` package's notation)."""
    from limits import parse_many

    parse_many(raw)  # ValueError for a malformed one
    return raw


@dataclass(frozen=True)
class Security:
    """What protects the assistant when it faces the internet (docs/SECURITY.md)."""

    # The REST channel: on by default (tests, benchmarks, integrations); a bearer token when set.
    rest_enabled: bool = field(default_factory=lambda: env_bool("REST_ENABLED", True))
    rest_token: Optional[str] = field(default_factory=lambda: env("REST_TOKEN"))
    # Host names the server answers to (DNS rebinding); empty: PUBLIC_URL's host and, when that
    # is a loopback name, localhost / 127.0.0.1 / [::1].
    allowed_hosts: Tuple[str, ...] = field(default_factory=lambda: env("ALLOWED_HOSTS", _csv, ()))
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs).
    trusted_proxies: Tuple[str, ...] = field(default_factory=lambda: env("TRUSTED_PROXIES", _csv, ()))
    max_body_bytes: int = field(default_factory=lambda: env("MAX_BODY_BYTES", _positive(int), 256 * 1024))
    max_message_chars: int = field(default_factory=lambda: env("MAX_MESSAGE_CHARS", _positive(int), 2000))
    # Rate limits (moving windows). Shared between servers when the storage is Redis.
    rate_limit_storage_url: str = field(default_factory=lambda: env("RATE_LIMIT_STORAGE_URL", str, "memory://"))
    rate_conversation: str = field(default_factory=lambda: env("RATE_LIMIT_CONVERSATION", _rate, "10/second;60/minute"))
    rate_address: str = field(default_factory=lambda: env("RATE_LIMIT_ADDRESS", _rate, "30/second;600/minute"))
    rate_login: str = field(default_factory=lambda: env("RATE_LIMIT_LOGIN", _rate, "10/minute"))
    login_max_failures: int = field(default_factory=lambda: env("LOGIN_MAX_FAILURES", _positive(int), 8))
    login_failure_window_minutes: float = field(
        default_factory=lambda: env("LOGIN_FAILURE_WINDOW_MINUTES", _positive(float), 5.0)
    )
    # Order lookups: failed number + email pairs allowed per window, counted in the database.
    lookup_window_minutes: float = field(default_factory=lambda: env("LOOKUP_WINDOW_MINUTES", _positive(float), 60.0))
    lookup_max_per_identity: int = field(default_factory=lambda: env("LOOKUP_MAX_FAILURES_IDENTITY", _positive(int), 6))
    lookup_max_per_order: int = field(default_factory=lambda: env("LOOKUP_MAX_FAILURES_ORDER", _positive(int), 5))
    lookup_max_per_address: int = field(default_factory=lambda: env("LOOKUP_MAX_FAILURES_ADDRESS", _positive(int), 20))


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
    action_server_token: Optional[str] = field(default_factory=lambda: env("ACTION_SERVER_TOKEN"))
    address_hash_key: Optional[str] = field(default_factory=lambda: env("ADDRESS_HASH_KEY"))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", str, "INFO").upper())
    public_url: Optional[str] = field(default_factory=lambda: env("PUBLIC_URL"))
    support_email: str = field(default_factory=lambda: env("SUPPORT_EMAIL", str, "support@example.com"))
    security: Security = field(default_factory=Security)

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
