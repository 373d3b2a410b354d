"""Conversations, whoever owns them: look at one, write to it, take it over from the bot,
and the list of recent ones."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk.api.web import Resolve, authorised, text
from bot.desk.auth import AgentView


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
    async def recent_conversations(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"conversations": await desk(request).recent()})

    return bp
