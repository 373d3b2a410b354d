"""The routing evaluation as a CI gate: at least 90 % of the labelled questions reach the right
article or the right form, in English and in Japanese (bot/routing_eval.py; `python -m bot
routing eval [--file tests/routing/questions_ja.yml]` prints the details)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.routing_eval import QUESTIONS, evaluate, load_questions

MIN_ACCURACY = 0.90
ROOT = Path(__file__).resolve().parents[2]
QUESTIONS_JA = Path(__file__).with_name("questions_ja.yml")
DEV_JA = Path(__file__).with_name("questions_ja_dev.yml")  # threshold calibration only
# Each set, and the help centre whose documents it must cover.
SETS = [(QUESTIONS, ROOT / "data" / "knowledge"), (QUESTIONS_JA, ROOT / "data" / "knowledge" / "ja")]
ACTION_INTENTS = {"check_order", "cancel_order", "open_ticket", "ticket_status", "request_human", "frustrated"}


def _training_texts() -> set:
    texts = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                texts.add(line.strip().lstrip("- ").lower())
    return texts


def _help_centre_documents(sources: Path) -> set:
    from knowledge_base.loaders import load_documents

    return {doc.id for doc in load_documents([sources])}


def _phrasings(sources: Path) -> set:
    from knowledge_base.loaders import load_documents

    return {q.lower() for doc in load_documents([sources]) for q in doc.questions}


@pytest.mark.parametrize(("path", "sources"), SETS, ids=["en", "ja"])
def test_the_questions_are_many_fresh_and_cover_everything(path, sources):
    questions = load_questions(path)
    assert len(questions) >= 150
    training = _training_texts() | _phrasings(sources)
    assert [q for q, _ in questions if q.lower() in training] == []
    labels = {label.split("|")[0] for _, label in questions}
    assert _help_centre_documents(sources) <= labels, "every article and FAQ entry has questions"
    assert {f"@{i}" for i in ACTION_INTENTS} <= labels, "every action intent has questions"
    assert len({q.lower() for q, _ in questions}) == len(questions), "no question twice"


def test_the_japanese_development_set_is_apart_from_the_test_set():
    test = {q for q, _ in load_questions(QUESTIONS_JA)}
    assert not test & {q for q, _ in load_questions(DEV_JA)}


@pytest.fixture(scope="module")
def parse(model_path, help_centre):
    from bot.routing_eval import agent_parser

    return agent_parser(str(model_path))


@pytest.mark.model
@pytest.mark.parametrize("path", [QUESTIONS, QUESTIONS_JA], ids=["en", "ja"])
def test_routing_reaches_the_right_place(parse, path):
    report = evaluate(parse, load_questions(path))
    print(report.text())
    assert report.accuracy >= MIN_ACCURACY, report.text()
