"""Conversations, whoever owns them: look at one, write to it, take it over from the bot,
and the list (searched and filtered: bot/desk/inbox.py)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk import inbox
from bot.desk.api.web import BadRequest, Resolve, authorised, text
from bot.desk.auth import AgentView
from bot.store import labels


def filters_from(request: Request) -> inbox.Filters:
    args = request.args
    query = (args.get("q") or "").strip()
    if len(query) > inbox.MAX_QUERY or any(not ch.isprintable() for ch in query):
        raise BadRequest(f"Search for at most {inbox.MAX_QUERY} printable characters.")
    if len(query) == 1:
        raise BadRequest("Search for at least 2 characters.")
    channel = args.get("channel") or None
    if channel is not None and channel not in inbox.CHANNELS:
        raise BadRequest(f'"channel" is one of {", ".join(inbox.CHANNELS)}.')
    status = args.get("status") or "all"
    if status not in inbox.STATUSES:
        raise BadRequest(f'"status" is one of {", ".join(inbox.STATUSES)}.')
    try:
        limit = min(inbox.MAX_ROWS, max(1, int(args.get("limit") or 50)))
    except ValueError:
        raise BadRequest('"limit" must be a whole number.') from None
    label = args.get("label") or None
    if label is not None:
        try:
            label = labels.clean_name(label)
        except labels.LabelError as err:
            raise BadRequest(str(err)) from None
    return inbox.Filters(query, channel, status, (args.get("mine") or "") in ("1", "true"), limit, label)


def blueprint(desk: Resolve) -> Blueprint:
    bp = Blueprint("desk_conversations")

    @bp.get("/api/conversations/<sender_id:str>")
    @authorised()
    async def conversation(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        return json(await desk(request).conversation(sender_id))

    @bp.post("/api/conversations/<sender_id:str>/messages")
    @authorised()
    async def write_to_conversation(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        entry = await desk(request).write_to_conversation(sender_id, agent, text(request))
        return json({"entry": entry}, status=201)

    @bp.post("/api/conversations/<sender_id:str>/takeover")
    @authorised()
    async def takeover(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        handoff = await desk(request).takeover(sender_id, agent)
        return json({"handoff": handoff.as_dict()})

    @bp.get("/api/conversations")
    @authorised()
    async def conversation_list(request: Request, agent: AgentView) -> HTTPResponse:
        """?q=&channel=&status=&mine=1&label=&limit=: the conversation list, and the tickets a search found."""
        return json(await desk(request).inbox(filters_from(request), agent))

    return bp
