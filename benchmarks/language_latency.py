"""Latency of understanding one message, Japanese next to English (the NLU pipeline with the
front door's help-centre search, in one process, one message at a time).

The questions are the routing evaluation's (tests/routing/questions.yml and questions_ja.yml),
each parsed once after a warm-up; the figures are per message, p50 / p95 / mean, and the
Japanese pipeline's own pieces (Sudachi, USE) timed alone on the same questions.

    RASA_TELEMETRY_ENABLED=false .venv/bin/python benchmarks/language_latency.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RASA_TELEMETRY_ENABLED"] = "false"


def _figures(seconds: List[float]) -> Dict[str, float]:
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def _time_each(fn: Callable[[str], object], texts: List[str]) -> List[float]:
    out = []
    for text in texts:
        started = time.perf_counter()
        fn(text)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    from rasa.core.agent import Agent

    from bot import model_loading
    from bot import settings as settings_module
    from bot.i18n.japanese import analyze
    from bot.routing_eval import QUESTIONS, load_questions
    from bot.training import ensure_model
    from knowledge_base.encoder import MULTILINGUAL_MODEL, get_encoder
    from knowledge_base.service import get_knowledge_base

    english = [q for q, _ in load_questions(QUESTIONS)]
    japanese = [q for q, _ in load_questions(ROOT / "tests" / "routing" / "questions_ja.yml")]
    for language in ("en", "ja"):
        get_knowledge_base(language).refresh()  # the server loads both at start
    model_loading.install()
    agent = Agent.load(str(ensure_model(settings_module.load())))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> object:
        return loop.run_until_complete(agent.parse_message(text))

    for text in english[:10] + japanese[:10]:  # warm-up: first calls build TensorFlow graphs
        parse(text)
    rows = {
        "English message (NLU + front door)": _figures(_time_each(parse, english)),
        "Japanese message (NLU + front door)": _figures(_time_each(parse, japanese)),
        "  of which Sudachi analysis": _figures(_time_each(analyze, japanese)),
        "  of which USE multilingual embedding": _figures(
            _time_each(lambda t: get_encoder(MULTILINGUAL_MODEL).encode([t]), japanese)
        ),
        "  English: all-MiniLM-L6-v2 embedding": _figures(_time_each(lambda t: get_encoder().encode([t]), english)),
    }
    print("| message | n | p50 ms | p95 ms | mean ms |\n|---|---|---|---|---|")
    for name, f in rows.items():
        print(f"| {name} | {f['n']} | {f['p50_ms']} | {f['p95_ms']} | {f['mean_ms']} |")


if __name__ == "__main__":
    main()
