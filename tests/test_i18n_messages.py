"""The catalogue of customer-facing texts (bot/i18n/messages): complete in both languages, the
same placeholders in each, merged without duplicates; `t` and `format_date`."""

from __future__ import annotations

import datetime as dt
import re
from string import Formatter

import pytest

from bot.i18n import format_date, t
from bot.i18n.messages import MESSAGES, merge, plural_key

JAPANESE = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff]")


def fields(template: str) -> set:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def test_the_catalogue_is_not_empty_and_every_key_has_both_languages():
    assert len(MESSAGES) > 100
    for key, texts in MESSAGES.items():
        assert set(texts) == {"en", "ja"}, key
        # never empty: `t` reads an empty text as a missing translation (and says the English)
        assert all(isinstance(text, str) and text for text in texts.values()), key


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_have_the_same_placeholders(key):
    texts = MESSAGES[key]
    assert fields(texts["en"]) == fields(texts["ja"])


def test_every_japanese_text_is_in_japanese():
    """Wherever the English has words (not only placeholders and punctuation), so does the Japanese."""
    for key, texts in MESSAGES.items():
        words = re.sub(r"\{[^}]*\}", "", texts["en"])
        if re.search(r"[A-Za-z]{2}", words):
            assert JAPANESE.search(texts["ja"]), key


# A sentence that ends in a plain form (した, る, だ, ない, である) rather than です・ます.
PLAIN_ENDING = re.compile(r"((?<![まで])した|った|[^ま]る|だ|[^せ]ない|である)[。？！]")


def test_japanese_is_polite_and_keeps_the_shop_facts():
    for key, texts in MESSAGES.items():
        assert not PLAIN_ENDING.search(texts["ja"]), key
    assert "T-000123" in t("tickets.invalid_reference", "ja")
    assert "name@example.com" in t("orders.invalid_email", "ja")
    assert "$49.00" in t("orders.cancelled", "ja", number="100234", total="$49.00")


def test_merge_refuses_a_duplicate_key_or_a_missing_language():
    with pytest.raises(ValueError, match="defined twice"):
        merge([("a", {"x.y": {"en": "1", "ja": "1"}}), ("b", {"x.y": {"en": "2", "ja": "2"}})])
    with pytest.raises(ValueError, match="has no ja text"):
        merge([("a", {"x.y": {"en": "only English"}})])


def test_t_fills_in_and_falls_back_to_english():
    assert t("orders.kept", "en", number="100234") == "Okay, I haven't cancelled anything. Order 100234 stays as it is."
    assert "100234" in t("orders.kept", "ja", number="100234")
    assert t("orders.kept", "ja", number="100234") != t("orders.kept", "en", number="100234")
    # An unknown language reads the deployment's default (English here); 'ja-JP' is Japanese.
    assert t("common.button.yes", "fr") == "Yes"
    assert t("common.button.yes", "ja-JP") == "はい"
    assert t("common.button.yes", None) == "Yes"


def test_t_falls_back_to_english_where_a_translation_is_missing(monkeypatch):
    monkeypatch.setitem(MESSAGES, "test.only_english", {"en": "Hello {name}"})
    assert t("test.only_english", "ja", name="Aiko") == "Hello Aiko"


def test_plural_keys():
    assert plural_key("common.minutes", 1) == "common.minutes.one"
    assert plural_key("common.minutes", 0) == plural_key("common.minutes", 3) == "common.minutes.other"
    assert t(plural_key("common.minutes", 1), "en", count=1) == "1 minute"
    assert t(plural_key("common.minutes", 4), "en", count=4) == "4 minutes"
    assert t(plural_key("common.minutes", 4), "ja", count=4) == "4分"


def test_format_date():
    day = dt.date(2026, 12, 7)  # a Monday
    assert format_date(day, "en") == "Monday 7 December"
    assert format_date(day, "ja") == "12月7日(月)"
    assert format_date(dt.date(2026, 12, 13), "ja") == "12月13日(日)"


