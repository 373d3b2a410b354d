"""Where the Rasa server's CPU goes, from py-spy's raw samples (benchmarks/load.py --profile DIR).

    python benchmarks/profile_summary.py /tmp/prof/before-16.txt /tmp/prof/after-16.txt

Each sample is one stack; it is counted for the first category (top of the list first) whose
marker appears in the stack, so nested work is counted where it is done (an encode inside the
front door counts as encoding). Samples of threads that only wait are not recorded by py-spy.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

CATEGORIES: List[Tuple[str, Tuple[str, ...]]] = [
    ("sentence embedding (MiniLM)", ("sentence_transformers", "sentence_featurizer.py", "encoder.py")),
    (
        "front door: help-centre search + routing",
        ("front_door.py", "knowledge_base/search.py", "lexical.py", "routing.py"),
    ),
    ("DIET (intents)", ("diet_classifier.py",)),
    ("TED policy", ("ted_policy.py",)),
    ("rule and memoization policies", ("rule_policy.py", "memoization.py", "ensemble.py")),
    (
        "tokenizer + sparse featurizers",
        ("tokenizer", "count_vectors_featurizer", "regex_featurizer", "lexical_syntactic"),
    ),
    ("TensorFlow (other)", ("tensorflow",)),
    ("tracker store (SQL)", ("tracker_store.py", "sqlalchemy")),
    ("action server calls", ("actions/action.py", "aiohttp", "endpoints.py")),
    ("handoff gate and app database", ("bot/handoff", "bot/store")),
    ("Rasa dialogue (processor, trackers, events)", ("rasa/core", "rasa/shared")),
    ("Sanic, asyncio, other", ("",)),
]


def categorise(path: Path) -> Tuple[Dict[str, int], int]:
    counts: Counter = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        total += samples
        for name, markers in CATEGORIES:
            if any(marker in stack for marker in markers):
                counts[name] += samples
                break
    return dict(counts), total


def main(paths: List[str]) -> None:
    results = [(Path(p).stem, *categorise(Path(p))) for p in paths]
    header = "| where | " + " | ".join(name for name, _, _ in results) + " |"
    print(header)
    print("|---|" + "---|" * len(results))
    for name, _ in CATEGORIES:
        cells = [f"{100 * counts.get(name, 0) / total:.0f} %" if total else "-" for _, counts, total in results]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| samples (50 Hz) | " + " | ".join(str(total) for _, _, total in results) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
