"""Rasa's ResponseSelector on the same labelled-FAQ data the knowledge base is evaluated on.

For each dataset this builds temporary Rasa NLU data in a temp dir (one retrieval intent
`faq/<label>` per label, its training questions as examples, a one-line response each),
runs `rasa train nlu` with the assistant's own featurizers (word and char n-gram counts
plus the same all-MiniLM-L6-v2 sentence embedding the KB uses) and a ResponseSelector,
then parses every test query and prints top-1 accuracy, MRR@5 (from the ranking Rasa
returns), latency, and for CLINC150 in-scope accuracy / out-of-scope recall with a
confidence threshold picked on the validation split.

    RASA_TELEMETRY_ENABLED=false .venv/bin/python benchmarks/kb_rasa_baseline.py \
        --dataset banking77-10 --dataset banking77 --dataset clinc150 --epochs 40

Training is slow on 2 cores (minutes per dataset); epochs are capped (--epochs) and the
figures say which cap was used. Results are also written as JSON (--out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.datasets import LabelledDataset, load_dataset  # noqa: E402
from knowledge_base.metrics import choose_threshold, latency_summary  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
DATASETS = {
    "banking77-10": (SHARED / "banking77", 10),
    "banking77": (SHARED / "banking77", None),
    "clinc150": (SHARED / "clinc150" / "data_full.json", None),
}

CONFIG = """recipe: default.v1
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: bot.nlu.sentence_featurizer.SentenceEmbeddingFeaturizer
  - name: ResponseSelector
    epochs: {epochs}
    constrain_similarities: true
    retrieval_intent: faq
policies: []
"""


def _intent_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", label)


def _example(text: str) -> str:
    # Brackets and braces are Rasa's entity markup; the datasets have no entities.
    return re.sub(r"[\[\]{}]", " ", text).replace("\n", " ").strip()


def write_project(dataset: LabelledDataset, folder: Path, epochs: int) -> None:
    lines = ['version: "3.1"', "nlu:"]
    domain = ['version: "3.1"', "intents:", "  - faq", "responses:"]
    for label, questions in dataset.questions_by_label().items():
        name = _intent_name(label)
        lines.append(f"- intent: faq/{name}")
        lines.append("  examples: |")
        lines += [f"    - {json.dumps(_example(q))[1:-1]}" for q in questions if _example(q)]
        domain += [f"  utter_faq/{name}:", f"    - text: {json.dumps(label)}"]
    (folder / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "domain.yml").write_text("\n".join(domain) + "\n", encoding="utf-8")
    (folder / "config.yml").write_text(CONFIG.format(epochs=epochs), encoding="utf-8")


def train(folder: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "nlu",
        "-c",
        str(folder / "config.yml"),
        "-u",
        str(folder / "nlu.yml"),
        "-d",
        str(folder / "domain.yml"),
        "--out",
        str(folder / "models"),
        "--fixed-model-name",
        "faq",
        "--quiet",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run(cmd, cwd=folder, env=env, check=True)
    return folder / "models" / "faq.tar.gz"


def _ranking(parsed: dict) -> List[tuple]:
    selector = (parsed.get("response_selector") or {}).get("faq") or {}
    out = []
    for item in selector.get("ranking") or []:
        key = item.get("intent_response_key") or ""
        out.append((key.split("/", 1)[-1], float(item.get("confidence") or 0.0)))
    return out


async def parse_all(model: Path, texts: Sequence[str]) -> tuple:
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    agent = Agent.load(str(model))
    rankings, latencies = [], []
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
        rankings.append(_ranking(parsed))
    return rankings, latencies


def evaluate(name: str, path: Path, per_label: Optional[int], epochs: int, keep: bool) -> Dict[str, object]:
    dataset = load_dataset(path, per_label=per_label)
    folder = Path(tempfile.mkdtemp(prefix="kb-rasa-"))
    write_project(dataset, folder, epochs)
    started = time.monotonic()
    model = train(folder)
    train_s = time.monotonic() - started
    label_of = {_intent_name(label): label for label in dataset.labels}

    queries = [t for t, _ in dataset.test]
    gold = [label for _, label in dataset.test]
    extra = dataset.oos_test + [t for t, _ in dataset.val] + dataset.oos_val
    rankings, latencies = asyncio.run(parse_all(model, queries + extra))
    test_rank = rankings[: len(queries)]

    def top(r: List[tuple]) -> tuple:
        return (label_of.get(r[0][0], r[0][0]), r[0][1]) if r else (None, 0.0)

    hits, rr = 0, 0.0
    for ranking, label in zip(test_rank, gold, strict=True):
        names = [label_of.get(n, n) for n, _ in ranking[:5]]
        hits += bool(names) and names[0] == label
        rr += 1.0 / (names.index(label) + 1) if label in names else 0.0
    result: Dict[str, object] = {
        "dataset": name,
        "method": f"Rasa ResponseSelector ({epochs} epochs)",
        "train_examples": len(dataset.train),
        "queries": len(queries),
        "top1": hits / len(queries),
        "mrr5": rr / len(queries),
        "train_seconds": round(train_s, 1),
        **latency_summary(latencies[: len(queries)]),
    }
    if dataset.has_oos:
        n_oos, n_val = len(dataset.oos_test), len(dataset.val)
        oos_rank = rankings[len(queries) : len(queries) + n_oos]
        val_rank = rankings[len(queries) + n_oos : len(queries) + n_oos + n_val]
        oos_val_rank = rankings[len(queries) + n_oos + n_val :]
        val_gold = [label for _, label in dataset.val]
        threshold = choose_threshold(
            in_scores=[top(r)[1] for r in val_rank],
            in_correct=[top(r)[0] == g for r, g in zip(val_rank, val_gold, strict=True)],
            oos_scores=[top(r)[1] for r in oos_val_rank],
        )
        in_acc = sum(top(r)[0] == g and top(r)[1] >= threshold for r, g in zip(test_rank, gold, strict=True))
        result.update(
            threshold=threshold,
            in_scope_accuracy=in_acc / len(queries),
            oos_recall=sum(top(r)[1] < threshold for r in oos_rank) / n_oos,
        )
    if not keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    else:
        result["folder"] = str(folder)
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", action="append", choices=sorted(DATASETS), help="repeatable; default: all")
    parser.add_argument("--epochs", type=int, default=40, help="ResponseSelector epochs on full datasets (default 40)")
    parser.add_argument("--epochs-few", type=int, default=100, help="epochs on N-per-label subsets (default 100)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "kb_rasa_baseline.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary Rasa project")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results = []
    for name in args.dataset or ["banking77-10", "banking77", "clinc150"]:
        path, per_label = DATASETS[name]
        epochs = args.epochs_few if per_label else args.epochs
        result = evaluate(name, path, per_label, epochs, args.keep)
        print(json.dumps(result), flush=True)
        results.append(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
