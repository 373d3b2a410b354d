"""Hybrid ranking, FAQ phrasing aggregation and the lexical coverage score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kb_fakes import FakeEncoder, make_config

from knowledge_base.config import ScoringConfig
from knowledge_base.documents import FAQ, Document
from knowledge_base.index import IndexStore
from knowledge_base.ingest import build_index, ingest
from knowledge_base.lexical import LexicalIndex, stem, tokenize
from knowledge_base.search import Searcher


@pytest.fixture
def searcher(sources, encoder, kb_config) -> Searcher:
    ingest([sources], encoder, kb_config)
    return Searcher(IndexStore(kb_config.index_dir).load(), encoder, kb_config.scoring)


def test_best_chunk_of_the_right_document_comes_first(searcher) -> None:
    result = searcher.search("how long do refunds take to reach my bank")
    assert result.best.chunk_id == "refund-timing#0"
    assert result.best.title == "Refund timing"
    assert result.best.url == "https://shop.example.com/help/refund-timing"
    assert result.hits == sorted(result.hits, key=lambda h: -h.rank_score)
    assert [h.doc_id for h in result.per_document()][0] == "refund-timing"
    assert len({h.doc_id for h in result.per_document()}) == len(result.per_document())


def test_relevance_is_embedding_plus_weighted_lexical_coverage(searcher) -> None:
    hit = searcher.search("forgot password reset link").best
    assert hit.doc_id == "password-reset"
    assert hit.relevance == pytest.approx(hit.embedding + 0.3 * hit.lexical, abs=1e-6)
    assert 0 < hit.lexical < 1


def test_lexical_signal_rescues_what_the_embedding_misses(sources, kb_config) -> None:
    # The encoder cannot see "ups" at all; only BM25 can match it.
    encoder = FakeEncoder(ignore={"ups"})
    ingest([sources], encoder, kb_config)
    searcher = Searcher(IndexStore(kb_config.index_dir).load(), encoder, kb_config.scoring)
    embedding_only = searcher.search("ups", mode="embedding")
    hybrid = searcher.search("ups")
    assert embedding_only.best.chunk_id != "shipping#1"
    assert hybrid.best.chunk_id == "shipping#1"


def test_bm25_mode_and_words_nobody_used(searcher) -> None:
    assert searcher.search("fedex dhl", mode="bm25").best.chunk_id == "shipping#1"
    nonsense = searcher.search("zebra quantum", mode="bm25")
    assert all(h.lexical == 0 for h in nonsense.hits)


def test_search_restricted_to_one_document(searcher) -> None:
    result = searcher.search("refunds", doc_id="shipping")
    assert {h.doc_id for h in result.hits} == {"shipping"}
    assert searcher.search("refunds", doc_id="no-such-doc").hits == []


def test_unknown_mode_is_rejected(searcher) -> None:
    with pytest.raises(ValueError, match="unknown search mode"):
        searcher.search("x", mode="magic")


def test_faq_entry_scores_by_its_best_phrasings_not_one_blurred_centroid(encoder) -> None:
    faq = Document(
        id="wrap",
        title="Gift wrap",
        body="Yes.",
        kind=FAQ,
        questions=("do you gift wrap", "can you wrap a present", "is wrapping available", "wrap my order please"),
    )
    other = Document(id="other", title="Other", body="No.", kind=FAQ, questions=("do you sell gift cards",))
    index = build_index([faq, other], encoder, make_config(Path("/nonexistent")))
    searcher = Searcher(index, encoder, ScoringConfig(lexical_weight=0.0, head_weight=0.0))
    query = encoder.encode(["do you gift wrap"])[0]
    scores = searcher.embedding_scores(query)
    rows = index.rows_of(0) @ query
    top2 = np.sort(rows)[-2:].mean()
    centroid = index.rows_of(0).mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    assert scores[0] == pytest.approx(0.75 * top2 + 0.25 * float(centroid @ query), abs=1e-5)
    assert scores[0] > float(centroid @ query)  # the centroid alone would blur the exact match
    assert searcher.search("do you gift wrap").best.doc_id == "wrap"


def test_coverage_is_the_share_of_query_idf_a_chunk_holds() -> None:
    lexical = LexicalIndex(["refund policy", "shipping policy", "gift cards"])
    coverage = lexical.coverage("refund")
    assert coverage.argmax() == 0 and coverage[1] == coverage[2] == 0
    assert 0 < coverage[0] < 1
    # An unknown word dilutes coverage: half the query is about something we don't have.
    assert lexical.coverage("refund xylophone")[0] < coverage[0]
    assert lexical.coverage("").tolist() == [0, 0, 0]


def test_tokenizer_stems_and_drops_stop_words() -> None:
    assert tokenize("How do I get my refunds? Shipping, shipped, ships!") == ["refund", "ship", "ship", "ship"]
    assert [stem(w) for w in ("addresses", "cancelled", "called", "boxes", "policies")] == [
        "address",
        "cancel",
        "call",
        "box",
        "policy",
    ]
