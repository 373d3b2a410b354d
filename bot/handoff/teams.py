"""Teams (billing, shipping, …) and routing a handoff to one by what the customer talked about.

DESK_TEAMS names the teams and the words that send a conversation to each:
`billing: refund, charge, invoice; shipping: delivery, parcel, tracking`. The first team with a
word in the customer's messages (or the handoff's reason) gets it; none: the whole team's queue.
Agents belong to teams (set by admins in the desk); the queue shows each conversation's team, an
agent can choose to list only their teams' (a view, not a permission), and anyone can assign a
conversation to a team or to an agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

DEFAULT_TEAMS = (
    "billing: refund, charge, charged, invoice, payment, billing, chargeback, receipt, price; "
    "shipping: delivery, deliver, parcel, package, shipping, ship, tracking, courier, arrive, arrived, lost"
)
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")


@dataclass(frozen=True)
class Team:
    name: str
    words: Tuple[str, ...]

    def matches(self, text: str) -> bool:
        return any(re.search(rf"\b{re.escape(word)}\b", text) for word in self.words)


def parse_teams(raw: Optional[str]) -> Tuple[Team, ...]:
    """`name: word, word; name: word` -> teams (ValueError naming what is malformed)."""
    if (raw or "").strip().lower() == "none":
        return ()
    teams = []
    for part in (raw or "").split(";"):
        if not part.strip():
            continue
        name, _, words = part.partition(":")
        name = name.strip().lower()
        if not NAME.match(name):
            raise ValueError(f"team name {name!r}: use lowercase letters, digits, - or _")
        teams.append(Team(name, tuple(w.strip().lower() for w in words.split(",") if w.strip())))
    return tuple(teams)


def route(teams: Iterable[Team], texts: Iterable[str]) -> Optional[str]:
    """The team for a conversation whose customer wrote `texts`, or None."""
    text = " ".join(t.lower() for t in texts if t)
    return next((team.name for team in teams if team.matches(text)), None)
