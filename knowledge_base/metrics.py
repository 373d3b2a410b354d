"""Small, dependency-free metrics shared by `kb eval` and the benchmark scripts."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np


def latency_summary(latencies_ms: Sequence[float]) -> Dict[str, float]:
    if not latencies_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0}
    values = np.asarray(latencies_ms, dtype=np.float64)
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "mean_ms": round(float(values.mean()), 2),
    }


def reciprocal_rank(ranked: Sequence[str], gold: str, k: int = 5) -> float:
    for position, label in enumerate(ranked[:k], start=1):
        if label == gold:
            return 1.0 / position
    return 0.0


def choose_threshold(
    in_scores: Sequence[float],
    in_correct: Sequence[bool],
    oos_scores: Sequence[float],
    min_oos_recall: Optional[float] = None,
) -> float:
    """A rejection threshold picked on validation data (never on the test split).

    Below the threshold a query is treated as out of scope. By default the threshold
    maximises in-scope accuracy + out-of-scope recall (each weighted equally, so neither
    a bot that answers everything nor one that refuses everything wins). With
    `min_oos_recall` it is the lowest threshold reaching that recall, which keeps as
    many in-scope answers as the recall target allows.
    """
    ins = np.asarray(in_scores, dtype=np.float64)
    ok = np.asarray(in_correct, dtype=bool)
    oos = np.asarray(oos_scores, dtype=np.float64)
    if ins.size == 0 or oos.size == 0:
        return 0.0
    candidates = np.unique(np.concatenate([ins, oos]))
    # Midpoints between neighbouring scores generalise better than the scores themselves.
    candidates = np.concatenate(
        [[candidates[0] - 1e-6], (candidates[1:] + candidates[:-1]) / 2, [candidates[-1] + 1e-6]]
    )
    best, best_value = float(candidates[0]), -1.0
    for threshold in candidates:
        accuracy = float(np.mean(ok & (ins >= threshold)))
        recall = float(np.mean(oos < threshold))
        if min_oos_recall is not None:
            if recall >= min_oos_recall:
                return float(threshold)
            continue
        if accuracy + recall > best_value:
            best, best_value = float(threshold), accuracy + recall
    return best if min_oos_recall is None else float(candidates[-1])


def rates(flags: List[bool]) -> float:
    return float(np.mean(flags)) if flags else 0.0
