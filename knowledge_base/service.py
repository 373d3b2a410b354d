"""The knowledge base as the action server uses it: loaded once, reloaded when re-ingested.

Every query first stats var/kb/CURRENT (microseconds). When `kb ingest` has published a
new generation, the first query to notice loads it and swaps it in; queries arriving
meanwhile keep answering from the old one instead of queueing behind the reload. So a
running assistant answers from new content within one query of the ingest finishing,
with no restart and no Rasa retraining.

In a fresh checkout with no index yet, the first query ingests the default sources
(data/knowledge) itself, unless KB_AUTO_INGEST=false.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional

from knowledge_base import config as config_module
from knowledge_base.config import KBConfig
from knowledge_base.decision import Decision, Outcome, answer_from_document, decide
from knowledge_base.documents import DocumentInfo
from knowledge_base.encoder import DEFAULT_MODEL, Encoder, get_encoder
from knowledge_base.index import IndexStore, Stamp
from knowledge_base.ingest import FALLBACK_TAG, IngestReport, ingest
from knowledge_base.search import Searcher, SearchResult

logger = logging.getLogger(__name__)


class KnowledgeBaseUnavailable(RuntimeError):
    """There is no index and none could be built."""


class KnowledgeBase:
    def __init__(
        self,
        config: Optional[KBConfig] = None,
        encoder: Optional[Encoder] = None,
        encoder_factory: Optional[Callable[[Optional[str]], Encoder]] = None,
    ) -> None:
        self.config = config or config_module.load()
        self.store = IndexStore(self.config.index_dir)
        self._encoder = encoder
        self._encoder_factory = encoder_factory or get_encoder
        self._searcher: Optional[Searcher] = None
        self._stamp: Optional[Stamp] = None
        self._reload_lock = threading.Lock()
        self._auto_ingest_tried = False
        self.reloads = 0

    # -- loading -------------------------------------------------------------------------
    def encoder_for(self, model: Optional[str]) -> Encoder:
        if self._encoder is not None:
            return self._encoder
        wanted = self.config.model or DEFAULT_MODEL
        if model and model != wanted:
            logger.warning("the index was built with %r but KB_MODEL is %r; using %r", model, wanted, model)
        name = model or wanted
        return self._encoder_factory(None if name == DEFAULT_MODEL else name)

    def refresh(self) -> bool:
        """Load the index if it changed on disk; True when a new generation was swapped in."""
        stamp = self.store.stamp()
        if stamp == self._stamp and self._searcher is not None:
            return False
        blocking = self._searcher is None  # nothing to answer from yet: wait for the load
        if not self._reload_lock.acquire(blocking=blocking):
            return False  # another thread is reloading; keep using the current generation
        try:
            stamp = self.store.stamp()
            if stamp == self._stamp and self._searcher is not None:
                return False
            if stamp is None:
                if self._searcher is None:
                    self._maybe_auto_ingest()
                    stamp = self.store.stamp()
                if stamp is None:
                    return False
            index = self.store.load()
            if index is None:
                return False
            searcher = Searcher(index, self.encoder_for(index.model), self.config.scoring)
            self._searcher, self._stamp = searcher, stamp
            self.reloads += 1
            logger.info(
                "knowledge base generation %s loaded: %d documents, %d chunks",
                index.generation,
                len(index.documents),
                len(index.chunks),
            )
            return True
        finally:
            self._reload_lock.release()

    def _maybe_auto_ingest(self) -> None:
        if self._auto_ingest_tried or not self.config.auto_ingest:
            return
        self._auto_ingest_tried = True
        sources = Path(self.config.sources)
        if not sources.exists():
            logger.warning("no knowledge-base index and no sources at %s", sources)
            return
        logger.info("no knowledge-base index yet: ingesting %s", sources)
        try:
            report = self.ingest([sources])
            logger.info("knowledge base ingested: %s", report.summary())
        except Exception:  # noqa: BLE001 - answer "not found" rather than crash the action
            logger.exception("automatic knowledge-base ingest of %s failed", sources)

    def ingest(self, paths, force: bool = False, **kwargs) -> IngestReport:
        encoder = self._encoder or self.encoder_for(self.config.model)
        return ingest(paths, encoder, self.config, store=self.store, force=force, **kwargs)

    @property
    def searcher(self) -> Searcher:
        self.refresh()
        if self._searcher is None:
            raise KnowledgeBaseUnavailable(
                f"no knowledge-base index in {self.config.index_dir}; run `python -m bot kb ingest`"
            )
        return self._searcher

    @property
    def generation(self) -> int:
        return self._searcher.generation if self._searcher else 0

    # -- queries -------------------------------------------------------------------------
    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", doc_id: Optional[str] = None, vector=None
    ) -> SearchResult:
        return self.searcher.search(query, k=k, mode=mode, doc_id=doc_id, vector=vector)

    def ask(self, query: str, doc_id: Optional[str] = None, vector=None) -> Decision:
        """The decision for a customer's question; with `doc_id`, the answer from that document.
        `vector`: the question's embedding, when the caller already computed it."""
        query = (query or "").strip()
        if not query:
            return Decision(Outcome.NO_ANSWER, query="")
        try:
            searcher = self.searcher
        except KnowledgeBaseUnavailable:
            logger.warning("knowledge base unavailable; answering no_answer to %r", query)
            return Decision(Outcome.NO_ANSWER, query=query)
        if doc_id is not None:
            return answer_from_document(searcher.search(query, k=1, doc_id=doc_id, vector=vector))
        return decide(searcher.search(query, k=20, vector=vector), self.config.thresholds)

    def document(self, doc_id: str) -> Optional[DocumentInfo]:
        return self.searcher.index.documents.get(doc_id)


_instances: Dict[str, KnowledgeBase] = {}
_instance_lock = threading.Lock()


def get_knowledge_base(language: Optional[str] = None) -> KnowledgeBase:
    """One knowledge base per process and language ("en" by default, "ja"), created on first
    use (thread-safe)."""
    language = "ja" if language == "ja" else "en"
    kb = _instances.get(language)
    if kb is None:
        with _instance_lock:
            kb = _instances.get(language)
            if kb is None:
                kb = _instances[language] = KnowledgeBase(config_module.load(language))
    return kb


def set_knowledge_base(kb: Optional[KnowledgeBase], language: str = "en") -> None:
    """Replace the process-wide instance of a language (tests, or an embedding application)."""
    with _instance_lock:
        if kb is None:
            _instances.pop(language, None)
        else:
            _instances[language] = kb


def english_only(kb: KnowledgeBase, doc_ids: Iterable[str]) -> List[str]:
    """Those of `doc_ids` that `kb` answers from the English help centre (no edition of their
    own), sorted; one look at the loaded index for all of them."""
    try:
        documents = kb.searcher.index.documents
    except KnowledgeBaseUnavailable:
        return []
    return sorted({d for d in doc_ids if d in documents and FALLBACK_TAG in documents[d].tags})
