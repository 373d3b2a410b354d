"""The front door's decision: for each message, act, answer from the help centre, or ask.

Two signals, one decision. The intent model (DIET) knows the actions the assistant can take and
is very sure of itself: "how does cancelling an order work?" is `cancel_order` at 0.99, because
the words are the same as "cancel my order". The knowledge base knows what the help centre
answers, with a relevance score on a fixed scale (knowledge_base/search.py) but no idea whether
the customer asked a question or asked us to act. So the intent says *what about*, the phrasing
(bot/nlu/phrasing.py) says *question or request*, and the knowledge base says *is it answered*:

1. **Payloads** (`/intent{...}`, buttons) and greetings, thanks, yes/no... are left as they are,
   unless they are a question the help centre answers: clearly (>= `social_answer`) when the
   intent model is unsure (< `social_floor`), well (>= `social_override`) however sure it is
   ("can you gift wrap it" is not `stop`).
2. **A person.** Frustration always goes to a person; asking for one does too, unless it was a
   question the help centre answers outright (>= `person_answer`: "is there a shop I can visit
   in person?").
3. **Actions** (check or cancel an order, open or check a ticket). The customer gets the form
   when the message asks for it: an order number or ticket reference, or the action's own words
   ("where is my order", "cancel it", "open a ticket"); the action's words in a question about
   their own order ("can I cancel my order?") are asked back. Otherwise, a
   question the help centre answers (>= `question_answer`) gets the article, with the action
   offered as a button; a statement the help centre answers well (>= `statement_answer`:
   "my account is locked") gets the article and the offer; a statement it answers only
   weakly (>= `clarify`) gets a question back: "Do you want me to … or read …?". Anything else
   gets the form. If the top intent lacks evidence but the message clearly asks for another
   action ("delete my order" came out as check_order), that action is taken.
4. **Help-centre questions** (`faq`): the knowledge base decides, answering from `faq_answer`
   when the model is sure it is a help-centre question (`faq_sure`), else from the knowledge
   base's own answer threshold; suggestions down to `faq_suggest`.
5. **Out of scope / not understood** (the model says out_of_scope, or its best guess is below
   `fallback`): answered from the help centre if it clearly answers (>= `oos_answer` when the
   model is sure it is out of scope, >= `unsure_answer` when it did not understand), offered as
   suggestions from `oos_suggest`, else out of scope / not understood, as the model said.

Within the knowledge base, two articles that score within the tie margin no longer make a
"did you mean": the better one answers and the other is named as "see also" (sections of one
article are one document already).

The thresholds were set on the routing evaluation's questions (tests/routing/questions.yml) and
the knowledge base's own calibration; `python -m bot explain "text"` shows every signal and the
reason for a decision.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.nlu import phrasing
from knowledge_base.search import Hit, SearchResult

ACTIONS = ("check_order", "cancel_order", "open_ticket", "ticket_status")
PERSON = ("request_human", "frustrated")
HELP_CENTRE = "faq"
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
# Entities that make a request specific: the customer names the thing to act on.
SPECIFIC = {"check_order": ("order_number",), "cancel_order": ("order_number",), "ticket_status": ("ticket_reference",)}


class Kind(str, enum.Enum):
    ACT = "act"  # run the intent's action or form
    ANSWER = "answer"  # answer from a help-centre document
    SUGGEST = "suggest"  # "did you mean" among documents
    CLARIFY = "clarify"  # ask: the action, or the article?
    NO_ANSWER = "no_answer"  # a help-centre question the help centre does not answer
    KEEP = "keep"  # the intent model's reading stands (greetings, payloads, out of scope...)


@dataclass(frozen=True)
class Thresholds:
    fallback: float = 0.55  # below this the intent model's best guess is "not understood"
    social_floor: float = 0.8
    social_answer: float = 0.45
    person_answer: float = 0.8
    question_answer: float = 0.4
    statement_answer: float = 0.6
    clarify: float = 0.45
    faq_sure: float = 0.7
    faq_answer: float = 0.38
    faq_suggest: float = 0.35
    oos_answer: float = 0.5  # the model is sure it is out of scope
    unsure_answer: float = 0.45  # the model did not understand it
    oos_suggest: float = 0.45
    # A greeting, yes/no, "stop", "what can you do"... read into a clear question the help centre
    # answers well ("can you gift wrap it" came out as stop at 0.98): answered, however sure the
    # model was.
    social_override: float = 0.6
    kb_answer: float = 0.62  # the knowledge base's own (KB_ANSWER_THRESHOLD)
    tie_margin: float = 0.04
    max_suggestions: int = 3


@dataclass
class Route:
    kind: Kind
    intent: str  # the intent the dialogue sees
    confidence: float
    reason: str
    doc: Optional[Hit] = None  # ANSWER / CLARIFY: the passage
    see_also: Optional[Hit] = None  # ANSWER: a close second document
    suggestions: List[Hit] = field(default_factory=list)  # SUGGEST
    offer: Optional[str] = None  # ANSWER / CLARIFY: the action to offer

    def as_dict(self) -> Dict[str, Any]:
        def hit(h: Optional[Hit]) -> Optional[Dict[str, Any]]:
            return None if h is None else {"doc_id": h.doc_id, "title": h.title, "relevance": round(h.relevance, 3)}

        return {
            "kind": self.kind.value,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "doc": hit(self.doc),
            "see_also": hit(self.see_also),
            "suggestions": [hit(h) for h in self.suggestions],
            "offer": self.offer,
        }


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "your",
        "you",
        "yours",
        "our",
        "we",
        "i",
        "me",
        "my",
        "do",
        "does",
        "what",
        "what's",
        "whats",
        "is",
        "are",
        "about",
        "on",
        "of",
        "for",
        "to",
        "in",
        "tell",
        "please",
        "info",
        "information",
        "any",
        "how",
    ]
)


def _words(text: str) -> List[str]:
    words = [w.strip(".,!?:;'\"()").lower() for w in text.split()]
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w and w not in _STOPWORDS]


def about_whole_document(text: str, title: str) -> bool:
    """A short question that only names the document ("return policy?", "warranty?"): it is about
    the whole document, so its opening answers it better than whichever passage matched best."""
    asked = _words(text)
    return 0 < len(asked) <= 4 and set(asked) <= set(_words(title))


def _per_document(result: Optional[SearchResult]) -> List[Hit]:
    return result.per_document() if result is not None else []


def _answer(docs: List[Hit], intent: str, confidence: float, reason: str, t: Thresholds, offer=None) -> Route:
    best = docs[0]
    second = docs[1] if len(docs) > 1 and best.relevance - docs[1].relevance < t.tie_margin else None
    return Route(Kind.ANSWER, HELP_CENTRE, confidence, reason, doc=best, see_also=second, offer=offer)


def _help_centre(docs: List[Hit], answer_from: float, suggest_from: float, confidence: float, why: str, t: Thresholds):
    """ANSWER / SUGGEST / None for a help-centre reading of the message."""
    if not docs or docs[0].relevance < suggest_from:
        return None
    if docs[0].relevance >= answer_from:
        return _answer(docs, HELP_CENTRE, confidence, f"{why}; the help centre answers it ({docs[0].relevance:.2f})", t)
    suggestions = [h for h in docs if h.relevance >= suggest_from][: t.max_suggestions]
    return Route(
        Kind.SUGGEST,
        HELP_CENTRE,
        confidence,
        f"{why}; the help centre may answer it ({docs[0].relevance:.2f})",
        suggestions=suggestions,
    )


def decide(
    text: str,
    ranking: Sequence[Tuple[str, float]],
    entities: Sequence[str],
    result: Optional[SearchResult],
    t: Thresholds = Thresholds(),
) -> Route:
    """`ranking`: (intent, confidence) best first; `entities`: names of the entities found."""
    intent, confidence = ranking[0] if ranking else (FALLBACK, 0.0)
    docs = _per_document(result)
    top = docs[0].relevance if docs else 0.0
    text = text.strip()
    if text.startswith("/"):
        return Route(Kind.KEEP, intent, confidence, "a button or an intent payload")

    if phrasing.foreign_script(text):  # not a language the model knows: say so rather than guess
        return Route(
            Kind.KEEP, FALLBACK, confidence, f"a language the assistant does not read ({intent} {confidence:.2f})"
        )

    if confidence < t.fallback:  # the model did not understand: a clear request, the help centre, or nothing
        clear = _clearly_asked(text, ranking, entities, exclude=None)
        if clear is not None:
            return clear
        why = f"not understood ({intent} {confidence:.2f})"
        route = _help_centre(docs, t.unsure_answer, min(t.oos_suggest, t.unsure_answer), confidence, why, t)
        return route or Route(Kind.KEEP, FALLBACK, confidence, f"{why}; the help centre has nothing either ({top:.2f})")

    if intent in PERSON:
        if intent == "request_human" and top >= t.person_answer and phrasing.asks_how(text):
            return _answer(docs, intent, confidence, f"a question the help centre answers outright ({top:.2f})", t)
        return Route(Kind.ACT, intent, confidence, "the customer wants a person")

    if intent in ACTIONS:
        return _action(text, intent, confidence, ranking, entities, docs, t)

    if intent == HELP_CENTRE:
        answer_from = t.faq_answer if confidence >= t.faq_sure else t.kb_answer
        why = f"a help-centre question ({confidence:.2f})"
        route = _help_centre(docs, answer_from, t.faq_suggest, confidence, why, t)
        return route or Route(
            Kind.NO_ANSWER, HELP_CENTRE, confidence, f"{why}; the help centre has nothing ({top:.2f})"
        )

    if intent == OUT_OF_SCOPE:
        route = _help_centre(docs, t.oos_answer, t.oos_suggest, confidence, "out of scope", t)
        return route or Route(
            Kind.KEEP, intent, confidence, f"out of scope; the help centre has nothing either ({top:.2f})"
        )

    if intent == "inform":  # details given with the action's own words: "cancel order 100235, bob@example.com"
        for action in ACTIONS:
            named = any(e in entities for e in SPECIFIC.get(action, ()))
            if named and phrasing.evidence(action, text):
                return Route(Kind.ACT, action, confidence, f"{action}: details with the action's words")

    if confidence < t.social_floor:  # greetings, yes/no, "inform"... when the model is unsure
        # Only an unmistakable request wins here: "cancel it" said inside the ticket form means
        # "stop", not "cancel an order"; "cancel order 100235 ..." read as `inform` is a request.
        clear = _clearly_asked(text, ranking, entities, exclude=None, strict=True)
        if clear is not None:
            return clear
        if top >= t.social_answer and phrasing.asks_how(text):
            return _answer(
                docs, intent, confidence, f"{intent} is unsure ({confidence:.2f}); a help-centre question", t
            )
    if top >= t.social_override and phrasing.asks_how(text):
        return _answer(
            docs,
            intent,
            confidence,
            f"{intent} ({confidence:.2f}), but a question the help centre answers ({top:.2f})",
            t,
        )
    return Route(Kind.KEEP, intent, confidence, f"{intent} ({confidence:.2f})")


def _clearly_asked(
    text: str,
    ranking: Sequence[Tuple[str, float]],
    entities: Sequence[str],
    exclude: Optional[str],
    strict: bool = False,
) -> Optional[Route]:
    """An action the message asks for outright, whatever the intent model ranked first: it names
    the order or ticket, or asks us in the action's own words ("cancel order 100235", "delete my
    order"). A statement counts too for the actions whose words are unmistakable (not for
    checking an order: "never arrived" is said of many things). `strict`: only a request that
    names the order or ticket, or says "order"."""
    scores = dict(ranking)
    for other in sorted((a for a in ACTIONS if a != exclude), key=lambda a: -scores.get(a, 0.0)):
        why = _has_evidence(other, text, entities)
        if strict:
            if why == "it names the order or ticket" or (why == "it asks us to do it" and phrasing.names_thing(text)):
                return Route(Kind.ACT, other, scores.get(other, 0.0), f"{other}: {why}")
            continue
        if why in ("it names the order or ticket", "it asks us to do it") or (
            why == "it is about this action" and other != "check_order"
        ):
            return Route(Kind.ACT, other, scores.get(other, 0.0), f"{other}: {why}")
    return None


def _has_evidence(intent: str, text: str, entities: Sequence[str]) -> Optional[str]:
    """Why the message asks for this action, or None. A question in the action's words about the
    customer's own things ("can I cancel my order?") is "ask": see `_action`."""
    if any(e in entities for e in SPECIFIC.get(intent, ())):
        return "it names the order or ticket"
    if not phrasing.evidence(intent, text):
        return None
    if phrasing.asks_us(text):
        return "it asks us to do it"
    if not phrasing.asks_how(text):
        return "it is about this action"
    return "ask" if phrasing.mentions_own(text) else None


