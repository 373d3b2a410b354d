"""The action server's KnowledgeBase: lazy load, reload within one query of an ingest."""

from __future__ import annotations

import threading

import pytest
from kb_fakes import make_config, write

from knowledge_base import service
from knowledge_base.decision import Outcome
from knowledge_base.service import KnowledgeBase, KnowledgeBaseUnavailable, get_knowledge_base, set_knowledge_base


def test_loads_lazily_and_reloads_only_when_the_index_changes(sources, encoder, kb_config) -> None:
    kb = KnowledgeBase(kb_config, encoder=encoder)
    kb.ingest([sources])
    assert kb.reloads == 0  # nothing loaded until the first question
    assert kb.ask("how do I reset my password").answer.doc_id == "password-reset"
    assert kb.reloads == 1 and kb.generation == 1
    kb.ask("shipping costs")
    assert kb.reloads == 1  # same generation: stat only


def test_a_running_knowledge_base_answers_from_new_content_after_ingest(sources, encoder, kb_config) -> None:
    running = KnowledgeBase(kb_config, encoder=encoder)
    running.ingest([sources])
    question = "telescopes"
    assert running.ask(question).outcome == Outcome.NO_ANSWER

    # Another process (the `kb ingest` CLI) publishes new content.
    write(sources / "articles" / "telescopes.md", "---\ntitle: Telescopes\n---\n## Telescopes\n\nWe sell telescopes.\n")
    KnowledgeBase(kb_config, encoder=encoder).ingest([sources])

    decision = running.ask(question)
    assert running.generation == 2 and running.reloads == 2
    assert decision.outcome == Outcome.ANSWER and decision.answer.doc_id == "telescopes"


def test_a_chosen_document_is_answered_even_below_the_thresholds(sources, encoder, kb_config) -> None:
    kb = KnowledgeBase(kb_config, encoder=encoder)
    kb.ingest([sources])
    decision = kb.ask("how long until money is back", doc_id="refund-timing")
    assert decision.outcome == Outcome.ANSWER and decision.answer.doc_id == "refund-timing"
    assert kb.ask("anything", doc_id="deleted-doc").outcome == Outcome.NO_ANSWER


def test_without_an_index_it_says_no_answer_instead_of_failing(kb_config, encoder) -> None:
    kb = KnowledgeBase(kb_config, encoder=encoder)
    assert kb.ask("where is my order").outcome == Outcome.NO_ANSWER
    assert kb.ask("   ").outcome == Outcome.NO_ANSWER
    with pytest.raises(KnowledgeBaseUnavailable, match="kb ingest"):
        kb.search("x")


def test_first_use_ingests_the_default_sources_when_there_is_no_index(sources, encoder, tmp_path) -> None:
    config = make_config(tmp_path / "fresh-kb", sources)
    config = type(config)(**{**config.__dict__, "auto_ingest": True})
    kb = KnowledgeBase(config, encoder=encoder)
    assert kb.ask("how do I reset my password").outcome == Outcome.ANSWER
    assert (tmp_path / "fresh-kb" / "CURRENT").exists()


def test_concurrent_first_queries_load_once(sources, encoder, kb_config) -> None:
    kb = KnowledgeBase(kb_config, encoder=encoder)
    kb.ingest([sources])
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(kb.ask("reset my password"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kb.reloads == 1
    assert {a.answer.doc_id for a in answers} == {"password-reset"}


def test_one_instance_per_process(monkeypatch, kb_config, encoder) -> None:
    set_knowledge_base(None)
    monkeypatch.setattr(service.config_module, "load", lambda language="en": kb_config)
    try:
        first = get_knowledge_base()
        assert get_knowledge_base() is first
        assert first.config is kb_config
    finally:
        set_knowledge_base(None)
