"""The customers' language: what a conversation starts in before the customer says."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.settings.env import env, one_of

LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class LanguageConfig:
    # A conversation's language until its messages (or the widget's browser language) say
    # otherwise: "en" or "ja".
    default: str = field(default_factory=lambda: env("DEFAULT_LANGUAGE", one_of(*LANGUAGES), "en"))
