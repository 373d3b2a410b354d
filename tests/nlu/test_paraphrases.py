"""Customers don't use our training sentences: held-out phrasings must reach the right intent."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.model]

HELD_OUT = Path(__file__).with_name("paraphrases.yml")
# Where two outcomes give the customer the same thing: an out-of-scope question that falls
# below the NLU threshold goes to the knowledge base, which answers it honestly with "no".
EQUIVALENT = {"out_of_scope": {"nlu_fallback"}}
MIN_ACCURACY = 0.9


@pytest.fixture(scope="module")
def parse(model_path):
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return lambda text: asyncio.run(agent.parse_message(text))


def _training_texts() -> set:
    texts = set()
    for path in Path("data/nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                texts.add(line.strip().lstrip("- ").lower())
    return texts


def test_held_out_set_is_really_held_out():
    training = _training_texts()
    held_out = [t.lower() for texts in yaml.safe_load(HELD_OUT.read_text()).values() for t in texts]
    assert not [t for t in held_out if t in training]


def test_paraphrases_reach_the_right_intent(parse):
    cases = yaml.safe_load(HELD_OUT.read_text())
    misses, per_intent = [], Counter()
    total = 0
    for intent, texts in cases.items():
        for text in texts:
            total += 1
            got = parse(text)["intent"]["name"]
            if got == intent or got in EQUIVALENT.get(intent, ()):
                per_intent[intent] += 1
            else:
                misses.append(f"{text!r}: expected {intent}, got {got}")
    accuracy = 1 - len(misses) / total
    assert accuracy >= MIN_ACCURACY, f"{accuracy:.1%} of {total} held-out phrasings:\n" + "\n".join(misses)
    # No intent may be mostly missed, however good the average.
    for intent, texts in cases.items():
        assert per_intent[intent] / len(texts) >= 0.6, f"{intent}: {per_intent[intent]}/{len(texts)}\n" + "\n".join(
            misses
        )
