"""Group unanswered questions by meaning, most frequent first (`kb gaps`).

Customers ask the same missing thing in many words ("do you ship to Japan", "can I order
from Tokyo"); a list of raw questions hides that. Questions are embedded with the same
encoder as the knowledge base and grouped greedily: in order of frequency, each question
joins the first group whose centroid it is at least `similarity` close to, or starts a
new one. That is order-dependent, but it is deterministic, needs no cluster count, and
with a few thousand gaps it takes milliseconds after encoding.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np

from knowledge_base.encoder import Encoder

DEFAULT_SIMILARITY = 0.72


@dataclass
class GapCluster:
    representative: str  # the most frequent wording
    count: int = 0
    questions: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    last_seen: object = None
    members: List = field(default_factory=list)  # the gaps themselves, newest first

    def examples(self, n: int = 3) -> List[str]:
        return [q for q, _ in self.questions.most_common(n)]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text.lower())).strip()


def cluster_gaps(gaps: Sequence, encoder: Encoder, similarity: float = DEFAULT_SIMILARITY) -> List[GapCluster]:
    """`gaps` are objects with query, reason, channel and created_at (see bot.store.knowledge.Gap)."""
    by_text: Dict[str, List] = {}
    for gap in gaps:
        key = normalise(gap.query)
        if key:
            by_text.setdefault(key, []).append(gap)
    if not by_text:
        return []
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))
    vectors = encoder.encode(texts)
    clusters: List[GapCluster] = []
    sums: List[np.ndarray] = []
    for text, vector in zip(texts, vectors, strict=True):
        chosen = None
        if clusters:
            centroids = np.stack(sums)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
            sims = centroids @ vector
            best = int(np.argmax(sims))
            if sims[best] >= similarity:
                chosen = best
        members = by_text[text]
        if chosen is None:
            clusters.append(GapCluster(representative=members[0].query.strip()))
            sums.append(np.zeros_like(vector))
            chosen = len(clusters) - 1
        cluster = clusters[chosen]
        sums[chosen] = sums[chosen] + vector * len(members)
        for gap in members:
            cluster.count += 1
            cluster.questions[gap.query.strip()] += 1
            cluster.reasons[gap.reason] += 1
            cluster.channels[gap.channel] += 1
            if cluster.last_seen is None or gap.created_at > cluster.last_seen:
                cluster.last_seen = gap.created_at
            cluster.members.append(gap)
    for cluster in clusters:
        cluster.members.sort(key=lambda g: g.created_at, reverse=True)
    clusters.sort(key=lambda c: (-c.count, c.representative))
    return clusters
