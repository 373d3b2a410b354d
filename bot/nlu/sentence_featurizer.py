"""A Rasa featurizer that adds a sentence embedding (all-MiniLM-L6-v2) to every message.

config.yml uses it twice, each for the messages of one language (`languages`): all-MiniLM-L6-v2
for English and USE multilingual v3 for Japanese (`model: use-multilingual-v3`). A message of
the other language gets zeros from it, so English messages are featurized exactly as before
Japanese was added (MiniLM stays better for English) and each message is embedded once.

DIET on word and character counts alone only knows the words it was trained on, and is
confidently wrong on paraphrases ("how long does shipping take" came out as
cancel_order at 0.98). A sentence embedding gives it meaning: paraphrases land near the
examples they mean. It is the same encoder the knowledge base uses, loaded offline, and at
prediction time it leaves the vector on the message, where the front door (bot.nlu.front_door)
searches the knowledge base with it instead of embedding the message a second time.
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.i18n.detect import has_japanese
from knowledge_base import config as kb_config
from knowledge_base.encoder import get_encoder

EMBEDDING = "text_embedding"  # the message's sentence embedding (unit length), for the front door
MULTILINGUAL_EMBEDDING = "multilingual_embedding"  # the same from the multilingual encoder (Japanese)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # `vector_key`: where the vector is left for the front door (one key per encoder);
        # `languages`: the messages it embeds ("en": no kana or kanji, "ja": some), null for all.
        return {
            **DenseFeaturizer.get_default_config(),
            "model": None,
            "batch_size": 64,
            "vector_key": EMBEDDING,
            "languages": None,
        }

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        # The help centre's model unless config.yml names one: the front door searches the
        # knowledge base with this very embedding.
        self._encoder = get_encoder(config.get("model") or kb_config.load().model)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if config.get("batch_size", 1) < 1:
            raise ValueError("batch_size must be positive")

    @staticmethod
    def required_packages() -> List[str]:
        return ["sentence_transformers"]

    def _mine(self, text: str) -> bool:
        languages = self._config.get("languages")
        return not languages or ("ja" if has_japanese(text) else "en") in languages

    def _featurize(self, messages: List[Message], keep: bool = False) -> None:
        # A button's payload ("/affirm", '/kb_choose{...}') is read by Rasa's RegexMessageHandler
        # whatever the features say: embedding it is wasted work (and it is not language).
        texts = [m for m in messages if m.get(TEXT)]
        skipped = [m for m in texts if (keep and m.get(TEXT).startswith("/")) or not self._mine(m.get(TEXT))]
        for message in skipped:  # a zero vector keeps the feature shapes DIET was trained on
            self.add_features_to_message(None, np.zeros((1, self._encoder.dim), dtype=np.float32), TEXT, message)
        todo = [m for m in texts if not (keep and m.get(TEXT).startswith("/")) and self._mine(m.get(TEXT))]
        if not todo:
            return
        vectors = self._encoder.encode([m.get(TEXT) for m in todo], batch_size=self._config["batch_size"])
        for message, vector in zip(todo, vectors, strict=True):
            self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
            if keep:
                # The same vector serves the knowledge-base search (bot.nlu.front_door): a
                # message is embedded once. Not an output property: it never leaves the process.
                message.set(self._config["vector_key"], vector)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, keep=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
