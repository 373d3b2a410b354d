"""`python -m bot kb ...`: ingest, search, stats, gaps and eval for the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Optional

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def register(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="the knowledge base: ingest, search, stats, gaps, eval")
    sub = kb.add_subparsers(dest="kb_command")
    kb.set_defaults(func=lambda args, settings: (kb.print_help(), 0)[1])

    ingest = sub.add_parser("ingest", help="(re)build the index from Markdown/YAML/CSV sources")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: data/knowledge)")
    ingest.add_argument("--force", action="store_true", help="re-embed every document")
    ingest.add_argument(
        "--language", choices=("en", "ja"), help="which help centre (default: both, each from its own sources)"
    )
    ingest.set_defaults(func=cmd_ingest)

    search = sub.add_parser("search", help="show what the assistant would answer, and why")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="results to show (default 5)")
    search.add_argument("--mode", default="hybrid", choices=("hybrid", "retrieval", "embedding", "bm25"))
    search.add_argument("--language", choices=("en", "ja"), help="which help centre (default: the query's)")
    search.set_defaults(func=cmd_search)

    stats = sub.add_parser("stats", help="the index, and how customers' questions were answered")
    stats.add_argument("--days", type=int, help="only queries from the last N days")
    stats.set_defaults(func=cmd_stats)

    gaps = sub.add_parser("gaps", help="questions the knowledge base could not answer, grouped by meaning")
    gaps.add_argument("--days", type=int, help="only the last N days")
    gaps.add_argument("--limit", type=int, default=20, help="groups to show (default 20)")
    gaps.add_argument("--similarity", type=float, default=None, help="grouping threshold (default 0.72)")
    gaps.set_defaults(func=cmd_gaps)

    ev = sub.add_parser("eval", help="accuracy, MRR and latency on a labelled dataset (BANKING77, CLINC150)")
    ev.add_argument(
        "--dataset", type=Path, required=True, help="CLINC150 JSON, or a text,label CSV (folder or train file)"
    )
    ev.add_argument("--test", type=Path, help="test CSV when --dataset is a train CSV without a test.csv beside it")
    ev.add_argument("--per-label", type=int, help="use the first N training questions of each label")
    ev.add_argument("--threshold", type=float, help="no-answer threshold (default: KB_SUGGEST_THRESHOLD)")
    ev.add_argument("--modes", nargs="+", default=["hybrid", "retrieval", "embedding", "bm25"])
    ev.add_argument("--latency-sample", type=int, default=300, help="queries timed one by one (default 300)")
    ev.add_argument("--json", type=Path, help="also write the results as JSON")
    ev.set_defaults(func=cmd_eval)


def _config(language: str = "en"):
    from knowledge_base import config

    return config.load(language)


def _encoder(config):
    from knowledge_base.encoder import get_encoder

    return get_encoder(config.model)


def cmd_ingest(args: argparse.Namespace, settings) -> int:
    languages = [args.language] if args.language else (["en"] if args.paths else ["en", "ja"])
    status = 0
    for language in languages:
        config = _config(language)
        if not args.paths and not Path(config.sources).exists():
            continue  # no edition in this language
        if len(languages) > 1:
            print(f"== {language}: {config.sources}")
        status = status or _ingest_one(args, settings, config)
    return status


def _ingest_one(args: argparse.Namespace, settings, config) -> int:
    from tqdm import tqdm

    from knowledge_base.index import IndexStore
    from knowledge_base.ingest import ingest
    from knowledge_base.loaders import LoadError

    paths = args.paths or [config.sources]
    encoder = _encoder(config)
    bar: Optional[tqdm] = None

    def plan(total: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, unit="text", desc="embedding", disable=total == 0, file=sys.stderr)

    try:
        report = ingest(
            paths,
            encoder,
            config,
            store=IndexStore(config.index_dir),
            progress=lambda n: bar.update(n) if bar else None,
            on_plan=plan,
            force=args.force,
            root=settings.root,
        )
    except LoadError as err:
        print(f"Cannot ingest: {err}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    print(f"Documents:   {report.documents}")
    print(f"Chunks:      {report.chunks} ({report.vectors} vectors)")
    print(f"Re-embedded: {len(report.embedded_documents)} documents, {report.embedded_chunks} chunks")
    print(
        f"Removed:     {len(report.removed_documents)}"
        + (f" ({', '.join(report.removed_documents)})" if report.removed_documents else "")
    )
    print(f"Unchanged:   {report.unchanged_documents}")
    print(f"Classifier:  {'trained' if report.classifier else 'not used (needs FAQ entries with many phrasings)'}")
    state = "published" if report.written else "nothing changed; kept"
    print(f"Index:       {state} generation {report.generation} in {config.index_dir}")
    print(f"Time:        {report.seconds:.2f} s")
    return 0


def cmd_search(args: argparse.Namespace, settings) -> int:
    from bot.i18n.detect import detect
    from knowledge_base.decision import Outcome, decide
    from knowledge_base.service import KnowledgeBase, KnowledgeBaseUnavailable

    kb = KnowledgeBase(_config(args.language or ("ja" if detect(args.query) == "ja" else "en")))
    try:
        result = kb.search(args.query, k=max(args.k, 20), mode=args.mode)
    except KnowledgeBaseUnavailable as err:
        print(err, file=sys.stderr)
        return 1
    decision = decide(result, kb.config.thresholds)
    t = kb.config.thresholds
    print(
        f"Decision: {decision.outcome.value.upper()}  (answer >= {t.answer}, suggest >= {t.suggest}, tie margin {t.margin})"
    )
    if decision.outcome == Outcome.ANSWER:
        hit = decision.answer
        print(f"Answer from {hit.title!r} [{hit.chunk.section or 'intro'}] {hit.url or ''}")
        print(textwrap.indent(hit.chunk.text, "  | "))
    elif decision.outcome == Outcome.DID_YOU_MEAN:
        print("Did you mean: " + "; ".join(f"{h.title} ({h.doc_id})" for h in decision.suggestions))
    print(f"\nTop results ({result.elapsed_ms:.1f} ms, generation {result.generation}, mode {args.mode}):")
    print(f"  {'#':>2} {'score':>6} {'embed':>6} {'bm25':>6} {'clf':>5}  chunk / title / section / url")
    for rank, hit in enumerate(result.hits[: args.k], start=1):
        print(
            f"  {rank:>2} {hit.relevance:6.3f} {hit.embedding:6.3f} {hit.lexical:6.3f} {hit.classifier:5.2f}  "
            f"{hit.chunk_id}  {hit.title!r} [{hit.chunk.section or 'intro'}] {hit.url or ''}"
        )
    return 0


def _since(days: Optional[int]) -> Optional[dt.datetime]:
    if not days:
        return None
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)


def _database(settings) -> None:
    from bot.store import db
    from bot.store.knowledge import KBFeedback, KBQuery
    from bot.store.models import Base

    db.configure(settings.app_database_url)
    # Only the knowledge-base tables: creating the whole schema here would make the first
    # `bot run` believe the shop database already exists and skip seeding it.
    Base.metadata.create_all(db.engine(), tables=[KBQuery.__table__, KBFeedback.__table__])


def cmd_stats(args: argparse.Namespace, settings) -> int:
    from collections import Counter

    from knowledge_base.index import IndexStore

    config = _config()
    index = IndexStore(config.index_dir).load()
    if index is None:
        print(f"No index in {config.index_dir} yet: run `python -m bot kb ingest`.")
    else:
        kinds = Counter(d.kind for d in index.documents.values())
        sizes = [len(c.text) for c in index.chunks if c.kind == "article"]
        print(f"Index:      generation {index.generation}, built {index.created_at}, in {config.index_dir}")
        print(f"Model:      {index.model} ({index.dim} dimensions)")
        print(f"Documents:  {len(index.documents)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
        print(f"Chunks:     {len(index.chunks)} ({len(index.vectors)} vectors)")
        if sizes:
            print(f"Passages:   {min(sizes)}-{max(sizes)} characters, median {sorted(sizes)[len(sizes) // 2]}")
        print(f"Classifier: {'yes' if index.head is not None else 'no'}")
    from bot.store.knowledge import query_stats

    _database(settings)
    stats = query_stats(_since(args.days))
    print(f"\nQueries:    {stats.total}" + (f" in the last {args.days} days" if args.days else ""))
    for outcome, count in stats.by_outcome.items():
        share = f" ({count / stats.total:.0%})" if stats.total else ""
        print(f"  {outcome:13s} {count}{share}")
    rated = stats.helpful + stats.unhelpful
    if rated:
        print(f"Feedback:   {stats.helpful} helpful, {stats.unhelpful} not ({stats.helpful / rated:.0%} helpful)")
    if stats.top_documents:
        print("Most answered: " + ", ".join(f"{d} ({n})" for d, n in stats.top_documents))
    return 0


def cmd_gaps(args: argparse.Namespace, settings) -> int:
    from bot.store.knowledge import list_gaps
    from knowledge_base.gaps import DEFAULT_SIMILARITY, cluster_gaps

    _database(settings)
    gaps = list_gaps(_since(args.days))
    if not gaps:
        print("No gaps recorded: every question got an answer nobody rated unhelpful.")
        return 0
    config = _config()
    clusters = cluster_gaps(gaps, _encoder(config), args.similarity or DEFAULT_SIMILARITY)
    print(f"{len(gaps)} unanswered or unhelpful questions in {len(clusters)} groups (most frequent first):\n")
    for rank, cluster in enumerate(clusters[: args.limit], start=1):
        reasons = ", ".join(f"{r} {n}" for r, n in cluster.reasons.most_common())
        last = cluster.last_seen.strftime("%Y-%m-%d %H:%M") if cluster.last_seen else "?"
        print(f"{rank:>3}. {cluster.representative!r}  x{cluster.count}  ({reasons}; last {last})")
        for example in cluster.examples(4)[1:]:
            print(f"       also: {example!r}")
    if len(clusters) > args.limit:
        print(f"\n... and {len(clusters) - args.limit} more groups (--limit)")
    return 0


def cmd_eval(args: argparse.Namespace, settings) -> int:
    from knowledge_base.datasets import load_dataset
    from knowledge_base.evaluation import evaluate, table
    from knowledge_base.search import MODES

    unknown = [m for m in args.modes if m not in MODES]
    if unknown:
        print(f"Unknown mode(s) {unknown}; choose from {', '.join(MODES)}", file=sys.stderr)
        return 2
    try:
        dataset = load_dataset(args.dataset, test=args.test, per_label=args.per_label)
    except (OSError, ValueError, KeyError) as err:
        print(f"Cannot read the dataset: {err}", file=sys.stderr)
        return 1
    config = _config()
    print(
        f"{dataset.name}: {len(dataset.labels)} labels, {len(dataset.train)} training questions, "
        f"{len(dataset.test)} test queries" + (f", {len(dataset.oos_test)} out-of-scope" if dataset.has_oos else ""),
        flush=True,
    )
    results = evaluate(
        dataset,
        _encoder(config),
        config,
        modes=args.modes,
        latency_sample=args.latency_sample,
        threshold=args.threshold,
        log=lambda line: print(line, flush=True),
    )
    print()
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.to_json() for r in results], indent=2) + "\n", encoding="utf-8")
    return 0
