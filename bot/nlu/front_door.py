"""The front door: the last NLU component, where every message is understood once.

It takes what the pipeline already computed for the message (the sentence embedding of
`SentenceEmbeddingFeaturizer`, DIET's intent ranking, the entities), searches the knowledge
base with that same embedding, and lets the router (bot/nlu/routing.py) decide. The decision is
written into the parse data the dialogue and the actions see:

- `intent`: what the dialogue acts on (`faq` when the help centre answers, or the action's intent);
- `routing`: the decision and its reason (shown by `python -m bot explain`, kept in the tracker);
- `kb`: for an answer, suggestion or clarifying question, the passages to show (text, section,
  title, url) with their scores, so `action_answer_from_kb` answers from them without searching
  (or embedding) again.

It replaces Rasa's FallbackClassifier (the router says "not understood" when DIET is unsure and
the help centre has nothing). It is not trained; at training time it does nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.i18n.detect import JA, has_japanese
from bot.nlu import routing
from bot.nlu.sentence_featurizer import EMBEDDING, MULTILINGUAL_EMBEDDING
from knowledge_base.documents import ARTICLE
from knowledge_base.search import Hit, SearchResult

logger = logging.getLogger(__name__)

ROUTING = "routing"
KB = "kb"
MAX_PASSAGES = 4  # answer + see also, or the suggestions


def passage(hit: Optional[Hit]) -> Optional[Dict[str, Any]]:
    return hit.passage() if hit is not None else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FrontDoor(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"fallback_threshold": routing.Thresholds.fallback}

    def __init__(self, config: Dict[str, Any], knowledge_base: Any = None, japanese: Any = None) -> None:
        self.thresholds = routing.Thresholds(
            fallback=float(config.get("fallback_threshold", routing.Thresholds.fallback))
        )
        self._kb = {"en": knowledge_base, JA: japanese}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrontDoor:
        return cls(config)

    def knowledge_base(self, language: str = "en") -> Any:
        """The help centre of the message's language (Japanese: data/knowledge/ja)."""
        if self._kb.get(language) is None:
            from knowledge_base.service import get_knowledge_base

            self._kb[language] = get_knowledge_base(language)
        return self._kb[language]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _search(self, text: str, vector: Optional[np.ndarray], language: str = "en") -> Optional[SearchResult]:
        kb = self.knowledge_base(language)
        try:
            searcher = kb.searcher
        except Exception as err:  # noqa: BLE001 - no index (yet): route on the intent alone
            logger.warning("front door: no knowledge base to search (%s)", err)
            return None
        if vector is None or len(vector) != searcher.index.dim or searcher.encoder.dim != len(vector):
            vector = None  # a different model indexed the help centre: embed again with it
        return searcher.search(text, k=20, vector=vector)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # buttons and intent payloads: Rasa's RegexMessageHandler reads them
            ranking = [(r["name"], float(r["confidence"])) for r in message.get(INTENT_RANKING_KEY) or []]
            if not ranking and message.get(INTENT):
                ranking = [(message.get(INTENT)["name"], float(message.get(INTENT).get("confidence") or 0.0))]
            entities = [e.get("entity") for e in message.get(ENTITIES) or []]
            # A message with Japanese in it is answered from the Japanese help centre, searched
            # with the multilingual embedding; anything else from the English one.
            language = JA if has_japanese(text) else "en"
            vector = message.get(MULTILINGUAL_EMBEDDING if language == JA else EMBEDDING)
            result = self._search(text, vector, language)
            route = routing.decide(text, ranking, entities, result, self.thresholds)
            if route.doc is not None and routing.about_whole_document(text, route.doc.title):
                route.doc = self._opening(route.doc, language)
            elif route.doc is not None and len(route.doc.chunk.phrasings) > 1 and route.doc.chunk.kind == ARTICLE:
                route.doc = self._section(route.doc, text, vector, language)  # found by the article's questions
            self._apply(message, route, result, language)
        return messages

    def _english_only(self, language: str, route: routing.Route, result: Optional[SearchResult]) -> List[str]:
        if language == "en":
            return []
        from knowledge_base.service import english_only

        kb = self.knowledge_base(language)
        hits = [route.doc, route.see_also, *route.suggestions]
        if result is not None and result.hits:
            hits.append(result.per_document()[0])
        return english_only(kb, [h.doc_id for h in hits if h is not None])

    def _section(self, hit: Hit, text: str, vector: Optional[np.ndarray], language: str) -> Hit:
        """The article's section that answers it, when the article's questions found it."""
        try:
            chunk = self.knowledge_base(language).searcher.best_passage(hit.doc_id, text, vector)
        except Exception:  # noqa: BLE001 - the index went away: keep the passage found
            return hit
        return dataclasses.replace(hit, chunk=chunk) if chunk is not None else hit

    def _opening(self, hit: Hit, language: str = "en") -> Hit:
        """ "return policy?" is answered by the policy's opening, not whichever passage matched."""
        try:
            chunk = self.knowledge_base(language).searcher.opening(hit.doc_id)
        except Exception:  # noqa: BLE001 - the index went away: keep the passage found
            return hit
        return dataclasses.replace(hit, chunk=chunk) if chunk is not None else hit

    def _apply(
        self, message: Message, route: routing.Route, result: Optional[SearchResult], language: str = "en"
    ) -> None:
        message.set(INTENT, {"name": route.intent, "confidence": float(route.confidence)}, add_to_output=True)
        message.set(ROUTING, route.as_dict(), add_to_output=True)
        if route.kind in (routing.Kind.ANSWER, routing.Kind.SUGGEST, routing.Kind.CLARIFY, routing.Kind.NO_ANSWER):
            best = result.per_document()[0] if result is not None and result.hits else None
            kb = {
                "outcome": route.kind.value,
                "query": message.get(TEXT),
                "generation": result.generation if result is not None else 0,
                "best": passage(best),
                "answer": passage(route.doc) if route.kind != routing.Kind.SUGGEST else None,
                "see_also": passage(route.see_also),
                "suggestions": [passage(h) for h in route.suggestions[:MAX_PASSAGES]],
                "offer": route.offer,
                # Which help centre answered; passages it took from the English one (no
                # Japanese edition yet) say so, and the answer carries a note.
                "language": language,
                "english_only": self._english_only(language, route, result),
            }
            for shown in (kb["best"], kb["answer"], kb["see_also"], *kb["suggestions"]):
                if shown is not None and shown["doc_id"] in kb["english_only"]:
                    shown["english_only"] = True  # travels with a suggestion the customer picks later
            message.set(KB, kb, add_to_output=True)
