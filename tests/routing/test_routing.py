"""The routing evaluation as a CI gate: at least 90 % of the labelled questions reach the right
article or the right form (bot/routing_eval.py; `python -m bot routing eval` prints the details)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.routing_eval import QUESTIONS, evaluate, load_questions

MIN_ACCURACY = 0.90
ROOT = Path(__file__).resolve().parents[2]
ACTION_INTENTS = {"check_order", "cancel_order", "open_ticket", "ticket_status", "request_human", "frustrated"}


def _training_texts() -> set:
    texts = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                texts.add(line.strip().lstrip("- ").lower())
    return texts


def _help_centre_documents() -> set:
    from knowledge_base.loaders import load_documents

    return {doc.id for doc in load_documents([ROOT / "data" / "knowledge"])}


def test_the_questions_are_many_fresh_and_cover_everything():
    questions = load_questions()
    assert len(questions) >= 150
    training = _training_texts()
    assert [q for q, _ in questions if q.lower() in training] == []
    labels = {label for _, label in questions}
    assert _help_centre_documents() <= labels, "every article and FAQ entry has questions"
    assert {f"@{i}" for i in ACTION_INTENTS} <= labels, "every action intent has questions"
    assert len({q.lower() for q, _ in questions}) == len(questions), "no question twice"


@pytest.mark.model
def test_routing_reaches_the_right_place(model_path, help_centre):
    from bot.routing_eval import agent_parser

    report = evaluate(agent_parser(str(model_path)), load_questions(QUESTIONS))
    print(report.text())
    assert report.accuracy >= MIN_ACCURACY, report.text()
