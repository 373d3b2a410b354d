"""The queue and the handoffs in it: look, claim, write to the customer, note, hand back."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk import auth
from bot.desk.api.web import Resolve, authorised, body, error, text
from bot.desk.auth import AgentView
from bot.store.db import run_sync


def blueprint(desk: Resolve) -> Blueprint:
    bp = Blueprint("desk_handoffs")

    @bp.get("/api/queue")
    @authorised()
    async def queue(request: Request, agent: AgentView) -> HTTPResponse:
        return json(await desk(request).queue())

    @bp.get("/api/handoffs/<handoff_id:int>")
    @authorised()
    async def handoff_detail(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        return json(await desk(request).handoff_view(handoff_id))

    @bp.post("/api/handoffs/<handoff_id:int>/claim")
    @authorised()
    async def claim(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        handoff = await desk(request).claim(handoff_id, agent)
        return json({"handoff": handoff.as_dict()})

    @bp.post("/api/handoffs/<handoff_id:int>/messages")
    @authorised()
    async def agent_message(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        entry = await desk(request).write(handoff_id, agent, text(request))
        return json({"entry": entry}, status=201)

    @bp.post("/api/handoffs/<handoff_id:int>/assign")
    @authorised()
    async def assign(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        """{"team": "billing" | null} routes it to a team; {"agent_id": 3} gives it to an agent."""
        data = body(request)
        if "agent_id" in data:
            target_id = data["agent_id"]
            if not isinstance(target_id, int) or isinstance(target_id, bool):
                return error('"agent_id" must be an agent\'s id.', 400)
            target = next((a for a in await run_sync(auth.list_agents) if a.id == target_id and a.active), None)
            if target is None:
                return error("No such agent (or the account is disabled).", 404)
            handoff = await desk(request).assign_agent(handoff_id, agent, target)
        elif "team" in data:
            team = data["team"]
            known = [t.name for t in request.app.ctx.desk_teams]
            if team is not None and team not in known:
                return error(f'"team" is one of {", ".join(known) or "(no teams)"}, or null.', 400)
            handoff = await desk(request).assign_team(handoff_id, team)
        else:
            return error('Send "team" or "agent_id".', 400)
        return json({"handoff": handoff.as_dict()})

    @bp.post("/api/handoffs/<handoff_id:int>/typing")
    @authorised()
    async def agent_typing(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        """The reply box is being written in (the desk sends this at most every few seconds)."""
        await desk(request).typing(handoff_id, agent)
        return json({"ok": True})

    @bp.post("/api/handoffs/<handoff_id:int>/notes")
    @authorised()
    async def add_note(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        note = await desk(request).add_note(handoff_id, agent, text(request))
        return json({"note": note}, status=201)

    @bp.post("/api/handoffs/<handoff_id:int>/handback")
    @authorised()
    async def hand_back(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        closed = await desk(request).hand_back(handoff_id, agent)
        return json({"handoff": closed.as_dict()})

    return bp
