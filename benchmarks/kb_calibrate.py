"""Calibrate the answer / suggest thresholds on this help centre.

In-scope: the labelled customer questions in tests/knowledge_base/data/shop_queries.csv
(written for the Demo Shop articles; a query may accept several documents). Out of
scope: CLINC150's out-of-scope queries (oos_val + oos_test, 1,100 questions about
anything but a shop), read from ../shared/datasets. Prints what each outcome would be
for both sets at the configured thresholds and over a grid, so the defaults in
knowledge_base/config.py can be justified with numbers.

    RASA_TELEMETRY_ENABLED=false .venv/bin/python benchmarks/kb_calibrate.py
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base import config as config_module  # noqa: E402
from knowledge_base.decision import Outcome, decide  # noqa: E402
from knowledge_base.encoder import get_encoder  # noqa: E402
from knowledge_base.index import IndexStore  # noqa: E402
from knowledge_base.ingest import ingest  # noqa: E402
from knowledge_base.search import Searcher  # noqa: E402

QUERIES = ROOT / "tests" / "knowledge_base" / "data" / "shop_queries.csv"
CLINC = ROOT.parent / "shared" / "datasets" / "clinc150" / "data_full.json"


def shop_queries(path: Path = QUERIES) -> List[tuple]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["query"], set(row["expected"].split("|"))) for row in csv.DictReader(handle)]


def oos_queries(path: Path = CLINC) -> List[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [text for text, _ in data["oos_val"] + data["oos_test"]]


def outcomes(searcher: Searcher, queries: List[str], thresholds) -> List:
    return [decide(r, thresholds) for r in searcher.search_many(queries, k=20)]


def summarise(decisions, expected: Optional[List[set]] = None) -> Dict[str, float]:
    n = len(decisions)
    counts = {o.value: sum(d.outcome == o for d in decisions) / n for o in Outcome}
    if expected is not None:
        right = [d.best is not None and d.best.doc_id in e for d, e in zip(decisions, expected, strict=True)]
        counts["top1"] = float(np.mean(right))
        counts["answered_right"] = (
            sum(d.outcome == Outcome.ANSWER and d.answer.doc_id in e for d, e in zip(decisions, expected, strict=True))
            / n
        )
        counts["answered_wrong"] = (
            sum(
                d.outcome == Outcome.ANSWER and d.answer.doc_id not in e
                for d, e in zip(decisions, expected, strict=True)
            )
            / n
        )
        counts["suggested_right"] = (
            sum(
                d.outcome == Outcome.DID_YOU_MEAN and any(s.doc_id in e for s in d.suggestions)
                for d, e in zip(decisions, expected, strict=True)
            )
            / n
        )
    return {k: round(v * 100, 1) for k, v in counts.items()}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=ROOT / "data" / "knowledge")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    config = config_module.load()
    encoder = get_encoder(config.model)
    with tempfile.TemporaryDirectory() as tmp:
        store = IndexStore(Path(tmp))
        ingest([args.sources], encoder, config, store=store, root=ROOT)
        searcher = Searcher(store.load(), encoder, config.scoring)
        shop = shop_queries()
        oos = oos_queries()
        shop_results = searcher.search_many([q for q, _ in shop], k=20)
        oos_results = searcher.search_many(oos, k=20)

    expected = [e for _, e in shop]
    print(f"thresholds now: {config.thresholds}")
    print("shop:", summarise([decide(r, config.thresholds) for r in shop_results], expected))
    print("oos: ", summarise([decide(r, config.thresholds) for r in oos_results]))
    if args.show_misses:
        for (query, want), result in zip(shop, shop_results, strict=True):
            decision = decide(result, config.thresholds)
            top = result.per_document(3)
            if not top or top[0].doc_id not in want or decision.outcome != Outcome.ANSWER:
                shown = ", ".join(f"{h.doc_id} {h.relevance:.2f}" for h in top)
                print(f"  {decision.outcome.value:13s} {query!r} want {sorted(want)}: {shown}")

    shop_best = np.array([r.per_document(1)[0].relevance for r in shop_results])
    oos_best = np.array([r.per_document(1)[0].relevance for r in oos_results])
    print("\nrelevance of the best hit, percentiles 5/25/50/75/95:")
    print("  shop:", np.round(np.percentile(shop_best, [5, 25, 50, 75, 95]), 3))
    print("  oos: ", np.round(np.percentile(oos_best, [5, 25, 50, 75, 95]), 3))
    print(
        "\nsuggest  answer | shop: answered right / wrong, did-you-mean, no answer | oos: no answer, did-you-mean, answered"
    )
    for suggest in (0.40, 0.42, 0.45, 0.48, 0.50):
        for answer in (0.55, 0.58, 0.60, 0.62, 0.65):
            t = config_module.Thresholds(answer=answer, suggest=suggest, margin=config.thresholds.margin)
            s = summarise([decide(r, t) for r in shop_results], expected)
            o = summarise([decide(r, t) for r in oos_results])
            print(
                f"  {suggest:.2f}   {answer:.2f}  | {s['answered_right']:5.1f} / {s['answered_wrong']:4.1f}  "
                f"{s['did_you_mean']:5.1f}  {s['no_answer']:5.1f} | {o['no_answer']:5.1f}  {o['did_you_mean']:5.1f}  "
                f"{o['answered']:4.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
