"""Settings for measuring the service: the satisfaction question, where article drafts go, and
how phone numbers are recognised when exports are masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.settings.env import env, env_bool


def _region(raw: str) -> str:
    region = raw.strip().upper()
    if len(region) != 2 or not region.isalpha():
        raise ValueError(f"expected a two-letter country code such as US or JP, got {raw!r}")
    return region


@dataclass(frozen=True)
class AnalyticsConfig:
    # Ask for a 1-5 rating when a conversation ends resolved (actions/csat.py).
    csat_enabled: bool = field(default_factory=lambda: env_bool("CSAT_ENABLED", True))
    # Where "draft an article" writes (default: a drafts/ folder in the first KB source, which
    # `kb ingest` skips while a file says `draft: true`).
    drafts_dir: Optional[Path] = field(default_factory=lambda: env("KB_DRAFTS_DIR", Path))
    # Phone numbers written without a country code are read as this country's (CSV masking).
    phone_region: str = field(default_factory=lambda: env("ANALYTICS_PHONE_REGION", _region, "US"))
