"""`kb eval`: the knowledge base on labelled intent data, each search mode side by side.

Every label of the dataset becomes one FAQ entry whose phrasings are its training
questions (all, or the first N); the test questions are the queries. The same index is
searched in four modes (hybrid, hybrid without the classifier, embedding only, BM25 only)
so the comparison is on the same data and machine. For data with out-of-scope queries
(CLINC150) it reports in-scope accuracy (right entry *and* not rejected) and out-of-scope
recall (rejected), at the configured KB_SUGGEST_THRESHOLD (the no-answer boundary) and
at a threshold calibrated on the validation split for each mode, because the BM25-only
and embedding-only scores live on other scales than the configured threshold.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from knowledge_base.config import KBConfig
from knowledge_base.datasets import LabelledDataset
from knowledge_base.documents import FAQ, Document
from knowledge_base.encoder import Encoder
from knowledge_base.ingest import build_index
from knowledge_base.metrics import choose_threshold, latency_summary, reciprocal_rank
from knowledge_base.search import MODES, Searcher, SearchResult


@dataclass
class EvalResult:
    dataset: str
    mode: str
    train_questions: int
    queries: int
    top1: float
    mrr5: float
    p50_ms: float
    p95_ms: float
    threshold: Optional[float] = None
    in_scope_accuracy: Optional[float] = None
    oos_recall: Optional[float] = None
    calibrated_threshold: Optional[float] = None
    calibrated_in_scope_accuracy: Optional[float] = None
    calibrated_oos_recall: Optional[float] = None

    def to_json(self) -> Dict[str, object]:
        return asdict(self)


def faq_documents(dataset: LabelledDataset) -> List[Document]:
    """One FAQ entry per label; the answer is empty so nothing but the questions is searched."""
    return [
        Document(id=label, title=label, body="", kind=FAQ, questions=tuple(questions), source=dataset.name)
        for label, questions in dataset.questions_by_label().items()
    ]


def _best(result: SearchResult) -> tuple:
    hits = result.per_document(5)
    return [h.doc_id for h in hits], (hits[0].relevance if hits else float("-inf"))


def evaluate(
    dataset: LabelledDataset,
    encoder: Encoder,
    config: KBConfig,
    modes: Sequence[str] = MODES,
    latency_sample: int = 300,
    threshold: Optional[float] = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> List[EvalResult]:
    started = time.perf_counter()
    index = build_index(faq_documents(dataset), encoder, config)
    searcher = Searcher(index, encoder, config.scoring)
    log(
        f"{dataset.name}: {len(index.chunks)} entries from {len(dataset.train)} questions indexed in "
        f"{time.perf_counter() - started:.1f} s (classifier: {'yes' if index.head is not None else 'no'})"
    )
    queries = [t for t, _ in dataset.test]
    gold = [label for _, label in dataset.test]
    threshold = config.thresholds.suggest if threshold is None else threshold
    # Encode every query once; each mode reuses the vectors (BM25-only ignores them).
    vectors = _encode(encoder, queries + dataset.oos_test + [t for t, _ in dataset.val] + dataset.oos_val)
    results = []
    for mode in modes:
        ranked = [_best(_run(searcher, q, v, mode)) for q, v in zip(queries, vectors[: len(queries)], strict=True)]
        top1 = float(np.mean([bool(r) and r[0] == g for (r, _), g in zip(ranked, gold, strict=True)]))
        mrr = float(np.mean([reciprocal_rank(r, g) for (r, _), g in zip(ranked, gold, strict=True)]))
        sample = queries[:latency_sample]
        latencies = []
        for query in sample:
            t0 = time.perf_counter()
            searcher.search(query, k=10, mode=mode)
            latencies.append((time.perf_counter() - t0) * 1000)
        lat = latency_summary(latencies)
        result = EvalResult(
            dataset.name, mode, len(dataset.train), len(queries), top1, mrr, lat["p50_ms"], lat["p95_ms"]
        )
        if dataset.has_oos:
            _out_of_scope(result, searcher, dataset, vectors, ranked, gold, mode, threshold)
        results.append(result)
        log(_line(result))
    return results


def _encode(encoder: Encoder, texts: List[str]) -> np.ndarray:
    return encoder.encode(texts, batch_size=64) if texts else np.zeros((0, encoder.dim), dtype=np.float32)


def _run(searcher: Searcher, query: str, vector: np.ndarray, mode: str) -> SearchResult:
    return SearchResult(query=query, hits=searcher.rank(query, vector, k=10, mode=mode), mode=mode)


def _out_of_scope(result, searcher, dataset, vectors, ranked, gold, mode, threshold) -> None:
    n_test, n_oos, n_val = len(dataset.test), len(dataset.oos_test), len(dataset.val)
    offset = n_test
    oos = [
        _best(_run(searcher, q, v, mode))
        for q, v in zip(dataset.oos_test, vectors[offset : offset + n_oos], strict=True)
    ]
    offset += n_oos
    val = [
        _best(_run(searcher, q, v, mode))
        for q, v in zip([t for t, _ in dataset.val], vectors[offset : offset + n_val], strict=True)
    ]
    offset += n_val
    oos_val = [_best(_run(searcher, q, v, mode)) for q, v in zip(dataset.oos_val, vectors[offset:], strict=True)]

    def at(th: float) -> tuple:
        in_acc = np.mean([bool(r) and r[0] == g and s >= th for (r, s), g in zip(ranked, gold, strict=True)])
        recall = np.mean([s < th for _, s in oos])
        return float(in_acc), float(recall)

    result.threshold = threshold
    result.in_scope_accuracy, result.oos_recall = at(threshold)
    if val and oos_val:
        val_gold = [label for _, label in dataset.val]
        calibrated = choose_threshold(
            in_scores=[s for _, s in val],
            in_correct=[bool(r) and r[0] == g for (r, _), g in zip(val, val_gold, strict=True)],
            oos_scores=[s for _, s in oos_val],
        )
        result.calibrated_threshold = round(calibrated, 4)
        result.calibrated_in_scope_accuracy, result.calibrated_oos_recall = at(calibrated)


def _pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value * 100:.2f}"


def _line(r: EvalResult) -> str:
    text = f"  {r.mode:10s} top-1 {_pct(r.top1)}  MRR@5 {_pct(r.mrr5)}  p50 {r.p50_ms:.1f} ms  p95 {r.p95_ms:.1f} ms"
    if r.oos_recall is not None:
        text += (
            f"  | at {r.threshold:.3f}: in-scope {_pct(r.in_scope_accuracy)} oos recall {_pct(r.oos_recall)}"
            f"  | calibrated {r.calibrated_threshold}: in-scope {_pct(r.calibrated_in_scope_accuracy)}"
            f" oos recall {_pct(r.calibrated_oos_recall)}"
        )
    return text


def table(results: Sequence[EvalResult]) -> str:
    """A Markdown table of results (what docs/PERFORMANCE.md shows)."""
    rows = [
        "| dataset | method | top-1 % | MRR@5 % | p50 ms | p95 ms | in-scope % | OOS recall % | threshold |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        threshold = "" if r.threshold is None else f"{r.threshold:.3f} (val-calibrated {r.calibrated_threshold})"
        oos = "" if r.oos_recall is None else f"{_pct(r.in_scope_accuracy)} ({_pct(r.calibrated_in_scope_accuracy)})"
        rec = "" if r.oos_recall is None else f"{_pct(r.oos_recall)} ({_pct(r.calibrated_oos_recall)})"
        rows.append(
            f"| {r.dataset} | {r.mode} | {_pct(r.top1)} | {_pct(r.mrr5)} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {oos} | {rec} | {threshold} |"
        )
    return "\n".join(rows)
