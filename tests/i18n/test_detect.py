"""Language detection: by script, deterministic, and silent when a message does not say."""

from __future__ import annotations

import pytest

from bot.i18n.detect import choose, detect, fold_width, from_hint, requested_language


@pytest.mark.parametrize(
    "text",
    [
        "こんにちは",
        "返品したいです",
        "担当者と話したい",
        "注文番号１００２３４の配送状況を教えてください",
        "注文100234はどこ？",
        "Tシャツを返品したい",  # Latin letter + katakana
        "iPhoneケースが割れてました😢",  # mostly Latin letters, but kana
        "ﾍﾝﾋﾟﾝしたい",  # half-width katakana
        "送料",  # kanji only, short
        "alice@example.com です",
    ],
)
def test_japanese_is_recognised(text):
    assert detect(text) == "ja"


@pytest.mark.parametrize(
    "text",
    ["where is my order?", "I want to return an item", "Ｗｈｅｒｅ ｉｓ ｍｙ ｏｒｄｅｒ", "talk to a human please 🙏"],
)
def test_english_is_recognised(text):
    assert detect(text) == "en"


@pytest.mark.parametrize(
    "text", ["100234", "１００２３４", "alice@example.com", "T-000123", "ok", "👍", "🙏🙏", "/check_order", "", "?!"]
)
def test_messages_that_do_not_say_keep_the_conversation_language(text):
    assert detect(text) is None
    assert choose("ja", text) == "ja"
    assert choose("en", text) == "en"


def test_mixed_message_goes_by_its_share_of_japanese():
    assert detect("返品 return policy please tell me how it works") is None  # one kanji word in English
    assert detect("return policyについて教えて") == "ja"


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("English please", "en"),
        ("can you reply in English?", "en"),
        ("英語でお願いします", "en"),
        ("英語に切り替えて", "en"),
        ("日本語で", "ja"),
        ("日本語でお願いします", "ja"),
        ("in Japanese please", "ja"),
        ("にほんごでおねがい", "ja"),
    ],
)
def test_asking_for_a_language_switches(text, wanted):
    assert requested_language(text) == wanted
    assert choose("ja" if wanted == "en" else "en", text) == wanted


def test_a_long_message_that_mentions_a_language_is_not_a_request():
    assert requested_language("the English manual in the box is missing pages, can you send me another one?") is None


def test_the_first_message_uses_the_hint_only_when_it_does_not_say():
    assert choose(None, "100234", "ja-JP") == "ja"
    assert choose(None, "👍", "en-GB", default="ja") == "en"
    assert choose(None, "hi", "ja-JP") == "en"  # an English word from a Japanese browser
    assert choose(None, "こんにちは", "en-US") == "ja"
    assert choose(None, "100234", None, default="ja") == "ja"
    assert choose(None, "100234", "fr-FR", default="en") == "en"  # a language we don't serve


@pytest.mark.parametrize(
    ("hint", "wanted"),
    [
        ("ja-JP", "ja"),
        ("ja", "ja"),
        ("en_US", "en"),
        ("EN", "en"),
        ("fr", None),
        ("", None),
        (None, None),
        (42, None),
        ("x" * 100, None),
    ],
)
def test_hints(hint, wanted):
    assert from_hint(hint) == wanted


def test_width_folding():
    assert fold_width("１００２３４") == "100234"
    assert fold_width("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "alice@example.com"
    assert fold_width("ﾍﾝﾋﾟﾝ") == "ヘンピン"
