"""Ingest throughput and query latency of the knowledge base at 10,000 chunks.

Builds Markdown articles in a temp dir whose passages are made of real customer
questions (BANKING77 + CLINC150 training sentences, 3-5 per passage, ~200-300 characters,
close to the help centre's median passage of ~240), so the encoder sees realistic text.
Then measures, with the real all-MiniLM-L6-v2 encoder on this machine:

- full ingest: chunks per second (load + chunk + embed + BM25-free save);
- incremental re-ingest after editing one article (only it is re-embedded);
- index load (what a running action server pays once per new generation);
- query latency, one question at a time, end to end (encode + score + decide): p50/p95.

    RASA_TELEMETRY_ENABLED=false .venv/bin/python benchmarks/kb_latency.py [--chunks 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from knowledge_base import config as config_module  # noqa: E402
from knowledge_base.encoder import get_encoder  # noqa: E402
from knowledge_base.index import IndexStore  # noqa: E402
from knowledge_base.ingest import ingest  # noqa: E402
from knowledge_base.metrics import latency_summary  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
SECTIONS_PER_ARTICLE = 10


def sentences() -> List[str]:
    with (SHARED / "banking77" / "train.csv").open(newline="", encoding="utf-8") as handle:
        texts = [row["text"].strip() for row in csv.DictReader(handle)]
    clinc = json.loads((SHARED / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    texts += [t for t, _ in clinc["train"]]
    return [t[0].upper() + t[1:] + ("" if t.endswith(("?", ".", "!")) else ".") for t in texts if t]


def write_articles(folder: Path, chunks: int, rng: random.Random) -> None:
    pool = sentences()
    articles = (chunks + SECTIONS_PER_ARTICLE - 1) // SECTIONS_PER_ARTICLE
    for a in range(articles):
        body = [f"---\ntitle: Article {a}\nurl: https://shop.example.com/help/article-{a}\n---\n"]
        for s in range(min(SECTIONS_PER_ARTICLE, chunks - a * SECTIONS_PER_ARTICLE)):
            body.append(f"## Section {s}\n\n" + " ".join(rng.sample(pool, rng.randint(3, 5))) + "\n")
        (folder / f"article-{a:05d}.md").write_text("\n".join(body), encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)

    rng = random.Random(7)
    encoder = get_encoder()
    encoder.encode(["warm-up"])
    with tempfile.TemporaryDirectory() as tmp:
        sources, index_dir = Path(tmp) / "articles", Path(tmp) / "kb"
        sources.mkdir()
        write_articles(sources, args.chunks, rng)
        config = config_module.KBConfig(index_dir=index_dir, sources=sources, auto_ingest=False)

        report = ingest([sources], encoder, config, store=IndexStore(index_dir))
        print(
            f"full ingest: {report.chunks} chunks from {report.documents} articles in {report.seconds:.1f} s "
            f"= {report.chunks / report.seconds:.0f} chunks/s (embedding {report.embed_seconds:.1f} s)",
            flush=True,
        )

        edited = sources / "article-00000.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\n## New section\n\nA brand new passage.\n")
        again = ingest([sources], encoder, config, store=IndexStore(index_dir))
        print(
            f"re-ingest after editing 1 article: {again.seconds:.2f} s, re-embedded "
            f"{len(again.embedded_documents)} document / {again.embedded_chunks} chunks",
            flush=True,
        )

        kb = KnowledgeBase(config, encoder=encoder)
        started = time.perf_counter()
        kb.refresh()
        print(f"index load (new generation picked up by a running server): {time.perf_counter() - started:.2f} s")

        with (SHARED / "banking77" / "test.csv").open(newline="", encoding="utf-8") as handle:
            queries = [row["text"] for row in csv.DictReader(handle)][: args.queries]
        for query in queries[:20]:
            kb.ask(query)  # warm caches
        latencies = []
        for query in queries:
            t0 = time.perf_counter()
            kb.ask(query)
            latencies.append((time.perf_counter() - t0) * 1000)
        stats = latency_summary(latencies)
        print(
            f"query latency over {len(queries)} queries on {len(kb.searcher.index.chunks)} chunks: "
            f"p50 {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms, mean {stats['mean_ms']} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
