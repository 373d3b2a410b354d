"""The questions the assistant failed, grouped by meaning, each group with the conversations it
came from: what the help centre should cover next.

A question counts when the help centre had no answer, when the customer rated the answer
unhelpful, or when they rejected every suggestion (bot/store/knowledge.py records all three).
Grouping is `kb gaps`' own (knowledge_base/gaps.py: the same encoder as the help centre).
"""

from __future__ import annotations

import bisect
from typing import Any, Dict, List

from bot.analytics import queries
from bot.analytics.metrics import Window
from knowledge_base.gaps import DEFAULT_SIMILARITY, cluster_gaps

MAX_LINKS = 10  # conversations listed per group (the newest)


def groups(
    window: Window, encoder: Any, limit: int = 20, similarity: float = DEFAULT_SIMILARITY
) -> List[Dict[str, Any]]:
    """`encoder`: the help centre's encoder, or a function that loads it (only called when
    there is something to group)."""
    gaps = queries.gaps(window)
    if not gaps:
        return []
    if not hasattr(encoder, "encode"):
        encoder = encoder()
    clusters = cluster_gaps(gaps, encoder, similarity)[:limit]
    shown = [gap for cluster in clusters for gap in cluster.members[:MAX_LINKS]]
    known = queries.conversations_of([g.sender_id for g in shown if g.sender_id])
    result = []
    for rank, cluster in enumerate(clusters, start=1):
        conversations = []
        for gap in cluster.members[:MAX_LINKS]:
            of_sender = known.get(gap.sender_id or "", [])
            at = queries.epoch(gap.created_at) or 0.0
            index = bisect.bisect_right([start for start, _ in of_sender], at + 1) - 1
            conversations.append(
                {
                    "sender_id": gap.sender_id,
                    "conversation_id": of_sender[index][1] if index >= 0 else None,
                    "channel": gap.channel,
                    "question": gap.query,
                    "reason": gap.reason,
                    "at": at,
                }
            )
        result.append(
            {
                "rank": rank,
                "representative": cluster.representative,
                "count": cluster.count,
                "questions": [{"text": q, "count": n} for q, n in cluster.questions.most_common()],
                "reasons": dict(cluster.reasons.most_common()),
                "channels": dict(cluster.channels.most_common()),
                "last_seen": queries.epoch(cluster.last_seen),
                "conversations": conversations,
            }
        )
    return result
