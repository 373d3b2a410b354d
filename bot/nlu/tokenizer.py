"""A tokenizer for English and Japanese messages in one model.

English (anything without kana or kanji) is split exactly as Rasa's WhitespaceTokenizer
splits it, so the English features are the ones the model always had. A message with
Japanese in it is split into words by Sudachi (bot/i18n/japanese.py); each token's lemma is
the dictionary's normalized form, which the count featurizers read (use_lemma), so 届かない,
とどかない and 届きません count as the same word. Punctuation and symbols are dropped, as the
whitespace tokenizer drops them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.i18n import japanese
from bot.i18n.detect import has_japanese

_DROPPED_POS = ("補助記号", "記号", "空白")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class EnglishJapaneseTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> Optional[List[str]]:
        # The model's `language` is "en" (Rasa knows no "en+ja"); this tokenizer serves both.
        return None

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    @staticmethod
    def required_packages() -> List[str]:
        return ["sudachipy", "sudachidict_core"]

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute)
        if not text or not has_japanese(text):
            return super().tokenize(message, attribute)
        tokens = [
            Token(m.surface, m.start, lemma=m.lemma)
            for m in japanese.analyze(text)
            if m.pos not in _DROPPED_POS or any(ch.isalnum() for ch in m.surface)
        ]
        if not tokens:  # only punctuation: one token, as the whitespace tokenizer would give
            return super().tokenize(message, attribute)
        return self._apply_token_pattern(tokens)
