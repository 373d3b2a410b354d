"""`python -m bot explain "text"` and `python -m bot routing eval`: the front door, inspected.

`explain` shows everything the decision is made of for one message: the intent model's ranking,
the entities, the help centre's best documents (relevance, embedding, lexical), the phrasing
cues, and the decision with its reason. `routing eval` scores the routing evaluation
(bot/routing_eval.py) and exits 1 below `--min-accuracy`.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, Dict


def _quiet() -> None:
    for name in ("rasa", "tensorflow", "absl", "sentence_transformers", "transformers", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)


def explain_text(parse: Dict[str, Any], text: str) -> str:
    from bot.nlu import phrasing

    lines = [f"Message: {text!r}", "", "Intent model (DIET):"]
    for item in (parse.get("intent_ranking") or [])[:5]:
        lines.append(f"  {item['name']:18s} {item['confidence']:.3f}")
    entities = parse.get("entities") or []
    lines.append("Entities: " + (", ".join(f"{e['entity']}={e['value']}" for e in entities) or "none"))
    lines.append(
        "Phrasing: "
        + ", ".join(
            f"{name}={fn(text)}" for name, fn in (("asks how", phrasing.asks_how), ("asks us", phrasing.asks_us))
        )
    )
    kb = parse.get("kb") or {}
    routing = parse.get("routing") or {}
    lines.append("")
    lines.append(
        "Help centre: " + (f"best {kb['best']['title']!r} ({kb['best']['relevance']:.3f})" if kb.get("best") else "-")
    )
    for suggestion in routing.get("suggestions") or []:
        lines.append(f"  suggestion {suggestion['title']!r} ({suggestion['relevance']})")
    lines.append("")
    lines.append(f"Decision: {routing.get('kind')} -> intent {routing.get('intent')}")
    lines.append(f"  why: {routing.get('reason')}")
    if routing.get("doc"):
        answer = kb.get("answer") or {}
        lines.append(f"  article: {routing['doc']['title']} ({routing['doc']['relevance']})")
        if answer.get("section"):
            lines.append(f"  section: {answer['section']}")
    if routing.get("see_also"):
        lines.append(f"  see also: {routing['see_also']['title']}")
    if routing.get("offer"):
        lines.append(f"  offers: {routing['offer']}")
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace, settings: Any) -> int:
    from bot.routing_eval import agent_parser

    _quiet()
    parse = agent_parser(args.model)
    for text in args.text:
        print(explain_text(parse(text), text))
        print()
    return 0


def cmd_routing_eval(args: argparse.Namespace, settings: Any) -> int:
    from pathlib import Path

    from bot.routing_eval import QUESTIONS, agent_parser, evaluate, load_questions

    _quiet()
    report = evaluate(agent_parser(args.model), load_questions(Path(args.file) if args.file else QUESTIONS))
    print(report.text(misses=not args.quiet))
    if report.accuracy < args.min_accuracy:
        print(f"\nBelow the required {args.min_accuracy:.0%}.")
        return 1
    return 0


def register(sub: Any) -> None:
    explain = sub.add_parser("explain", help="show how the assistant understands a message, and why")
    explain.add_argument("text", nargs="+", help="one or more messages")
    explain.add_argument("--model", help="a model file (default: the current trained model)")
    explain.set_defaults(func=cmd_explain)

    routing = sub.add_parser("routing", help="the routing evaluation")
    routing_sub = routing.add_subparsers(dest="routing_command", required=True)
    evaluation = routing_sub.add_parser("eval", help="accuracy of act / answer / ask on the labelled questions")
    evaluation.add_argument("--file", help="questions YAML (default: tests/routing/questions.yml)")
    evaluation.add_argument("--model", help="a model file (default: the current trained model)")
    evaluation.add_argument("--min-accuracy", type=float, default=0.0, help="exit 1 below this (0.9 for 90%%)")
    evaluation.add_argument("--quiet", action="store_true", help="no list of misses")
    evaluation.set_defaults(func=cmd_routing_eval)
