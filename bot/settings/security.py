"""What protects the assistant when it faces the internet (docs/SECURITY.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from bot.settings.env import csv as _csv
from bot.settings.env import env, env_bool
from bot.settings.env import positive as _positive
from bot.settings.env import rate as _rate


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
