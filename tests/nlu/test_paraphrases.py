"""Customers don't use our training sentences: held-out phrasings must reach the right intent.

This measures the intent model (DIET's best intent), not the front door's routing, which may
answer a question from the help centre whatever its intent (tests/routing measures that). Every
intent has at least 8 phrasings, so a per-intent floor means something and one retraining
cannot flip it."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.model]

HELD_OUT = Path(__file__).with_name("paraphrases.yml")
HELD_OUT_JA = Path(__file__).with_name("paraphrases_ja.yml")  # written apart from data/nlu/ja
SETS = pytest.mark.parametrize("held_out", [HELD_OUT, HELD_OUT_JA], ids=["en", "ja"])
# (overall, per intent). Japanese is gated lower, at what the model reaches today (88 %; its
# out-of-scope detection is the weak spot, docs/PERFORMANCE.md): a drop still fails the build.
FLOORS = {HELD_OUT: (0.9, 0.6), HELD_OUT_JA: (0.85, 0.5)}
MIN_EXAMPLES = 8


@pytest.fixture(scope="module")
def parse(model_path, help_centre):
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def _top_intent(parsed: dict) -> str:
    ranking = parsed.get("intent_ranking") or []
    return ranking[0]["name"] if ranking else parsed["intent"]["name"]


def _training_texts() -> set:
    texts = set()
    for path in Path("data/nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                texts.add(line.strip().lstrip("- ").lower())
    return texts


@SETS
def test_held_out_set_is_really_held_out(held_out):
    training = _training_texts()
    phrasings = [t.lower() for texts in yaml.safe_load(held_out.read_text()).values() for t in texts]
    assert not [t for t in phrasings if t in training]


@SETS
def test_every_intent_has_enough_phrasings(held_out):
    cases = yaml.safe_load(held_out.read_text())
    assert {intent: len(texts) for intent, texts in cases.items() if len(texts) < MIN_EXAMPLES} == {}


@SETS
def test_paraphrases_reach_the_right_intent(parse, held_out):
    cases = yaml.safe_load(held_out.read_text())
    misses, per_intent = [], Counter()
    total = 0
    for intent, texts in cases.items():
        for text in texts:
            total += 1
            got = _top_intent(parse(text))
            if got == intent:
                per_intent[intent] += 1
            else:
                misses.append(f"{text!r}: expected {intent}, got {got}")
    accuracy = 1 - len(misses) / total
    min_accuracy, min_per_intent = FLOORS[held_out]
    assert accuracy >= min_accuracy, f"{accuracy:.1%} of {total} held-out phrasings:\n" + "\n".join(misses)
    # No intent may be mostly missed, however good the average.
    for intent, texts in cases.items():
        assert per_intent[intent] / len(texts) >= min_per_intent, (
            f"{intent}: {per_intent[intent]}/{len(texts)}\n" + "\n".join(misses)
        )
