"""Incremental ingest: embed only documents whose content changed, drop removed ones.

The previous generation is the cache. A document whose content hash (and the encoder and
chunker settings, the "fingerprint") is unchanged keeps its chunks and vectors as they
are, so editing one article re-embeds that article's few passages in well under a second
instead of the whole help centre. The index mirrors the given sources: a document that is
no longer in them is removed. Nothing changed means no new generation is published, so
running assistants do not reload for nothing.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from knowledge_base import head as head_module
from knowledge_base.chunking import CHUNKER_VERSION, chunk_document
from knowledge_base.config import KBConfig
from knowledge_base.documents import Chunk, Document, DocumentInfo
from knowledge_base.encoder import Encoder
from knowledge_base.index import Index, IndexStore
from knowledge_base.loaders import load_documents

ENCODE_BATCH = 256  # texts per progress step; the encoder batches internally as well

Progress = Callable[[int], None]  # called with the number of texts just embedded


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    vectors: int = 0
    embedded_documents: List[str] = field(default_factory=list)
    embedded_chunks: int = 0
    removed_documents: List[str] = field(default_factory=list)
    unchanged_documents: int = 0
    classifier: bool = False
    generation: int = 0
    written: bool = False
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def chunks_per_second(self) -> float:
        return self.embedded_chunks / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        state = (
            f"published generation {self.generation}" if self.written else f"unchanged (generation {self.generation})"
        )
        return (
            f"{self.documents} documents, {self.chunks} chunks ({self.vectors} vectors); "
            f"re-embedded {len(self.embedded_documents)} documents / {self.embedded_chunks} chunks, "
            f"removed {len(self.removed_documents)}, unchanged {self.unchanged_documents}; "
            f"{state} in {self.seconds:.2f} s"
        )


def fingerprint(encoder: Encoder, max_chars: int) -> str:
    return f"{encoder.name}|dim={encoder.dim}|chunker={CHUNKER_VERSION}|max_chars={max_chars}"


def _previous_chunks(index: Optional[Index]) -> Dict[str, Tuple[List[Chunk], np.ndarray]]:
    """doc id -> (its chunks, its vector rows) from the previous generation."""
    if index is None:
        return {}
    out: Dict[str, Tuple[List[Chunk], np.ndarray]] = {}
    for doc_id, positions in index.chunks_by_document().items():
        rows = np.concatenate([index.rows_of(p) for p in positions]) if positions else np.zeros((0, index.dim))
        out[doc_id] = ([index.chunks[p] for p in positions], rows)
    return out


def build_index(
    documents: Sequence[Document],
    encoder: Encoder,
    config: KBConfig,
    previous: Optional[Index] = None,
    progress: Optional[Progress] = None,
    report: Optional[IngestReport] = None,
) -> Index:
    """A new index for `documents`, reusing `previous` for documents that did not change."""
    report = report or IngestReport()
    print_ = fingerprint(encoder, config.max_chunk_chars)
    reusable = previous if previous is not None and previous.fingerprint == print_ else None
    cached = _previous_chunks(reusable)

    plan: List[Tuple[Document, Optional[Tuple[List[Chunk], np.ndarray]]]] = []
    to_embed: List[str] = []
    for doc in documents:
        known = reusable.documents.get(doc.id) if reusable else None
        if known is not None and known.hash == doc.content_hash and doc.id in cached:
            plan.append((doc, cached[doc.id]))
            report.unchanged_documents += 1
        else:
            chunks = chunk_document(doc, config.max_chunk_chars)
            plan.append((doc, (chunks, None)))  # vectors filled in below
            to_embed += [p for c in chunks for p in c.phrasings]
            report.embedded_documents.append(doc.id)
            report.embedded_chunks += len(chunks)

    started = time.perf_counter()
    fresh = _encode(encoder, to_embed, progress)
    report.embed_seconds = time.perf_counter() - started

    chunks_out: List[Chunk] = []
    blocks: List[np.ndarray] = []
    offsets = [0]
    cursor = 0
    for _doc, (chunks, rows) in plan:
        if rows is None:
            n = sum(len(c.phrasings) for c in chunks)
            rows, cursor = fresh[cursor : cursor + n], cursor + n
        blocks.append(rows)
        row = 0
        for chunk in chunks:
            chunks_out.append(chunk)
            row += len(chunk.phrasings)
            offsets.append(offsets[-1] + len(chunk.phrasings))
        if row != len(rows):
            raise RuntimeError(f"document {_doc.id}: {len(rows)} vectors for {row} phrasings")

    vectors = np.concatenate(blocks) if blocks else np.zeros((0, encoder.dim), dtype=np.float32)
    index = Index(
        model=encoder.name,
        fingerprint=print_,
        documents={doc.id: DocumentInfo.of(doc) for doc in documents},
        chunks=chunks_out,
        vectors=vectors,
        offsets=np.asarray(offsets),
    )
    same_chunks = (
        reusable is not None
        and reusable.head is not None
        and not report.embedded_documents
        and sorted(reusable.head.chunk_ids) == sorted(c.id for c in chunks_out)
    )
    index.head = reusable.head if same_chunks else _train_head(index, config)
    report.documents, report.chunks, report.vectors = len(documents), len(chunks_out), len(vectors)
    report.classifier = index.head is not None
    if previous is not None:
        report.removed_documents = sorted(set(previous.documents) - {d.id for d in documents})
    return index


def _train_head(index: Index, config: KBConfig) -> Optional[head_module.PhrasingClassifier]:
    return head_module.train(
        index.vectors,
        index.offsets,
        [c.id for c in index.chunks],
        min_phrasings=config.scoring.head_min_phrasings,
    )


def _encode(encoder: Encoder, texts: Sequence[str], progress: Optional[Progress]) -> np.ndarray:
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    # Longest first within the whole batch: similar lengths pad less, which is most of the cost.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.empty((len(texts), encoder.dim), dtype=np.float32)
    for start in range(0, len(order), ENCODE_BATCH):
        batch = order[start : start + ENCODE_BATCH]
        out[batch] = encoder.encode([texts[i] for i in batch])
        if progress:
            progress(len(batch))
    return out


def _same_content(previous: Optional[Index], index: Index) -> bool:
    if previous is None or previous.fingerprint != index.fingerprint:
        return False
    return [d.hash for d in previous.documents.values()] == [d.hash for d in index.documents.values()] and list(
        previous.documents
    ) == list(index.documents)


def ingest(
    paths: Sequence[Path],
    encoder: Encoder,
    config: KBConfig,
    store: Optional[IndexStore] = None,
    progress: Optional[Progress] = None,
    force: bool = False,
    root: Optional[Path] = None,
    on_plan: Optional[Callable[[int], None]] = None,
) -> IngestReport:
    """Load `paths`, update the index in `config.index_dir` (or `store`), publish it.

    `on_plan` is told how many texts will be embedded before embedding starts (to size a
    progress bar); `force` re-embeds everything.
    """
    started = time.perf_counter()
    store = store or IndexStore(config.index_dir)
    documents = load_documents(paths, root)
    if config.fallback is not None and Path(config.fallback).exists():
        documents += fallback_documents(documents, config.fallback, root)
    report = IngestReport()
    with store.lock():
        previous = store.load()
        if on_plan is not None:
            on_plan(_texts_to_embed(documents, previous if not force else None, encoder, config))
        index = build_index(documents, encoder, config, None if force else previous, progress, report)
        if previous is not None and force:
            report.removed_documents = sorted(set(previous.documents) - set(index.documents))
        if not force and _same_content(previous, index):
            report.generation = previous.generation
        else:
            report.generation = store.save(index)
            report.written = True
    report.seconds = time.perf_counter() - started
    return report


FALLBACK_TAG = "lang:en"  # a document taken from the English help centre (no edition of its own)


def fallback_documents(documents: Sequence[Document], fallback: Path, root: Optional[Path] = None) -> List[Document]:
    """The fallback sources' documents that `documents` have no edition of (same id), tagged."""
    have = {doc.id for doc in documents}
    return [
        dataclasses.replace(doc, tags=(*doc.tags, FALLBACK_TAG))
        for doc in load_documents([fallback], root)
        if doc.id not in have
    ]


def _texts_to_embed(
    documents: Sequence[Document], previous: Optional[Index], encoder: Encoder, config: KBConfig
) -> int:
    reusable = previous is not None and previous.fingerprint == fingerprint(encoder, config.max_chunk_chars)
    total = 0
    for doc in documents:
        known = previous.documents.get(doc.id) if reusable else None
        if known is None or known.hash != doc.content_hash:
            total += sum(len(c.phrasings) for c in chunk_document(doc, config.max_chunk_chars))
    return total
