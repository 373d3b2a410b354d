"""Knowledge-base settings, read from the environment once per process.

Every value has a default that works in a fresh clone; the thresholds were calibrated
on this repository's help-centre content against CLINC150's out-of-scope questions (see
docs/PERFORMANCE.md, "Knowledge base"). A malformed value fails loudly with its name,
like the rest of `bot.settings`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.settings import PROJECT_ROOT, env, env_bool


def _var_dir() -> Path:
    return Path(env("VAR_DIR", Path, PROJECT_ROOT / "var"))


@dataclass(frozen=True)
class Thresholds:
    """When a search result is good enough to answer, to suggest, or neither.

    All three compare the *relevance* score (embedding similarity plus the weighted
    lexical coverage, see `search.py`), which is on the same scale for every index.
    """

    answer: float = field(default_factory=lambda: env("KB_ANSWER_THRESHOLD", float, 0.62))
    suggest: float = field(default_factory=lambda: env("KB_SUGGEST_THRESHOLD", float, 0.45))
    margin: float = field(default_factory=lambda: env("KB_TIE_MARGIN", float, 0.04))
    max_suggestions: int = field(default_factory=lambda: env("KB_MAX_SUGGESTIONS", int, 3))

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

    lexical_weight: float = field(default_factory=lambda: env("KB_LEXICAL_WEIGHT", float, 0.3))
    # Entries with several phrasings: 0.75 * mean of the 2 best phrasings + 0.25 * centroid.
    top_k: int = 2
    top_k_share: float = 0.75
    head_weight: float = field(default_factory=lambda: env("KB_HEAD_WEIGHT", float, 1.0))
    head_min_phrasings: int = field(default_factory=lambda: env("KB_HEAD_MIN_PHRASINGS", int, 5))


@dataclass(frozen=True)
class KBConfig:
    index_dir: Path = field(default_factory=lambda: env("KB_INDEX_DIR", Path, None) or _var_dir() / "kb")
    sources: Path = field(default_factory=lambda: env("KB_SOURCES", Path, PROJECT_ROOT / "data" / "knowledge"))
    model: Optional[str] = field(default_factory=lambda: env("KB_MODEL"))
    max_chunk_chars: int = field(default_factory=lambda: env("KB_MAX_CHUNK_CHARS", int, 800))
    auto_ingest: bool = field(default_factory=lambda: env_bool("KB_AUTO_INGEST", True))
    thresholds: Thresholds = field(default_factory=Thresholds)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)

    def with_thresholds(self, **changes: float) -> KBConfig:
        values = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, thresholds=dataclasses.replace(self.thresholds, **values))


def load() -> KBConfig:
    return KBConfig()
