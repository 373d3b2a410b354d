"""Canned replies (macros) for the desk: shared ones, managed by admins, and each agent's own.

An agent inserts one in the reply box by typing `/` and its shortcut. Placeholders in the text
(`{first_name}`, `{customer_name}`, `{order_number}`, `{ticket_reference}`, `{agent_name}`) are
filled in the desk from the conversation's context when the reply is inserted, where the agent
can still read and change it before sending.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import List, Optional

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, or_, select

from bot.store.db import session_scope
from bot.store.models import Base, utcnow

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
PLACEHOLDERS = ("first_name", "customer_name", "order_number", "ticket_reference", "agent_name")
MAX_TITLE = 100
MAX_TEXT = 4000


class CannedReply(Base):
    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("owner_id", "shortcut", name="ux_canned_owner_shortcut"),)

    id = Column(Integer, primary_key=True)
    shortcut = Column(String(40), nullable=False)
    title = Column(String(MAX_TITLE), nullable=False)
    text = Column(Text, nullable=False)
    # NULL: shared with the whole team (admins manage it); else the agent whose own it is.
    owner_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=True, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class CannedError(ValueError):
    """The reply cannot be saved as asked (the message says why)."""


@dataclass(frozen=True)
class CannedView:
    id: int
    shortcut: str
    title: str
    text: str
    shared: bool
    owner_id: Optional[int]

    def as_dict(self) -> dict:
        return asdict(self)


def _view(row: CannedReply) -> CannedView:
    return CannedView(row.id, row.shortcut, row.title, row.text, row.owner_id is None, row.owner_id)


def clean(shortcut: object, title: object, text: object) -> tuple:
    """Checked fields, or CannedError naming what is wrong."""
    if not isinstance(shortcut, str) or not SHORTCUT.match(shortcut.strip().lstrip("/").lower()):
        raise CannedError("The shortcut is 1-40 lowercase letters, digits, - or _ (typed after / in the reply box).")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise CannedError(f"The reply needs a text of at most {MAX_TEXT} characters.")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE):
        raise CannedError(f"The title may have at most {MAX_TITLE} characters.")
    if any(ch in text for ch in "\x00"):
        raise CannedError("The reply may not contain control characters.")
    shortcut = shortcut.strip().lstrip("/").lower()
    return shortcut, (title or "").strip() or shortcut, text.strip()


def visible_to(agent_id: int) -> List[CannedView]:
    """The shared replies and the agent's own, by shortcut (an agent's own first on a tie)."""
    with session_scope() as session:
        rows = session.execute(
            select(CannedReply)
            .where(or_(CannedReply.owner_id.is_(None), CannedReply.owner_id == agent_id))
            .order_by(CannedReply.shortcut, CannedReply.owner_id.is_(None))
        ).scalars()
        return [_view(row) for row in rows]


def get(reply_id: int) -> Optional[CannedView]:
    with session_scope() as session:
        row = session.get(CannedReply, reply_id)
        return _view(row) if row else None


def _taken(session, owner_id: Optional[int], shortcut: str, except_id: Optional[int] = None) -> bool:
    owner = CannedReply.owner_id.is_(None) if owner_id is None else CannedReply.owner_id == owner_id
    query = select(CannedReply.id).where(owner, CannedReply.shortcut == shortcut)
    if except_id is not None:
        query = query.where(CannedReply.id != except_id)
    return session.execute(query).first() is not None


def create(shortcut: object, title: object, text: object, owner_id: Optional[int]) -> CannedView:
    shortcut, title, text = clean(shortcut, title, text)
    with session_scope() as session:
        if _taken(session, owner_id, shortcut):
            raise CannedError(f"There is already a {'shared' if owner_id is None else 'personal'} reply /{shortcut}.")
        row = CannedReply(shortcut=shortcut, title=title, text=text, owner_id=owner_id)
        session.add(row)
        session.flush()
        return _view(row)


def update(reply_id: int, shortcut: object, title: object, text: object) -> Optional[CannedView]:
    shortcut, title, text = clean(shortcut, title, text)
    with session_scope() as session:
        row = session.get(CannedReply, reply_id)
        if row is None:
            return None
        if _taken(session, row.owner_id, shortcut, except_id=row.id):
            raise CannedError(f"There is already a reply /{shortcut}.")
        row.shortcut, row.title, row.text, row.updated_at = shortcut, title, text, utcnow()
        return _view(row)


def delete(reply_id: int) -> bool:
    with session_scope() as session:
        row = session.get(CannedReply, reply_id)
        if row is None:
            return False
        session.delete(row)
        return True
