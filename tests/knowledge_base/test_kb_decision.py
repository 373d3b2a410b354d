"""Answer / did-you-mean / no-answer, and the settings behind them."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError
from knowledge_base.config import Thresholds
from knowledge_base.config import load as load_kb_config
from knowledge_base.decision import Outcome, answer_from_document, decide
from knowledge_base.documents import Chunk
from knowledge_base.search import Hit, SearchResult

T = Thresholds(answer=0.6, suggest=0.4, margin=0.05, max_suggestions=3)


def hit(doc: str, relevance: float, n: int = 0) -> Hit:
    chunk = Chunk(
        id=f"{doc}#{n}",
        doc_id=doc,
        title=doc.title(),
        section="",
        url=f"https://x.example/{doc}",
        text=f"passage {n} of {doc}",
        phrasings=("p",),
        lexical="p",
    )
    return Hit(chunk=chunk, relevance=relevance, rank_score=relevance, embedding=relevance, lexical=0.0)


def result(*hits: Hit) -> SearchResult:
    return SearchResult(query="q", hits=sorted(hits, key=lambda h: -h.rank_score), generation=4)


def test_confident_and_clear_is_an_answer_with_the_best_passage() -> None:
    decision = decide(result(hit("refunds", 0.8), hit("refunds", 0.7, 1), hit("returns", 0.5)), T)
    assert decision.outcome == Outcome.ANSWER == "answered"
    assert decision.answer.chunk_id == "refunds#0"
    assert decision.score == pytest.approx(0.8)
    assert decision.generation == 4 and decision.suggestions == []


def test_another_passage_of_the_same_document_is_not_a_tie() -> None:
    decision = decide(result(hit("refunds", 0.80), hit("refunds", 0.79, 1), hit("returns", 0.5)), T)
    assert decision.outcome == Outcome.ANSWER


def test_near_tie_between_documents_asks_which_one() -> None:
    decision = decide(result(hit("refunds", 0.80), hit("cancel", 0.77), hit("returns", 0.3)), T)
    assert decision.outcome == Outcome.DID_YOU_MEAN
    assert [h.doc_id for h in decision.suggestions] == ["refunds", "cancel"]  # "returns" is below suggest


def test_middling_confidence_suggests_up_to_three_distinct_documents() -> None:
    hits = [hit("a", 0.55), hit("a", 0.54, 1), hit("b", 0.5), hit("c", 0.45), hit("d", 0.42)]
    decision = decide(result(*hits), T)
    assert decision.outcome == Outcome.DID_YOU_MEAN
    assert [h.doc_id for h in decision.suggestions] == ["a", "b", "c"]
    assert decision.answer is None


def test_a_single_middling_document_is_still_only_a_suggestion() -> None:
    decision = decide(result(hit("a", 0.5), hit("b", 0.1)), T)
    assert decision.outcome == Outcome.DID_YOU_MEAN
    assert [h.doc_id for h in decision.suggestions] == ["a"]


def test_weak_or_empty_results_are_no_answer_but_keep_the_best_miss() -> None:
    decision = decide(result(hit("a", 0.39), hit("b", 0.2)), T)
    assert decision.outcome == Outcome.NO_ANSWER
    assert decision.answer is None and decision.suggestions == []
    assert decision.best.doc_id == "a"
    assert decide(result(), T).outcome == Outcome.NO_ANSWER


def test_thresholds_are_inclusive() -> None:
    assert decide(result(hit("a", 0.6), hit("b", 0.2)), T).outcome == Outcome.ANSWER
    assert decide(result(hit("a", 0.4)), T).outcome == Outcome.DID_YOU_MEAN


def test_a_chosen_document_is_answered_from_its_best_passage() -> None:
    decision = answer_from_document(result(hit("returns", 0.3, 2)))
    assert decision.outcome == Outcome.ANSWER and decision.answer.chunk_id == "returns#2"
    assert answer_from_document(result()).outcome == Outcome.NO_ANSWER


def test_thresholds_come_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("KB_ANSWER_THRESHOLD", "0.7")
    monkeypatch.setenv("KB_SUGGEST_THRESHOLD", "0.5")
    monkeypatch.setenv("KB_TIE_MARGIN", "0.1")
    monkeypatch.setenv("KB_MAX_SUGGESTIONS", "2")
    monkeypatch.setenv("KB_LEXICAL_WEIGHT", "0.2")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    config = load_kb_config()
    assert config.thresholds == Thresholds(answer=0.7, suggest=0.5, margin=0.1, max_suggestions=2)
    assert config.scoring.lexical_weight == 0.2
    assert config.index_dir == tmp_path / "kb"
    assert config.with_thresholds(suggest=0.3, answer=None).thresholds.suggest == 0.3


def test_defaults(monkeypatch) -> None:
    for key in ("KB_ANSWER_THRESHOLD", "KB_SUGGEST_THRESHOLD", "KB_TIE_MARGIN", "KB_MAX_SUGGESTIONS"):
        monkeypatch.delenv(key, raising=False)
    assert (
        load_kb_config().thresholds
        == Thresholds()
        == Thresholds(answer=0.62, suggest=0.45, margin=0.04, max_suggestions=3)
    )


def test_bad_settings_fail_loudly(monkeypatch) -> None:
    monkeypatch.setenv("KB_ANSWER_THRESHOLD", "high")
    with pytest.raises(ConfigError, match="KB_ANSWER_THRESHOLD"):
        load_kb_config()
    monkeypatch.setenv("KB_ANSWER_THRESHOLD", "0.3")
    monkeypatch.setenv("KB_SUGGEST_THRESHOLD", "0.5")
    with pytest.raises(ValueError, match="must be between"):
        load_kb_config()
