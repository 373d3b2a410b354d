"""The customer's language: which one a conversation is in, and the assistant's words in it.

- `detect.py` says which language a message is written in (Japanese or English, by script),
  and whether it asks for one by name;
- `messages/` holds every text the actions and the server say to customers, once per
  language, behind one function: `t("key", lang, **fields)`;
- the conversation's language lives in the `language` slot (domain.yml). The Rasa server sets
  it on every message (bot/i18n/slot.py); responses in domain.yml have a Japanese variation
  conditioned on it, and actions read it with `language_of(tracker)`.

DEFAULT_LANGUAGE (bot/settings) is the language of a conversation that has not said yet.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

from bot.i18n.detect import EN, JA

LANGUAGES = (EN, JA)
SLOT = "language"
WEEKDAYS_JA = "月火水木金土日"


@functools.lru_cache(maxsize=1)
def default_language() -> str:
    """DEFAULT_LANGUAGE, read once per process (every unset slot asks for it)."""
    from bot.settings.language import LanguageConfig

    return LanguageConfig().default


def normalize(lang: Optional[str]) -> str:
    """One of LANGUAGES ('ja-JP' -> 'ja'); the deployment's default for anything else."""
    if isinstance(lang, str):
        primary = lang.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return default_language()


def language_of(tracker: Any) -> str:
    """The conversation's language, from a rasa-sdk or a Rasa tracker."""
    getter = getattr(tracker, "get_slot", None)
    value = getter(SLOT) if getter is not None else None
    return normalize(value)


def t(key: str, lang: Optional[str], **fields: Any) -> str:
    """The text `key` in `lang` (English where a text has no translation yet), filled in."""
    from bot.i18n.messages import MESSAGES

    texts = MESSAGES[key]
    template = texts.get(normalize(lang)) or texts[EN]
    return template.format(**fields) if fields else template


def format_date(day: dt.date, lang: Optional[str]) -> str:
    """'Monday 7 December' / '12月7日(月)'."""
    if normalize(lang) == JA:
        return f"{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"
    return f"{day:%A} {day.day} {day:%B}"
