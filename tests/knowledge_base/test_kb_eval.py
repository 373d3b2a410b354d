"""`kb eval` on small labelled datasets in both supported formats, and its metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kb_fakes import FakeEncoder, make_config, write

from knowledge_base.datasets import first_per_label, load_dataset
from knowledge_base.evaluation import evaluate, faq_documents, table
from knowledge_base.metrics import choose_threshold, latency_summary, reciprocal_rank

TOPICS = {
    "refund": ["when do I get my refund", "refund still not here", "how long does a refund take", "refund money back"],
    "shipping": ["how much is shipping", "shipping cost to canada", "is shipping free", "shipping price"],
    "password": ["reset my password", "forgot password", "password reset link", "change password"],
}


def write_csv_dataset(folder: Path) -> Path:
    train = "text,category\n" + "".join(f"{q},{label}\n" for label, qs in TOPICS.items() for q in qs[:3])
    test = "text,category\n" + "".join(f"{qs[3]},{label}\n" for label, qs in TOPICS.items())
    write(folder / "train.csv", train)
    write(folder / "test.csv", test)
    return folder


def test_csv_folder_with_train_and_test(tmp_path: Path) -> None:
    dataset = load_dataset(write_csv_dataset(tmp_path / "bank"))
    assert dataset.labels == ["password", "refund", "shipping"]
    assert len(dataset.train) == 9 and len(dataset.test) == 3 and not dataset.has_oos
    assert load_dataset(tmp_path / "bank" / "train.csv").test == dataset.test  # test.csv found beside it


def test_first_n_per_label_in_file_order() -> None:
    rows = [("a1", "a"), ("b1", "b"), ("a2", "a"), ("a3", "a"), ("b2", "b")]
    assert first_per_label(rows, 2) == [("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b")]
    assert first_per_label(rows, None) == rows


def test_each_label_becomes_one_faq_entry_with_its_questions(tmp_path: Path) -> None:
    docs = faq_documents(load_dataset(write_csv_dataset(tmp_path / "bank"), per_label=2))
    assert [(d.id, d.questions) for d in docs] == [
        ("refund", ("when do I get my refund", "refund still not here")),
        ("shipping", ("how much is shipping", "shipping cost to canada")),
        ("password", ("reset my password", "forgot password")),
    ]
    assert all(d.body == "" for d in docs)  # nothing but the questions can match


def test_evaluation_reports_accuracy_mrr_and_latency_per_mode(tmp_path: Path) -> None:
    dataset = load_dataset(write_csv_dataset(tmp_path / "bank"))
    results = evaluate(dataset, FakeEncoder(), make_config(tmp_path / "kb"), modes=["hybrid", "bm25"])
    assert [r.mode for r in results] == ["hybrid", "bm25"]
    for r in results:
        assert r.top1 == 1.0 and r.mrr5 == 1.0
        assert r.queries == 3 and r.train_questions == 9
        assert r.p95_ms >= r.p50_ms > 0
        assert r.oos_recall is None
    assert "| bank | hybrid | 100.00 | 100.00 |" in table(results)


def test_clinc_style_json_reports_in_scope_accuracy_and_oos_recall(tmp_path: Path) -> None:
    data = {
        "train": [[q, label] for label, qs in TOPICS.items() for q in qs[:3]],
        "val": [[qs[0] + " today", label] for label, qs in TOPICS.items()],
        "test": [[qs[1] + " again", label] for label, qs in TOPICS.items()],
        "oos_val": [["what is the capital of peru", "oos"], ["play some jazz", "oos"]],
        "oos_test": [["how tall is everest", "oos"], ["tell me a joke", "oos"]],
    }
    path = write(tmp_path / "clinc.json", json.dumps(data))
    dataset = load_dataset(path)
    assert dataset.has_oos and dataset.oos_test == ["how tall is everest", "tell me a joke"]
    (result,) = evaluate(dataset, FakeEncoder(), make_config(tmp_path / "kb"), modes=["hybrid"], threshold=0.5)
    assert result.threshold == 0.5
    assert result.in_scope_accuracy == 1.0 and result.oos_recall == 1.0
    assert result.calibrated_in_scope_accuracy == 1.0 and result.calibrated_oos_recall == 1.0
    (strict,) = evaluate(dataset, FakeEncoder(), make_config(tmp_path / "kb"), modes=["hybrid"], threshold=5.0)
    assert strict.in_scope_accuracy == 0.0 and strict.oos_recall == 1.0


def test_choose_threshold_balances_accuracy_and_recall() -> None:
    threshold = choose_threshold([0.9, 0.8, 0.7, 0.2], [True, True, True, False], [0.1, 0.3, 0.5])
    assert 0.5 < threshold <= 0.7
    assert choose_threshold([0.9], [True], [0.1, 0.5, 0.8], min_oos_recall=0.6) == pytest.approx(0.65)
    assert choose_threshold([], [], [0.1]) == 0.0


def test_small_metrics() -> None:
    assert reciprocal_rank(["a", "b", "c"], "b") == 0.5
    assert reciprocal_rank(["a", "b"], "z") == 0.0
    assert latency_summary([1.0, 2.0, 3.0, 4.0])["p50_ms"] == 2.5
    assert latency_summary([]) == {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0}
