"""Knowledge-base settings: plain values with the defaults that work in a fresh clone.

The thresholds were calibrated on this repository's help-centre content against CLINC150's
out-of-scope questions (see docs/PERFORMANCE.md, "Knowledge base"). The environment (KB_*)
is read by `bot.settings` (bot/settings/kb.py), once per process; `load()` returns that.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Thresholds:
    """When a search result is good enough to answer, to suggest, or neither.

    All three compare the *relevance* score (embedding similarity plus the weighted
    lexical coverage, see `search.py`), which is on the same scale for every index.
    """

    answer: float = 0.62
    suggest: float = 0.45
    margin: float = 0.04
    max_suggestions: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.suggest <= self.answer:
            raise ValueError(
                f"KB_SUGGEST_THRESHOLD ({self.suggest}) must be between 0 and KB_ANSWER_THRESHOLD ({self.answer})"
            )
        if self.max_suggestions < 1:
            raise ValueError("KB_MAX_SUGGESTIONS must be at least 1")


@dataclass(frozen=True)
class ScoringConfig:
    """How the signals are fused; the defaults were tuned on validation splits (not test)."""

    lexical_weight: float = 0.3
    # Entries with several phrasings: 0.75 * mean of the 2 best phrasings + 0.25 * centroid.
    top_k: int = 2
    top_k_share: float = 0.75
    head_weight: float = 1.0
    head_min_phrasings: int = 5


@dataclass(frozen=True)
class KBConfig:
    index_dir: Path = PROJECT_ROOT / "var" / "kb"
    sources: Path = PROJECT_ROOT / "data" / "knowledge"
    model: Optional[str] = None
    max_chunk_chars: int = 800
    auto_ingest: bool = True
    # The help centre's language. Another language's edition lives in a subfolder of the
    # sources named by its code (data/knowledge/ja) and has an index of its own; `fallback`
    # names sources whose documents it lacks are taken from (English, shown with a note).
    language: str = "en"
    fallback: Optional[Path] = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)

    def with_thresholds(self, **changes: float) -> KBConfig:
        values = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, thresholds=dataclasses.replace(self.thresholds, **values))


# Subfolders of the sources that hold another language's edition of the help centre.
EDITIONS = ("ja",)


def load(language: str = "en") -> KBConfig:
    """The process's settings (KB_* variables applied), as `bot.settings.load().kb` (English)
    or `.kb_ja` (Japanese)."""
    from bot.settings import load as load_settings

    settings = load_settings()
    return settings.kb_ja if language == "ja" else settings.kb
