"""Labelled intent datasets used to evaluate the knowledge base (BANKING77, CLINC150).

Both are read in place from `../shared/datasets/` and never copied into the repository.
A dataset is turned into a labelled-FAQ knowledge base: every label becomes one FAQ
entry whose phrasings are that label's training questions, and the test questions are
the queries. Subsampling takes the *first* N questions of each label in file order, so a
figure like "10 per label" is reproducible without a random seed.
"""

from __future__ import annotations

import csv
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

OOS_LABEL = "oos"

Example = Tuple[str, str]  # (text, label)


@dataclass
class LabelledDataset:
    """Training questions (the KB), test queries, and optional validation/out-of-scope splits."""

    name: str
    train: List[Example]
    test: List[Example]
    val: List[Example] = field(default_factory=list)
    oos_test: List[str] = field(default_factory=list)
    oos_val: List[str] = field(default_factory=list)

    @property
    def labels(self) -> List[str]:
        return sorted({label for _, label in self.train})

    @property
    def has_oos(self) -> bool:
        return bool(self.oos_test)

    def questions_by_label(self) -> OrderedDict[str, List[str]]:
        grouped: OrderedDict[str, List[str]] = OrderedDict()
        for text, label in self.train:
            grouped.setdefault(label, []).append(text)
        return grouped


def first_per_label(examples: Iterable[Example], n: Optional[int]) -> List[Example]:
    """The first `n` examples of each label, in file order (all of them when n is None)."""
    if not n:
        return list(examples)
    seen: Dict[str, int] = {}
    kept: List[Example] = []
    for text, label in examples:
        if seen.get(label, 0) < n:
            kept.append((text, label))
            seen[label] = seen.get(label, 0) + 1
    return kept


def _read_csv(path: Path) -> List[Example]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        label_col = next((c for c in ("label", "category", "intent") if c in columns), None)
        if "text" not in columns or label_col is None:
            raise ValueError(f"{path}: expected a header with 'text' and 'label' (or 'category'), got {columns}")
        rows = []
        for raw in reader:
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if row["text"] and row[label_col]:
                rows.append((row["text"], row[label_col]))
        return rows


def _csv_pair(path: Path, test: Optional[Path]) -> Tuple[Path, Path]:
    if path.is_dir():
        return path / "train.csv", path / "test.csv"
    if test is not None:
        return path, test
    sibling = path.with_name(path.name.replace("train", "test"))
    if sibling == path or not sibling.exists():
        raise ValueError(f"{path}: give the test split with --test (looked for {sibling.name})")
    return path, sibling


def load_csv_dataset(path: Path, test: Optional[Path] = None) -> LabelledDataset:
    """`text,label` CSV files: a folder with train.csv and test.csv, or a train file (+ --test)."""
    train_path, test_path = _csv_pair(path, test)
    name = train_path.parent.name if train_path.name == "train.csv" else train_path.stem
    return LabelledDataset(name=name, train=_read_csv(train_path), test=_read_csv(test_path))


def load_clinc(path: Path) -> LabelledDataset:
    """CLINC150 (`data_full.json`): in-scope train/val/test plus out-of-scope val/test queries."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def pairs(key: str) -> List[Example]:
        return [(str(text), str(label)) for text, label in data.get(key, [])]

    return LabelledDataset(
        name="clinc150",
        train=pairs("train"),
        test=pairs("test"),
        val=pairs("val"),
        oos_test=[text for text, _ in pairs("oos_test")],
        oos_val=[text for text, _ in pairs("oos_val")],
    )


def load_dataset(path: Path, test: Optional[Path] = None, per_label: Optional[int] = None) -> LabelledDataset:
    """Load by shape: a JSON file is CLINC150-style, anything else `text,label` CSV."""
    path = Path(path)
    if path.is_dir() and (path / "data_full.json").exists():
        path = path / "data_full.json"
    dataset = load_clinc(path) if path.suffix == ".json" else load_csv_dataset(path, test)
    dataset.train = first_per_label(dataset.train, per_label)
    if per_label:
        dataset.name = f"{dataset.name} ({per_label}/label)"
    return dataset


def split_queries(examples: Sequence[Example]) -> Tuple[List[str], List[str]]:
    return [t for t, _ in examples], [label for _, label in examples]