# ---- what the Rasa server says itself ---------------------------------------------------------


def test_intake_refuses_in_the_language_of_the_refused_message(monkeypatch):
    from bot.intake import Intake, too_fast_text, too_long_text
    from bot.settings import Security

    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    monkeypatch.setenv("RATE_LIMIT_CONVERSATION", "1/minute")
    intake = Intake(Security())
    assert intake.check("注文の状況を教えてください", "c1").message == too_long_text(13, 10, "ja")
    assert too_long_text(12345, 4000, "ja").startswith("お送りいただいたメッセージは12,345文字ありますが")
    assert intake.check("where is my parcel", "c1").message == too_long_text(18, 10)  # English
    assert intake.check("ok", "c1") is None
    assert intake.check("返品したい", "c1").message == too_fast_text(intake.check("x", "c1").retry_after, "ja")
    assert intake.check("100234", "c1").message.startswith("You're sending messages faster")  # says nothing: English
    assert (
        too_fast_text(1) == "You're sending messages faster than I can read them. Please wait 1 second and try again."
    )
    assert "30秒ほどお待ちいただいてから" in too_fast_text(30, "ja")


def test_handoff_texts_in_japanese():
    from types import SimpleNamespace

    from bot.handoff import texts

    assert texts.NO_LONGER["closed"] == "our team is outside business hours now"
    assert texts.no_longer(texts.NO_LONGER["closed"], "ja") == "サポートチームの営業時間が終了しました"
    assert texts.no_longer("no_agents", "ja") == "ただいま対応できる担当者がおりません"
    assert texts.no_longer("something else", "ja") == "something else"
    assert texts.not_now("closed", "Mon-Fri 09:00-17:00 (Asia/Tokyo)", "ja") == (
        "ただいまサポートチームの営業時間外です（営業時間：Mon-Fri 09:00-17:00 (Asia/Tokyo)）"
    )
    assert texts.team_available_text(1) == "Our team is online · replies in about 1 minute"
    assert texts.team_available_text(5, "ja") == "担当者が対応可能です · 返信まで約5分"
    assert texts.wait_text(3, 12, "ja") == "現在3番目にお待ちいただいています。お待ち時間は約12分の見込みです。"
    why = texts.not_now("no_agents", "", "ja")
    assert texts.ticket_instead_of_queue(why, "T-000123", "aiko@example.com", "ja") == (
        "申し訳ございません。ただいま対応できるサポート担当者がおりません。これまでの会話内容を添えてチケット T-000123 "
        "を作成しましたので、同じ内容を繰り返しご説明いただく必要はございません。担当者が確認次第、このチャット"
        "（および aiko@example.com 宛てのメール）でご回答いたします。"
    )
    ticket = SimpleNamespace(reference="T-000123", subject="破損", email="aiko@example.com")
    mail = texts.ticket_answer_mail(ticket, "Ann", "交換品を発送しました。", "help@example.com", "ja")
    assert mail.subject == "[T-000123] 破損" and "交換品を発送しました。" in mail.body
    assert "T-000123 を記載のうえ help@example.com までご連絡ください" in mail.body


def test_order_card_labels_follow_the_cards_language():
    from channels.cards import details, order_card_of, text_lines, track_button

    card = {"number": "100234", "status": "shipped", "status_text": "Shipped", "total": "$126.00"}
    card["tracking_url"] = "https://www.ups.com/track?tracknum=1Z"
    assert text_lines(order_card_of({"custom": {"order_card": card}})) == ["Order 100234: Shipped", "Total: $126.00"]
    japanese = order_card_of({"custom": {"order_card": {**card, "status_text": "発送済み", "lang": "ja"}}})
    assert text_lines(japanese) == ["ご注文番号 100234：発送済み", "合計：$126.00"]
    assert details(japanese) == [("合計", "$126.00")]
    assert track_button(japanese) == [{"title": "配送状況を確認", "url": "https://www.ups.com/track?tracknum=1Z"}]
