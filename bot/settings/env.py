"""Reading one environment variable: the casts, the checks and the error that names it.

Only the settings package calls these (bot/settings/*.py); everything else receives the
typed sections that `bot.settings.load()` builds once per process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional, Tuple, TypeVar

# Rasa phones home unless told not to; nothing here may reach the internet.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

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


def csv(raw: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def positive(cast: Callable[[str], T]) -> Callable[[str], T]:
    def convert(raw: str) -> T:
        value = cast(raw)
        if value <= 0:  # type: ignore[operator]
            raise ValueError(f"expected a positive number, got {raw!r}")
        return value

    return convert


def one_of(*choices: str) -> Callable[[str], str]:
    """A value from `choices`, case and surrounding blanks ignored."""

    def convert(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {raw!r}")
        return value

    return convert


def rate(raw: str) -> str:
    """A rate-limit string such as "10/second;60/minute" (the `limits` package's notation)."""
    from limits import parse_many

    parse_many(raw)  # ValueError for a malformed one
    return raw
