"""The English+Japanese tokenizer: English exactly as Rasa's whitespace tokenizer, Japanese in words."""

from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import EnglishJapaneseTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return EnglishJapaneseTokenizer(EnglishJapaneseTokenizer.get_default_config())


def _tokens(tokenizer, text):
    return tokenizer.tokenize(Message({TEXT: text}), TEXT)


@pytest.mark.parametrize(
    "text",
    ["where is my order?", "Cancel order 100234, please!", "alice@example.com", "it's broken :(", "👍", "T-000123"],
)
def test_english_is_tokenized_as_before(tokenizer, text):
    whitespace = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    ours = [(t.text, t.start, t.end) for t in _tokens(tokenizer, text)]
    theirs = [(t.text, t.start, t.end) for t in whitespace.tokenize(Message({TEXT: text}), TEXT)]
    assert ours == theirs


def test_japanese_is_split_into_words_with_offsets(tokenizer):
    text = "注文番号１００２３４の配送状況を教えてください。"
    tokens = _tokens(tokenizer, text)
    assert [t.text for t in tokens][:6] == ["注文", "番号", "１００２３４", "の", "配送", "状況"]
    for token in tokens:
        assert text[token.start : token.end] == token.text
    assert "。" not in [t.text for t in tokens]  # punctuation dropped, as in English


def test_lemmas_fold_spelling_and_width(tokenizer):
    assert [t.lemma for t in _tokens(tokenizer, "届かない")][0] == [t.lemma for t in _tokens(tokenizer, "とどかない")][
        0
    ]
    assert "100234" in [t.lemma for t in _tokens(tokenizer, "注文１００２３４")]


def test_mixed_japanese_and_english(tokenizer):
    texts = [t.text for t in _tokens(tokenizer, "order statusを確認したい")]
    assert texts[:3] == ["order", "status", "を"]


def test_emoji_and_punctuation_only(tokenizer):
    assert [t.text for t in _tokens(tokenizer, "ありがとう😊")][0] == "ありがとう"
    assert _tokens(tokenizer, "。。。")  # never no token at all (Rasa needs one)
