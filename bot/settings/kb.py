"""The help centre's settings (KB_*), read into knowledge_base.config's plain dataclasses.

The knowledge-base package itself never reads the environment: its defaults are the
calibrated values (docs/PERFORMANCE.md), and a deployment overrides them here.
"""

from __future__ import annotations

from pathlib import Path

from bot.settings.env import PROJECT_ROOT, env, env_bool


def kb_ja_from_env(var_dir: Path, english):
    """The Japanese help centre: data/knowledge/ja, its own index, the multilingual encoder.

    Its thresholds were calibrated on tests/routing/questions_ja_dev.yml (USE scores run lower
    than MiniLM's); KB_JA_* override them. English documents with no Japanese edition are
    indexed too and answered with a note (`fallback`)."""
    from knowledge_base.config import KBConfig, ScoringConfig, Thresholds
    from knowledge_base.encoder import MULTILINGUAL_MODEL

    thresholds = JA_THRESHOLDS
    return KBConfig(
        index_dir=env("KB_JA_INDEX_DIR", Path, None) or var_dir / "kb-ja",
        sources=env("KB_JA_SOURCES", Path, None) or Path(english.sources) / "ja",
        model=env("KB_JA_MODEL", str, MULTILINGUAL_MODEL),
        max_chunk_chars=english.max_chunk_chars,
        auto_ingest=english.auto_ingest,
        language="ja",
        fallback=Path(english.sources),
        thresholds=Thresholds(
            answer=env("KB_JA_ANSWER_THRESHOLD", float, thresholds["answer"]),
            suggest=env("KB_JA_SUGGEST_THRESHOLD", float, thresholds["suggest"]),
            margin=env("KB_JA_TIE_MARGIN", float, thresholds["margin"]),
            max_suggestions=english.thresholds.max_suggestions,
        ),
        scoring=ScoringConfig(
            lexical_weight=env("KB_JA_LEXICAL_WEIGHT", float, JA_LEXICAL_WEIGHT),
            head_weight=english.scoring.head_weight,
            head_min_phrasings=english.scoring.head_min_phrasings,
        ),
    )


JA_THRESHOLDS = {"answer": 0.62, "suggest": 0.45, "margin": 0.04}
JA_LEXICAL_WEIGHT = 0.3


def kb_from_env(var_dir: Path):
    from knowledge_base.config import KBConfig, ScoringConfig, Thresholds

    defaults, thresholds, scoring = KBConfig(), Thresholds(), ScoringConfig()
    return KBConfig(
        index_dir=env("KB_INDEX_DIR", Path, None) or var_dir / "kb",
        sources=env("KB_SOURCES", Path, PROJECT_ROOT / "data" / "knowledge"),
        model=env("KB_MODEL"),
        max_chunk_chars=env("KB_MAX_CHUNK_CHARS", int, defaults.max_chunk_chars),
        auto_ingest=env_bool("KB_AUTO_INGEST", defaults.auto_ingest),
        thresholds=Thresholds(
            answer=env("KB_ANSWER_THRESHOLD", float, thresholds.answer),
            suggest=env("KB_SUGGEST_THRESHOLD", float, thresholds.suggest),
            margin=env("KB_TIE_MARGIN", float, thresholds.margin),
            max_suggestions=env("KB_MAX_SUGGESTIONS", int, thresholds.max_suggestions),
        ),
        scoring=ScoringConfig(
            lexical_weight=env("KB_LEXICAL_WEIGHT", float, scoring.lexical_weight),
            head_weight=env("KB_HEAD_WEIGHT", float, scoring.head_weight),
            head_min_phrasings=env("KB_HEAD_MIN_PHRASINGS", int, scoring.head_min_phrasings),
        ),
    )
