"""Grouping unanswered questions by meaning for `kb gaps`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from kb_fakes import FakeEncoder

from knowledge_base.gaps import cluster_gaps, normalise

T0 = dt.datetime(2026, 1, 1, 12, 0)


def gap(query: str, reason: str = "no_answer", minutes: int = 0, channel: str = "rest"):
    return SimpleNamespace(query=query, reason=reason, channel=channel, created_at=T0 + dt.timedelta(minutes=minutes))


def test_same_meaning_is_grouped_and_the_biggest_group_comes_first() -> None:
    encoder = FakeEncoder(synonyms={"japan": "tokyo", "deliver": "ship"})
    gaps = [
        gap("Do you ship to Tokyo?"),
        gap("do you ship to tokyo"),
        gap("Do you deliver to Japan?", reason="rejected_suggestions", minutes=5, channel="slack"),
        gap("Can I pay with bitcoin?", reason="unhelpful"),
    ]
    clusters = cluster_gaps(gaps, encoder, similarity=0.8)
    assert [(c.representative, c.count) for c in clusters] == [
        ("Do you ship to Tokyo?", 3),
        ("Can I pay with bitcoin?", 1),
    ]
    biggest = clusters[0]
    assert biggest.reasons == {"no_answer": 2, "rejected_suggestions": 1}
    assert biggest.channels == {"rest": 2, "slack": 1}
    assert biggest.last_seen == T0 + dt.timedelta(minutes=5)
    assert set(biggest.examples()) == {"Do you ship to Tokyo?", "do you ship to tokyo", "Do you deliver to Japan?"}


def test_unrelated_questions_stay_apart_and_empty_input_is_fine() -> None:
    clusters = cluster_gaps([gap("gift wrapping"), gap("bitcoin payments")], FakeEncoder(), similarity=0.8)
    assert len(clusters) == 2
    assert cluster_gaps([], FakeEncoder()) == []
    assert cluster_gaps([gap("?!")], FakeEncoder()) == []


def test_normalise_ignores_case_and_punctuation() -> None:
    assert normalise("  Do you   ship to Tokyo?! ") == "do you ship to tokyo"
