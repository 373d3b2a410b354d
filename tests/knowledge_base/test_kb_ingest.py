"""Incremental ingest and the saved index: only changed documents are embedded again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from kb_fakes import FakeEncoder, make_config, write

from knowledge_base.index import IndexStore
from knowledge_base.ingest import ingest


def test_first_ingest_embeds_everything_and_publishes_generation_1(sources: Path, encoder, kb_config) -> None:
    report = ingest([sources], encoder, kb_config)
    assert report.written and report.generation == 1
    assert report.documents == 5
    assert report.removed_documents == [] and report.unchanged_documents == 0
    store = IndexStore(kb_config.index_dir)
    index = store.load()
    assert index.generation == 1
    assert list(index.documents) == [
        "password-reset",
        "refund-timing",
        "shipping",
        "faq-gift-wrap",
        "faq-do-you-have-a-physical-store",
    ]
    # The FAQ entry with an alternative has two vectors; every chunk has at least one.
    assert len(index.vectors) == sum(len(c.phrasings) for c in index.chunks) == report.vectors
    assert index.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)
    assert len(encoder.encoded) == report.vectors
    assert json.loads(store.pointer.read_text())["dir"] == "gen-000001"


def test_unchanged_sources_are_not_embedded_and_no_generation_is_published(sources, encoder, kb_config) -> None:
    ingest([sources], encoder, kb_config)
    stamp = IndexStore(kb_config.index_dir).stamp()
    encoder.calls.clear()
    report = ingest([sources], encoder, kb_config)
    assert encoder.encoded == []
    assert not report.written and report.generation == 1
    assert report.unchanged_documents == 5 and report.embedded_documents == []
    assert IndexStore(kb_config.index_dir).stamp() == stamp


def test_only_the_changed_document_is_embedded_again(sources, encoder, kb_config) -> None:
    ingest([sources], encoder, kb_config)
    before = IndexStore(kb_config.index_dir).load()
    path = sources / "articles" / "shipping.md"
    path.write_text(path.read_text().replace("free over 75 dollars", "free over 99 dollars"))
    encoder.calls.clear()

    report = ingest([sources], encoder, kb_config)

    assert report.embedded_documents == ["shipping"]
    assert report.unchanged_documents == 4 and report.generation == 2
    assert all(text.startswith("Shipping costs.") for text in encoder.encoded)
    after = IndexStore(kb_config.index_dir).load()
    assert "99 dollars" in " ".join(c.text for c in after.chunks if c.doc_id == "shipping")
    # Vectors of untouched documents are carried over unchanged.
    old = {c.id: before.rows_of(i) for i, c in enumerate(before.chunks)}
    for i, chunk in enumerate(after.chunks):
        if chunk.doc_id != "shipping":
            assert np.array_equal(after.rows_of(i), old[chunk.id])


def test_removed_documents_are_dropped(sources, encoder, kb_config) -> None:
    ingest([sources], encoder, kb_config)
    (sources / "articles" / "password-reset.md").unlink()
    encoder.calls.clear()
    report = ingest([sources], encoder, kb_config)
    assert report.removed_documents == ["password-reset"]
    assert encoder.encoded == []
    index = IndexStore(kb_config.index_dir).load()
    assert "password-reset" not in index.documents
    assert all(c.doc_id != "password-reset" for c in index.chunks)
    assert report.written and report.generation == 2


def test_a_new_encoder_or_chunk_size_re_embeds_everything(sources, encoder, kb_config, tmp_path) -> None:
    ingest([sources], encoder, kb_config)
    other = FakeEncoder(name="another-model")
    report = ingest([sources], other, kb_config)
    assert len(report.embedded_documents) == 5 and report.written
    smaller = make_config(kb_config.index_dir, sources)
    smaller = type(smaller)(**{**smaller.__dict__, "max_chunk_chars": 120})
    report = ingest([sources], other, smaller)
    assert len(report.embedded_documents) == 5


def test_force_re_embeds_everything(sources, encoder, kb_config) -> None:
    ingest([sources], encoder, kb_config)
    encoder.calls.clear()
    report = ingest([sources], encoder, kb_config, force=True)
    assert len(report.embedded_documents) == 5 and report.written and report.generation == 2
    assert len(encoder.encoded) == report.vectors


def test_generations_are_pruned_and_no_temporary_files_are_left(sources, encoder, kb_config) -> None:
    for n in range(5):
        write(sources / "articles" / "extra.md", f"---\ntitle: Extra\n---\nVersion {n}.\n")
        ingest([sources], encoder, kb_config)
    names = sorted(p.name for p in kb_config.index_dir.iterdir())
    assert names == [".lock", "CURRENT", "gen-000003", "gen-000004", "gen-000005"]
    assert IndexStore(kb_config.index_dir).load().generation == 5


def test_progress_callbacks_count_the_texts_embedded(sources, encoder, kb_config) -> None:
    planned, done = [], []
    report = ingest([sources], encoder, kb_config, progress=done.append, on_plan=planned.append)
    assert planned == [report.vectors] and sum(done) == report.vectors


def test_classifier_is_trained_only_for_a_labelled_faq(tmp_path, encoder) -> None:
    config = make_config(tmp_path / "kb")
    labelled = tmp_path / "labelled.yml"
    entries = []
    for topic in ("refund", "shipping", "password"):
        alternatives = "".join(f"\n    - {topic} question number {i}" for i in range(6))
        entries.append(
            f"- id: {topic}\n  question: about {topic}\n  answer: {topic} answer\n  alternatives:{alternatives}"
        )
    labelled.write_text("\n".join(entries) + "\n")
    report = ingest([labelled], encoder, config)
    assert report.classifier
    index = IndexStore(config.index_dir).load()
    assert sorted(index.head.chunk_ids) == ["password#0", "refund#0", "shipping#0"]
    # Adding an article with a single passage makes the index mixed: no classifier.
    write(tmp_path / "docs" / "a.md", "---\ntitle: A\n---\nText.\n")
    report = ingest([labelled, tmp_path / "docs"], encoder, config)
    assert not report.classifier and IndexStore(config.index_dir).load().head is None
