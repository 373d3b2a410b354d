"""The help centre in two languages: each edition its own index, English articles the Japanese
edition lacks answered with a note, Japanese keyword search."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from knowledge_base import config as kb_config
from knowledge_base.ingest import FALLBACK_TAG, fallback_documents
from knowledge_base.lexical import tokenize
from knowledge_base.loaders import load_documents
from knowledge_base.service import KnowledgeBase, english_only

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_english_index_leaves_the_japanese_edition_out():
    english = {d.id for d in load_documents([ROOT / "data" / "knowledge"])}
    japanese = load_documents([ROOT / "data" / "knowledge" / "ja"])
    assert {d.id for d in japanese} == english  # the same 21 topics and FAQ entries, same ids
    assert all(d.url is None or "/ja/" in d.url for d in japanese)


def test_a_document_without_a_japanese_edition_is_taken_from_english(tmp_path):
    _write(tmp_path / "en" / "a.md", "---\ntitle: Alpha\n---\n\nAbout alpha.")
    _write(tmp_path / "en" / "b.md", "---\ntitle: Beta\n---\n\nAbout beta.")
    _write(tmp_path / "en" / "ja" / "a.md", "---\ntitle: アルファ\n---\n\nアルファについて。")
    japanese = load_documents([tmp_path / "en" / "ja"])
    extra = fallback_documents(japanese, tmp_path / "en")
    assert [(d.id, d.tags) for d in extra] == [("b", (FALLBACK_TAG,))]


def test_japanese_questions_find_japanese_articles_and_english_ones_with_a_flag(tmp_path):
    sources = tmp_path / "kb"
    _write(sources / "returns.md", "---\ntitle: Returns\n---\n\n## Deadline\n\nReturn within 30 days.")
    _write(sources / "gift-cards.md", "---\ntitle: Gift cards\n---\n\n## Balance\n\nGift cards never expire.")
    _write(
        sources / "ja" / "returns.md",
        "---\ntitle: 返品について\n---\n\n## 返品期限\n\n商品到着後30日以内であれば返品できます。",
    )
    config = dataclasses.replace(
        kb_config.load("ja"), index_dir=tmp_path / "index", sources=sources / "ja", fallback=sources
    )
    kb = KnowledgeBase(config)
    kb.ingest([config.sources])
    returns = kb.search("返品は何日以内ならできますか", k=3).per_document()[0]
    assert returns.doc_id == "returns" and english_only(kb, ["returns"]) == []
    gift = kb.search("ギフトカードに有効期限はありますか", k=3).per_document()[0]
    assert gift.doc_id == "gift-cards" and english_only(kb, ["gift-cards", "returns"]) == ["gift-cards"]


def test_japanese_keywords_are_words_not_characters():
    assert tokenize("返品したいんですけど、Tシャツのサイズが合わない") == ["返品", "tシャツ", "サイズ", "合う"]
    assert tokenize("送料はいくらですか？") == ["送料", "幾ら"]
    assert tokenize("とどかない") == tokenize("届かない")
    assert tokenize("how much is shipping") == ["much", "ship"]  # English as before
