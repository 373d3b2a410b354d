"""Japanese morphological analysis (Sudachi): words, offsets, normalized forms."""

from __future__ import annotations

from bot.i18n.japanese import analyze, content_words


def test_words_have_offsets_into_the_text():
    text = "注文番号１００２３４の配送状況を教えてください。"
    for m in analyze(text):
        assert text[m.start : m.end] == m.surface
    assert [m.surface for m in analyze(text)][:3] == ["注文", "番号", "１００２３４"]


def test_spelling_variants_share_a_lemma():
    assert content_words("届かない") == content_words("とどかない")
    assert "100234" in content_words("注文１００２３４")  # full-width digits folded


def test_latin_words_keep_their_spelling():
    lemmas = [m.lemma for m in analyze("order statusを確認したい")]
    assert lemmas[:2] == ["order", "status"]


def test_content_words_leave_out_particles_and_symbols():
    words = content_words("返品したいです。")
    assert "返品" in words and "です" not in words and "。" not in words


def test_emoji_and_empty_text():
    assert analyze("") == []
    assert [m.surface for m in analyze("ありがとう😊")][0] == "ありがとう"
