"""The routing evaluation: does each question reach the right article or the right form?

Questions and where they must go are in tests/routing/questions.yml (see its header). A
question is scored from the front door's decision alone (one message, a new conversation):

- an article label is met by an answer from that document, or by a clarifying question that
  offers it (the customer reaches it in one click; clarifications are counted separately); a
  few questions that two articles answer equally well name the second one (`also:`);
- an `@intent` label is met when that action runs (or is offered in a clarifying question);
- `@none` is met by "out of scope", "not understood" or "the help centre has nothing".

Did-you-mean lists count as misses: the customer did not get the answer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "tests" / "routing" / "questions.yml"
NONE = "@none"
UNANSWERED = {"out_of_scope", "nlu_fallback"}


def load_questions(path: Path = QUESTIONS) -> List[Tuple[str, str]]:
    """(question, label) pairs; a label may name alternatives, "a|b" (two articles answer it)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    pairs = []
    for label, questions in data.items():
        for item in questions:
            if isinstance(item, dict):  # {q: "...", also: [other-document]}
                pairs.append((str(item["q"]), "|".join([str(label), *map(str, item.get("also") or [])])))
            else:
                pairs.append((str(item), str(label)))
    return pairs


def destination(routing: Dict[str, Any]) -> Tuple[str, Tuple[str, ...]]:
    """(what the customer got, the labels that counts as) from a parse's `routing`."""
    kind, intent = routing.get("kind"), routing.get("intent")
    doc = (routing.get("doc") or {}).get("doc_id")
    if kind == "answer" and doc:
        return doc, (doc,)
    if kind == "clarify" and doc:
        return f"clarify:{doc}|@{routing.get('offer')}", (doc, f"@{routing.get('offer')}")
    if kind == "suggest":
        docs = ",".join(s["doc_id"] for s in routing.get("suggestions") or [])
        return f"suggest:{docs}", ()
    if kind == "no_answer" or intent in UNANSWERED:
        return NONE, (NONE,)
    return f"@{intent}", (f"@{intent}",)


def group(label: str) -> str:
    if label == NONE:
        return "nothing"
    return "form/person" if label.startswith("@") else "article"


@dataclass
class Report:
    rows: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r["correct"] for r in self.rows) / len(self.rows) if self.rows else 0.0

    def per_class(self) -> Dict[str, Tuple[int, int]]:
        counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            counts[row["label"]][0] += row["correct"]
            counts[row["label"]][1] += 1
        return {label: (good, total) for label, (good, total) in sorted(counts.items())}

    def confusion(self) -> Counter:
        """Where the misses went, by kind: article -> form/person, form/person -> article, ..."""
        confusion: Counter = Counter()
        for row in self.rows:
            if not row["correct"]:
                got = row["got"]
                went = (
                    "did-you-mean"
                    if got.startswith("suggest:")
                    else "clarify"
                    if got.startswith("clarify:")
                    else group(got)
                )
                confusion[(group(row["label"]), went)] += 1
        return confusion

    @property
    def clarifications(self) -> int:
        return sum(1 for r in self.rows if r["got"].startswith("clarify:"))

    def text(self, misses: bool = True) -> str:
        lines = [f"Routing: {self.accuracy:.1%} of {len(self.rows)} questions reached the right place"]
        lines.append(f"  ({self.clarifications} by a clarifying question)")
        lines.append("\nPer class (right / questions):")
        for label, (good, total) in self.per_class().items():
            lines.append(f"  {label:34s} {good:3d} / {total:<3d} {good / total:6.0%}")
        lines.append("\nMisses by kind (expected -> got):")
        for (expected, got), count in sorted(self.confusion().items()):
            lines.append(f"  {expected:12s} -> {got:14s} {count}")
        if misses:
            lines.append("\nMisses:")
            for row in self.rows:
                if not row["correct"]:
                    lines.append(f"  {row['label']:30s} got {row['got']:40s} {row['question']!r}  ({row['reason']})")
        return "\n".join(lines)


def evaluate(parse: Callable[[str], Dict[str, Any]], questions: Iterable[Tuple[str, str]]) -> Report:
    """`parse(text)` -> Rasa parse data with the front door's `routing`."""
    report = Report()
    for question, label in questions:
        routing = parse(question).get("routing") or {}
        got, counts_as = destination(routing)
        report.rows.append(
            {
                "question": question,
                "label": label.split("|")[0],
                "got": got,
                "correct": bool(set(label.split("|")) & set(counts_as)),
                "reason": routing.get("reason", ""),
            }
        )
    return report


def agent_parser(model_path: Optional[str] = None) -> Callable[[str], Dict[str, Any]]:
    """Parse with the trained assistant in this process (model trained first if needed)."""
    import asyncio

    from rasa.core.agent import Agent

    from bot import model_loading
    from bot import settings as settings_module
    from bot.training import ensure_model

    model_loading.install()  # as the server loads it
    path = model_path or str(ensure_model(settings_module.load()))
    agent = Agent.load(path)
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))