def _action(
    text: str,
    intent: str,
    confidence: float,
    ranking: Sequence[Tuple[str, float]],
    entities: Sequence[str],
    docs: List[Hit],
    t: Thresholds,
) -> Route:
    top = docs[0].relevance if docs else 0.0
    why = _has_evidence(intent, text, entities)
    if why == "ask":  # "can I cancel my order?": the action, or how it works? Ask, if the help centre knows.
        if docs and top >= t.clarify:
            return Route(
                Kind.CLARIFY, HELP_CENTRE, confidence, f"a question about their own {intent}", doc=docs[0], offer=intent
            )
        return Route(Kind.ACT, intent, confidence, f"{intent}: a question about their own order or ticket")
    if why:
        return Route(Kind.ACT, intent, confidence, f"{intent}: {why}")
    other = _clearly_asked(text, ranking, entities, exclude=intent)  # "delete my order" came out as check_order
    if other is not None:
        other.reason = f"{other.reason} (the model ranked {intent} first)"
        return other
    if not docs:
        return Route(Kind.ACT, intent, confidence, f"{intent}; no help-centre index to compare")
    if phrasing.asks_how(text) and top >= t.question_answer:
        return _answer(
            docs, intent, confidence, f"a question about {intent} the help centre answers ({top:.2f})", t, intent
        )
    if top >= t.statement_answer:
        return _answer(docs, intent, confidence, f"the help centre answers what they describe ({top:.2f})", t, intent)
    if top >= t.clarify and not phrasing.asks_us(text):
        return Route(
            Kind.CLARIFY, HELP_CENTRE, confidence, f"{intent} or the help centre ({top:.2f})", doc=docs[0], offer=intent
        )
    return Route(
        Kind.ACT, intent, confidence, f"{intent} ({confidence:.2f}); the help centre does not answer it ({top:.2f})"
    )
