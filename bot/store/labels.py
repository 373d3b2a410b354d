"""Labels on conversations and tickets ("vip", "refund", "bug-report"): what a team sorts and
finds its work by. One table for both: a label is (kind, target, name), where the target is a
conversation's sender id or a ticket's reference."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.store.db import session_scope
from bot.store.models import Base, utcnow

KINDS = ("conversation", "ticket")
NAME = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")
MAX_PER_TARGET = 20


class LabelError(ValueError):
    """Not a label that can be added (the message says why)."""


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("kind", "target", "name", name="ux_labels_kind_target_name"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # conversation | ticket
    target = Column(String(255), nullable=False, index=True)  # a sender id or a ticket reference
    name = Column(String(40), nullable=False, index=True)
    agent_id = Column(Integer)  # who added it (no FK: agents may be removed, labels stay)
    created_at = Column(DateTime, nullable=False, default=utcnow)


def clean_name(raw: object) -> str:
    name = " ".join(str(raw or "").strip().lower().split())
    if not NAME.match(name):
        raise LabelError("A label is 1-40 lowercase letters, digits, spaces, - or _.")
    return name


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise LabelError(f"Labels go on {' or '.join(KINDS)}s.")


def add(kind: str, target: str, raw_name: object, agent_id: int) -> List[str]:
    """Add a label (adding one that is there changes nothing); the target's labels after."""
    _check_kind(kind)
    name = clean_name(raw_name)
    with session_scope() as session:
        present = session.execute(
            select(func.count(Label.id)).where(Label.kind == kind, Label.target == target)
        ).scalar_one()
        exists = session.execute(
            select(Label.id).where(Label.kind == kind, Label.target == target, Label.name == name)
        ).first()
        if not exists:
            if present >= MAX_PER_TARGET:
                raise LabelError(f"At most {MAX_PER_TARGET} labels on one {kind}.")
            try:
                with session.begin_nested():
                    session.add(Label(kind=kind, target=target, name=name, agent_id=agent_id))
            except IntegrityError:
                pass  # added by someone else at the same moment
    return labels_of(kind, [target]).get(target, [])


def remove(kind: str, target: str, raw_name: object) -> List[str]:
    _check_kind(kind)
    name = clean_name(raw_name)
    with session_scope() as session:
        session.execute(delete(Label).where(Label.kind == kind, Label.target == target, Label.name == name))
    return labels_of(kind, [target]).get(target, [])


def labels_of(kind: str, targets: Iterable[str]) -> Dict[str, List[str]]:
    """Each target's labels, alphabetically."""
    wanted = sorted(set(targets))
    if not wanted:
        return {}
    with session_scope() as session:
        rows = session.execute(
            select(Label.target, Label.name).where(Label.kind == kind, Label.target.in_(wanted)).order_by(Label.name)
        ).all()
    out: Dict[str, List[str]] = {}
    for target, name in rows:
        out.setdefault(target, []).append(name)
    return out


def targets_with(kind: str, name: str) -> List[str]:
    with session_scope() as session:
        return [row[0] for row in session.execute(select(Label.target).where(Label.kind == kind, Label.name == name))]


def in_use() -> List[Dict[str, object]]:
    """Every label name in use, with how many conversations and tickets carry it."""
    with session_scope() as session:
        rows = session.execute(
            select(Label.name, Label.kind, func.count(Label.id)).group_by(Label.name, Label.kind).order_by(Label.name)
        ).all()
    names: Dict[str, Dict[str, object]] = {}
    for name, kind, count in rows:
        names.setdefault(name, {"name": name, "conversation": 0, "ticket": 0})[kind] = count
    return list(names.values())
