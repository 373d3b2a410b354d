"""The language slot on each message: the hint's places in channel metadata, and the choice."""

from __future__ import annotations

from bot.i18n.slot import hint_of, language_after


class _Tracker:
    def __init__(self, language=None):
        self._language = language

    def get_slot(self, name):
        return self._language if name == "language" else None


def test_hints_from_each_channel():
    assert hint_of({"webchat": {"language": "ja-JP"}}) == "ja-JP"
    assert hint_of({"telegram": {"language_code": "ja"}}) == "ja"
    assert hint_of({"rest": {"client": {"language": "ja"}}}) == "ja"
    assert hint_of({"language": "en"}) == "en"
    assert hint_of({"webchat": "ja"}) is None
    assert hint_of(None) is None and hint_of("ja") is None


def test_language_after_a_message():
    assert language_after(_Tracker(), "100234", {"webchat": {"language": "ja-JP"}}, "en") == "ja"
    assert language_after(_Tracker("ja"), "where is my order?", None, "en") == "en"
    assert language_after(_Tracker("en"), "ok", {"webchat": {"language": "ja"}}, "en") == "en"
    assert language_after(_Tracker(), "100234", None, "ja") == "ja"


def test_hostile_metadata_is_only_a_hint_and_never_breaks_the_turn():
    hostile = [
        {"webchat": {"language": "ja" * 10_000}},
        {"webchat": {"language": ["ja"]}},
        {"telegram": {"language_code": {"$gt": ""}}},
        {"rest": {"client": ["language", "ja"]}},
        {"language": "../../etc/passwd"},
        {"language": None},
        ["ja"],
        "ja",
        12,
    ]
    for metadata in hostile:
        assert language_after(_Tracker(), "100234", metadata, "en") == "en", metadata
        assert language_after(_Tracker("ja"), "100234", metadata, "en") == "ja", metadata
