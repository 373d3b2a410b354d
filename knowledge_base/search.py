"""Hybrid search: embedding similarity fused with BM25, scored per chunk.

Why a weighted sum of calibrated scores and not reciprocal rank fusion: RRF only knows
ranks, so its output says nothing about *how good* the best hit is, and the assistant's
first job is to decide whether to answer at all. Both signals here are on fixed scales
(cosine similarity, and BM25 as the share of the query's IDF a chunk covers, see
lexical.py), so their weighted sum is a relevance score that one threshold can judge for
any query and any index. On validation data it also ranks as well as RRF or better
(docs/PERFORMANCE.md has the comparison):

    relevance = embedding + KB_LEXICAL_WEIGHT * lexical_coverage
    embedding = similarity to the passage (one phrasing), or for an FAQ entry with
                several phrasings 0.75 * mean of its 2 best phrasings + 0.25 * similarity to
                their centroid (the best single phrasing is noisy, the centroid blurs)
    rank      = relevance + KB_HEAD_WEIGHT * classifier probability (labelled FAQs only)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from knowledge_base.config import ScoringConfig
from knowledge_base.documents import Chunk
from knowledge_base.encoder import Encoder
from knowledge_base.index import Index
from knowledge_base.lexical import LexicalIndex

MODES = ("hybrid", "retrieval", "embedding", "bm25")
MODE_HELP = {
    "hybrid": "embedding + BM25 (+ the phrasing classifier when the index has one)",
    "retrieval": "embedding + BM25, no classifier",
    "embedding": "embedding similarity only",
    "bm25": "BM25 only",
}

OPENING_MARGIN = 0.05  # see Searcher.best_passage


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    relevance: float  # what decisions compare with the thresholds
    rank_score: float  # what the results are ordered by
    embedding: float
    lexical: float
    classifier: float = 0.0

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def chunk_id(self) -> str:
        return self.chunk.id

    @property
    def title(self) -> str:
        return self.chunk.title

    @property
    def url(self) -> Optional[str]:
        return self.chunk.url

    def passage(self) -> Dict[str, Any]:
        """What is needed to show this passage without the index (it travels with the message
        from the Rasa server's front door to the action server)."""
        return {
            "doc_id": self.doc_id,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "section": self.chunk.section,
            "url": self.url,
            "text": self.chunk.text,
            "kind": self.chunk.kind,
            "relevance": round(self.relevance, 4),
        }


@dataclass
class SearchResult:
    query: str
    hits: List[Hit]  # best first, at most one entry per chunk
    generation: int = 0
    elapsed_ms: float = 0.0
    mode: str = "hybrid"
    extra: Dict[str, float] = field(default_factory=dict)

    @property
    def best(self) -> Optional[Hit]:
        return self.hits[0] if self.hits else None

    def per_document(self, limit: Optional[int] = None) -> List[Hit]:
        """The best chunk of each document, in rank order (for did-you-mean and MRR)."""
        seen, out = set(), []
        for hit in self.hits:
            if hit.doc_id not in seen:
                seen.add(hit.doc_id)
                out.append(hit)
                if limit and len(out) >= limit:
                    break
        return out


class Searcher:
    """Everything a query needs, precomputed from one index generation (read-only, thread-safe)."""

    def __init__(self, index: Index, encoder: Encoder, scoring: Optional[ScoringConfig] = None) -> None:
        self.index = index
        self.encoder = encoder
        self.scoring = scoring or ScoringConfig()
        chunks, offsets, vectors = index.chunks, index.offsets, index.vectors
        counts = np.diff(offsets)
        self._first_row = offsets[:-1]
        self._single = np.flatnonzero(counts == 1)
        self._multi = np.flatnonzero(counts > 1)
        self._empty = np.flatnonzero(counts == 0)
        if len(self._multi):
            width = int(counts[self._multi].max())
            rows = np.full((len(self._multi), width), len(vectors), dtype=np.int64)  # pad: a -inf row
            for i, chunk in enumerate(self._multi):
                n = counts[chunk]
                rows[i, :n] = np.arange(offsets[chunk], offsets[chunk] + n)
            self._multi_rows = rows
            self._multi_counts = counts[self._multi]
            centroids = np.stack([vectors[offsets[c] : offsets[c + 1]].mean(axis=0) for c in self._multi])
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
            self._centroids = centroids.astype(np.float32)
        self.lexical = LexicalIndex([c.lexical for c in chunks])
        self._chunk_position = {c.id: i for i, c in enumerate(chunks)}
        self._by_document = index.chunks_by_document()
        self._head_chunks = None
        if index.head is not None:
            self._head_chunks = np.array([self._chunk_position[c] for c in index.head.chunk_ids], dtype=np.int64)

    @property
    def generation(self) -> int:
        return self.index.generation

    @property
    def has_classifier(self) -> bool:
        return self._head_chunks is not None

    def embedding_scores(self, query_vector: np.ndarray) -> np.ndarray:
        n = len(self.index.chunks)
        out = np.full(n, -1.0, dtype=np.float32)
        if not n:
            return out
        sims = self.index.vectors @ query_vector
        out[self._single] = sims[self._first_row[self._single]]
        if len(self._multi):
            k, share = self.scoring.top_k, self.scoring.top_k_share
            padded = np.append(sims, -np.inf)[self._multi_rows]
            k_eff = min(k, padded.shape[1])
            top = -np.partition(-padded, k_eff - 1, axis=1)[:, :k_eff]
            top[~np.isfinite(top)] = 0.0
            top_mean = top.sum(axis=1) / np.minimum(self._multi_counts, k_eff)
            out[self._multi] = share * top_mean + (1 - share) * (self._centroids @ query_vector)
        return out

    def score(self, query: str, query_vector: np.ndarray, mode: str = "hybrid") -> Dict[str, np.ndarray]:
        """Per-chunk signals for one query: embedding, lexical, classifier, relevance, rank."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r} (choose from {', '.join(MODES)})")
        n = len(self.index.chunks)
        zeros = np.zeros(n, dtype=np.float32)
        embedding = self.embedding_scores(query_vector) if mode != "bm25" else zeros
        lexical = self.lexical.coverage(query) if mode != "embedding" else zeros
        if mode == "bm25":
            relevance = lexical
        elif mode == "embedding":
            relevance = embedding
        else:
            relevance = embedding + np.float32(self.scoring.lexical_weight) * lexical
        classifier = zeros
        if mode == "hybrid" and self._head_chunks is not None and self.scoring.head_weight:
            classifier = np.zeros(n, dtype=np.float32)
            classifier[self._head_chunks] = self.index.head.probabilities(query_vector[None, :])[0]
        rank = relevance + np.float32(self.scoring.head_weight) * classifier if classifier is not zeros else relevance
        return {
            "embedding": embedding,
            "lexical": lexical,
            "classifier": classifier,
            "relevance": relevance,
            "rank": rank,
        }

    def rank(
        self,
        query: str,
        query_vector: np.ndarray,
        k: int = 10,
        mode: str = "hybrid",
        doc_id: Optional[str] = None,
    ) -> List[Hit]:
        signals = self.score(query, query_vector, mode)
        rank = signals["rank"]
        if doc_id is not None:
            allowed = self._by_document.get(doc_id, [])
            candidates = np.array(allowed, dtype=np.int64)
        else:
            candidates = np.arange(len(rank))
        if len(self._empty):
            candidates = np.setdiff1d(candidates, self._empty)
        if not len(candidates):
            return []
        k = min(k, len(candidates))
        part = candidates[np.argpartition(-rank[candidates], k - 1)[:k]] if k < len(candidates) else candidates
        order = part[np.argsort(-rank[part], kind="stable")]
        return [
            Hit(
                chunk=self.index.chunks[i],
                relevance=float(signals["relevance"][i]),
                rank_score=float(rank[i]),
                embedding=float(signals["embedding"][i]),
                lexical=float(signals["lexical"][i]),
                classifier=float(signals["classifier"][i]),
            )
            for i in order
        ]

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        doc_id: Optional[str] = None,
        vector: Optional[np.ndarray] = None,
    ) -> SearchResult:
        """`vector`: the query's embedding when the caller has it already (the Rasa pipeline's
        sentence featurizer), so a message is embedded once."""
        started = time.perf_counter()
        if vector is None:
            vector = self.encoder.encode([query])[0] if mode != "bm25" else np.zeros(self.index.dim, dtype=np.float32)
        hits = self.rank(query, vector, k=k, mode=mode, doc_id=doc_id)
        elapsed = (time.perf_counter() - started) * 1000
        return SearchResult(query=query, hits=hits, generation=self.generation, elapsed_ms=elapsed, mode=mode)

    def opening(self, doc_id: str) -> Optional[Chunk]:
        """The first passage of a document: what answers a question about the document as a whole."""
        rows = self._by_document.get(doc_id) or []
        chunks = [self.index.chunks[i] for i in rows]
        return min(chunks, key=lambda c: c.position) if chunks else None

    def best_passage(self, doc_id: str, query: str, vector: Optional[np.ndarray]) -> Optional[Chunk]:
        """The document's passage whose own text answers the question best (its embedding plus
        the weighted share of the question's words it contains, as in `search`). An article's
        `questions` are matched on its first passage, so a question found through them ("how
        much is shipping?") is answered from the section that says it, not from the opening."""
        rows = self._by_document.get(doc_id) or []
        if vector is None or len(rows) < 2:
            return None
        chunks = [self.index.chunks[i] for i in rows]
        texts = np.stack([self.index.rows_of(i)[0] for i in rows])  # each passage's own text
        scores = texts @ np.asarray(vector, dtype=np.float32)
        weight = self.scoring.lexical_weight
        scores += np.array([weight * self.lexical.coverage_of(query, f"{c.section} {c.text}") for c in chunks])
        # The opening (what the article is about) keeps it unless a section is clearly nearer.
        scores += np.array([OPENING_MARGIN if c.position == 0 else 0.0 for c in chunks])
        return chunks[int(np.argmax(scores))]

    def search_many(self, queries: Sequence[str], k: int = 10, mode: str = "hybrid") -> List[SearchResult]:
        """Batch-encoded search, for evaluation; per-query latency is measured separately."""
        vectors = self.encoder.encode(list(queries)) if mode != "bm25" else np.zeros((len(queries), self.index.dim))
        return [
            SearchResult(query=q, hits=self.rank(q, v, k=k, mode=mode), generation=self.generation, mode=mode)
            for q, v in zip(queries, vectors, strict=True)
        ]
