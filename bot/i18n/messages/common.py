"""Texts several areas share: counted durations, how sentences are joined, common buttons."""

from __future__ import annotations

TEXTS = {
    # Two sentences one after the other: a space between them in English, none in Japanese. (No
    # text is empty: `t` reads an empty text as a missing translation.)
    "common.join": {"en": "{first} {second}", "ja": "{first}{second}"},
    "common.list_separator": {"en": ", ", "ja": "、"},
    "common.minutes.one": {"en": "{count} minute", "ja": "{count}分"},
    "common.minutes.other": {"en": "{count} minutes", "ja": "{count}分"},
    "common.seconds.one": {"en": "{count} second", "ja": "{count}秒"},
    "common.seconds.other": {"en": "{count} seconds", "ja": "{count}秒"},
    "common.button.yes": {"en": "Yes", "ja": "はい"},
    "common.button.no": {"en": "No", "ja": "いいえ"},
    "common.button.open_ticket": {"en": "Open a ticket", "ja": "チケットを作成"},
    "common.button.talk_to_person": {"en": "Talk to a person", "ja": "担当者と話す"},
}
