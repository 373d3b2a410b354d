"""The slack channel (not built yet)."""

from __future__ import annotations

from typing import Optional

from rasa.core.channels.channel import InputChannel

from bot.settings import Settings


def from_settings(settings: Settings) -> Optional[InputChannel]:
    return None
