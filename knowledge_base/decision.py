"""Answer, suggest, or admit the help centre has nothing: never a confidently wrong answer.

- ANSWER when the best passage's relevance reaches `answer` and no other *document* is
  within `margin` of it (two articles that fit equally well is a question for the
  customer, not a coin toss).
- DID_YOU_MEAN when the best is at least `suggest` but not clearly an answer: up to
  `max_suggestions` distinct documents, each itself above `suggest`.
- NO_ANSWER below `suggest`: the assistant says so and offers a ticket or a person.

The thresholds compare the relevance score (see search.py); their defaults were chosen on
this help centre's own questions against CLINC150's out-of-scope queries.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import List, Optional

from knowledge_base.config import Thresholds
from knowledge_base.search import Hit, SearchResult


class Outcome(str, enum.Enum):
    ANSWER = "answered"
    DID_YOU_MEAN = "did_you_mean"
    NO_ANSWER = "no_answer"


@dataclass
class Decision:
    outcome: Outcome
    query: str
    answer: Optional[Hit] = None  # ANSWER: the passage to show
    suggestions: List[Hit] = field(default_factory=list)  # DID_YOU_MEAN: one hit per document
    best: Optional[Hit] = None  # the top hit whatever the outcome (for logging gaps)
    generation: int = 0

    @property
    def score(self) -> Optional[float]:
        return self.best.relevance if self.best else None


def decide(result: SearchResult, thresholds: Thresholds) -> Decision:
    per_doc = result.per_document()
    best = per_doc[0] if per_doc else None
    base = {"query": result.query, "best": best, "generation": result.generation}
    if best is None or best.relevance < thresholds.suggest:
        return Decision(Outcome.NO_ANSWER, **base)
    runner_up = per_doc[1] if len(per_doc) > 1 else None
    tied = runner_up is not None and best.relevance - runner_up.relevance < thresholds.margin
    if best.relevance >= thresholds.answer and not tied:
        return Decision(Outcome.ANSWER, answer=best, **base)
    suggestions = [best] + [h for h in per_doc[1:] if h.relevance >= thresholds.suggest]
    return Decision(Outcome.DID_YOU_MEAN, suggestions=suggestions[: thresholds.max_suggestions], **base)


def answer_from_document(result: SearchResult) -> Decision:
    """The customer picked a document from did-you-mean: answer from its best passage."""
    best = result.best
    if best is None:
        return Decision(Outcome.NO_ANSWER, query=result.query, generation=result.generation)
    return Decision(Outcome.ANSWER, query=result.query, answer=best, best=best, generation=result.generation)
