"""How a message is phrased: a question about how things work, or a request to act.

The intent model knows *what* a message is about (cancelling, tracking, tickets) but not
whether the customer asks how it works ("how does cancelling an order work?") or asks us to do
it ("cancel my order"): both are full of the same words. These cues tell the two apart for the
router (bot/nlu/routing.py). They are deliberately plain patterns, each bounded and linear in the
text's length (customer text is hostile input), and written for English (Japanese has cues of
its own, added with the Japanese pipeline).

- `asks_how`: a general question about a policy or a procedure ("how long…", "is there…",
  "can an order…", "what does … mean", ", does the guarantee cover it").
- `asks_us`: an explicit request ("please", "can you", "I want/need/'d like", an imperative
  action verb opening a clause).
- `evidence(intent, text)`: the words of that very action ("cancel it", "open a ticket",
  "status of my ticket"; for an order's status, about the customer's own order: "where is my
  order", "I ordered on Monday and nothing has arrived"); `mentions_own`: "my", "what I bought".
"""

from __future__ import annotations

import re
from typing import Dict, Pattern

_FLAGS = re.IGNORECASE

# A clause starts at the beginning, or after a comma, "and", "but", "so", "?" or "." (bounded).
_CLAUSE = r"(?:^|[,.;!?]\s{0,3}|\b(?:and|but|so|then)\s{1,3})"

_HOW = re.compile(
    _CLAUSE + r"(?:how\s(?:do|does|did|can|could|should|long|much|many|often|soon|quickly|fast)"
    r"|what(?:'s|\sis|\sare)\s(?:your|the\s(?:policy|process|procedure|rule|deadline|price|cost|fee)s?)"
    r"|what\s(?:does|do|happens|if|kind|kinds|sort|types?)|what\s\w{1,20}\s(?:is|are|do|does|can|will)"
    r"|what\swould|which\s\w{1,20}\s(?:do|does|can|are|is)"
    r"|is\s(?:it|there|this|that|normal|my\s\w{1,20}\s(?:covered|eligible))"
    r"|are\s(?:there|your|you\s(?:open|available|closed|around|based))"
    r"|do\s(?:you|i|we)|does\s(?:it|the|this|that|your|a|an)|did\s(?:you|it)"
    r"|can\s(?:i|an?|the|my|gift|someone\selse|it|you\s(?:deliver|ship|send|gift|match|beat))|could\si|may\si|should\si|will\s(?:i|it|the|my\s\w{1,20}\sbe)"
    r"|where\s(?:can|do|should)\si|when\s(?:do|does|will|is|are)|why\b|who\b)\b",
    _FLAGS,
)
_MEANS = re.compile(r"\b(?:mean|means|meaning|normal|allowed|possible|covered|eligible|policy)\b", _FLAGS)

_US = re.compile(
    r"\b(?:please|pls|plz|can\syou|could\syou|would\syou|will\syou|can\su|i\s(?:want|need|would\slike|'d\slike|wanna)"
    r"|i'd\slike|i\swould\slike|help\sme|let\sme|get\sme|i\sdon'?t\swant|i\sno\slonger\swant)\b",
    _FLAGS,
)
_IMPERATIVE = re.compile(
    _CLAUSE
    + r"(?:cancel|track|check|open|raise|log|file|create|start|stop|delete|remove|kill|scrap|undo|refund|replace"
    r"|send|fix|sort|look\sinto|find|show|tell|connect|get|give|call\soff|submit|report|escalate)\b",
    _FLAGS,
)

_MINE = re.compile(
    r"\b(?:my|mine|our|i\s(?:ordered|bought|placed|purchased|got)|what\si\s(?:bought|ordered)|the\sorder\si)\b", _FLAGS
)
_THING = re.compile(
    r"\b(?:orders?|package|parcel|delivery|deliveries|stuff|purchases?|shipment|items?|things|box|ordered|bought)\b",
    _FLAGS,
)
_WORDS: Dict[str, Pattern[str]] = {
    "check_order": re.compile(
        r"\b(?:where|status|track\w{0,3}|arriv\w{0,3}|ship(?:ped)?|deliver(?:ed)?|on\s(?:its|the)\sway|going\son"
        r"|when\s(?:will|does|is)|eta|late|delay\w{0,2}|left|sent\sout|lands?|close|come|progress|update\w?|yet)\b",
        _FLAGS,
    ),
    "cancel_order": re.compile(
        r"\b(?:cancel\w{0,4}|call\soff|undo|kill|scrap|delete|remove|stop|get\srid\sof"
        r"|(?:don'?t|do\snot|no\slonger)\swant)\b.{0,40}\b(?:orders?|purchases?|it|this|that|everything"
        r"|what\si\s(?:bought|ordered))\b",
        _FLAGS,
    ),
    "open_ticket": re.compile(
        r"\b(?:ticket|complain\w{0,4}|log\s(?:an?\s)?(?:issue|problem)|raise\s(?:an?\s)?(?:issue|case|ticket)"
        r"|look\sinto|sort\s(?:it|this|that)\sout|fix(?:ed)?|replace\w{0,4}|send\sthe\sright|report\s(?:an?\s)?\w{0,20}"
        r"|escalate|submit\s(?:an?\s)?(?:complaint|issue|request))\b",
        _FLAGS,
    ),
    "ticket_status": re.compile(
        r"(?:\b(?:status|update|news|progress|reply|replied|answer\w{0,2}|still\sopen|sorted|resolved|follow\w{0,3}\sup)\b"
        r".{0,40}\b(?:ticket|case|request|complaint|issue)\b|\b(?:ticket|case|request|complaint)\b.{0,40}\b(?:status"
        r"|update|news|progress|reply|replied|still\sopen|sorted|resolved)\b|\bt-?\d{6}\b)",
        _FLAGS,
    ),
}
# Checking an order is about the customer's own order; the other actions say so in their words.
_NEEDS_OWN_THING = {"check_order"}


def foreign_script(text: str) -> bool:
    """Letters, and none of them Latin: a language the intent model was not trained on (its
    guesses for Arabic or Japanese are noise: "注文はどこですか" came out as `affirm`)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any("a" <= c.lower() <= "z" or "\u00c0" <= c <= "\u024f" for c in letters)


def asks_how(text: str) -> bool:
    """A general question about how something works (a policy, a procedure, a meaning)."""
    return bool(_HOW.search(text)) or (text.rstrip().endswith("?") and bool(_MEANS.search(text)))


def asks_us(text: str) -> bool:
    """An explicit request for us to do something."""
    return bool(_US.search(text) or _IMPERATIVE.search(text))


def names_thing(text: str) -> bool:
    """The message names an order, a parcel, a purchase... (not just "it" or "that")."""
    return bool(_THING.search(text))


def mentions_own(text: str) -> bool:
    """The customer speaks of their own things ("my order", "what I bought")."""
    return bool(_MINE.search(text))


def evidence(intent: str, text: str) -> bool:
    """The message speaks of this very action (for checking an order: of the customer's own order)."""
    pattern = _WORDS.get(intent)
    if pattern is None or not pattern.search(text):
        return False
    if intent in _NEEDS_OWN_THING:
        return mentions_own(text) and bool(_THING.search(text))
    return True
