"""Failed order lookups, counted where a new conversation cannot reset them.

An order is only shown for a matching number and email, and a wrong pair always gets the same
answer. What stops someone from guessing is a limit on failures, and a limit kept in the
conversation is reset by `/restart` or a new sender id. So every failure is stored here, keyed
three ways, and lookups stop while any key has too many failures in the window:

- **identity**: the customer as the channel knows them (a Slack or Telegram user, else the
  conversation: a widget session, a REST sender);
- **order**: the order number tried (one order cannot be attacked from many conversations);
- **address**: the client's address, as a keyed hash (widget and REST; many new sessions from
  one machine).

In the database, so the limits hold across restarts, the action server and the Rasa server,
and several servers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

from sqlalchemy import Column, DateTime, Index, Integer, String, delete, func, select

from bot.store.db import session_scope
from bot.store.models import Base, utcnow

Key = Tuple[str, str]  # (scope, value)
SCOPES = ("identity", "order", "address")


class LookupFailure(Base):
    __tablename__ = "lookup_failures"

    id = Column(Integer, primary_key=True)
    scope = Column(String(20), nullable=False)
    key = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_lookup_failures_scope_key_created", "scope", "key", "created_at"),)


@dataclass(frozen=True)
class Limits:
    window_minutes: float = 60.0
    per_identity: int = 6
    per_order: int = 5
    per_address: int = 20

    def limit(self, scope: str) -> int:
        return {"identity": self.per_identity, "order": self.per_order, "address": self.per_address}[scope]


def _keys(keys: Iterable[Optional[Key]]) -> Sequence[Key]:
    return [(scope, value[:255]) for scope, value in (k for k in keys if k) if scope in SCOPES and value]


def blocked(keys: Iterable[Optional[Key]], limits: Limits, now: Optional[dt.datetime] = None) -> Optional[str]:
    """The scope whose failures reached its limit within the window, or None."""
    since = (now or utcnow()) - dt.timedelta(minutes=limits.window_minutes)
    with session_scope() as session:
        for scope, value in _keys(keys):
            count = session.execute(
                select(func.count(LookupFailure.id)).where(
                    LookupFailure.scope == scope, LookupFailure.key == value, LookupFailure.created_at >= since
                )
            ).scalar_one()
            if count >= limits.limit(scope):
                return scope
    return None


def record_failure(keys: Iterable[Optional[Key]], limits: Limits, now: Optional[dt.datetime] = None) -> None:
    """Store one failure under every key; rows older than the window are dropped on the way."""
    now = now or utcnow()
    with session_scope() as session:
        session.execute(
            delete(LookupFailure).where(LookupFailure.created_at < now - dt.timedelta(minutes=limits.window_minutes))
        )
        session.add_all(LookupFailure(scope=scope, key=value, created_at=now) for scope, value in _keys(keys))
