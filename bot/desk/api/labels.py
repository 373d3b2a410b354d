"""Labels on conversations and tickets: add, remove, and the names in use (bot/store/labels.py)."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sqlalchemy import select

from bot.desk.api.web import authorised, body, error
from bot.desk.auth import AgentView
from bot.store import labels
from bot.store import tickets as ticket_store
from bot.store.conversations import Conversation
from bot.store.db import run_sync, session_scope


def _conversation_exists(sender_id: str) -> bool:
    with session_scope() as session:
        return (
            session.execute(select(Conversation.id).where(Conversation.sender_id == sender_id).limit(1)).first()
            is not None
        )


def _target(data: Dict[str, Any]) -> Tuple[str, str]:
    kind, target = data.get("kind"), data.get("target")
    if kind not in labels.KINDS or not isinstance(target, str) or not 0 < len(target) <= 255:
        raise labels.LabelError('"kind" is conversation or ticket, and "target" its sender id or reference.')
    return kind, target


def _resolve(kind: str, target: str) -> Optional[str]:
    """The target as stored (a ticket's reference in its canonical form), or None if unknown."""
    if kind == "ticket":
        ticket = ticket_store.get_ticket(target)
        return ticket.reference if ticket else None
    return target if _conversation_exists(target) else None


def blueprint() -> Blueprint:
    bp = Blueprint("desk_labels")

    @bp.get("/api/labels")
    @authorised()
    async def in_use(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"labels": await run_sync(labels.in_use)})

    async def change(request: Request, apply: Callable[[str, str, Any], List[str]]) -> HTTPResponse:
        """Add or remove one label on an existing conversation or ticket; its labels after."""
        data = body(request)
        try:
            kind, target = _target(data)
            target = await run_sync(_resolve, kind, target)
            if target is None:
                return error(f"No such {kind}.", 404)
            names = await run_sync(apply, kind, target, data.get("name"))
        except labels.LabelError as err:
            return error(str(err), 400)
        return json({"labels": names})

    @bp.post("/api/labels")
    @authorised()
    async def add(request: Request, agent: AgentView) -> HTTPResponse:
        return await change(request, lambda kind, target, name: labels.add(kind, target, name, agent.id))

    @bp.post("/api/labels/remove")
    @authorised()
    async def remove(request: Request, agent: AgentView) -> HTTPResponse:
        return await change(request, labels.remove)

    return bp
