"""Satisfaction statistics, and the agents' accounts (admins only: add, disable or enable, reset a password)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk import auth
from bot.desk.api.web import authorised, body, error
from bot.desk.auth import AgentView
from bot.handoff import notes
from bot.store.db import run_sync


def blueprint() -> Blueprint:
    bp = Blueprint("desk_admin")

    @bp.get("/api/stats")
    @authorised()
    async def stats(request: Request, agent: AgentView) -> HTTPResponse:
        try:
            days = min(365, max(1, int(request.args.get("days", 30))))
        except ValueError:
            return error('"days" must be a whole number.', 400)
        return json({"satisfaction": await run_sync(notes.rating_stats, days)})

    @bp.get("/api/agents")
    @authorised(admin=True)
    async def agents(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"agents": [a.as_dict() for a in await run_sync(auth.list_agents)]})

    @bp.post("/api/agents")
    @authorised(admin=True)
    async def add_agent(request: Request, agent: AgentView) -> HTTPResponse:
        data = body(request)
        fields = {key: data.get(key) for key in ("email", "name", "password")}
        if not all(isinstance(v, str) for v in (fields["email"], fields["password"])) or not isinstance(
            fields["name"], (str, type(None))
        ):
            return error('"email", "password" (and "name") must be strings.', 400)
        role = data.get("role", "agent")
        if role not in ("agent", "admin"):
            return error('"role" must be "agent" or "admin".', 400)
        try:
            created = await run_sync(auth.add_agent, fields["email"], fields["name"] or "", fields["password"], role)
        except auth.AuthError as err:
            return error(str(err), 400)
        return json({"agent": created.as_dict()}, status=201)

    @bp.post("/api/agents/<agent_id:int>/active")
    @authorised(admin=True)
    async def set_active(request: Request, agent: AgentView, agent_id: int) -> HTTPResponse:
        active = body(request).get("active")
        if not isinstance(active, bool):
            return error('"active" must be true or false.', 400)
        if agent_id == agent.id and not active:
            return error("You cannot disable your own account.", 409)
        try:
            changed = await run_sync(auth.set_active, agent_id, active, True)
        except auth.AuthError as err:
            return error(str(err), 409 if "last active admin" in str(err) else 404)
        return json({"agent": changed.as_dict()})

    @bp.post("/api/agents/<agent_id:int>/teams")
    @authorised(admin=True)
    async def set_teams(request: Request, agent: AgentView, agent_id: int) -> HTTPResponse:
        teams = body(request).get("teams")
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            return error('"teams" must be a list of team names.', 400)
        known = [team.name for team in request.app.ctx.desk_teams]
        try:
            changed = await run_sync(auth.set_teams, agent_id, teams, known)
        except auth.AuthError as err:
            return error(str(err), 404 if str(err).startswith("No agent") else 400)
        return json({"agent": changed.as_dict()})

    @bp.get("/api/teams")
    @authorised()
    async def teams(request: Request, agent: AgentView) -> HTTPResponse:
        """The teams, and who can be given a conversation (names, not emails: every agent sees it)."""
        people = [
            {"id": a.id, "name": a.name, "teams": list(a.teams), "available": not a.away}
            for a in await run_sync(auth.list_agents)
            if a.active
        ]
        return json(
            {"teams": [{"name": t.name, "words": list(t.words)} for t in request.app.ctx.desk_teams], "agents": people}
        )

    @bp.post("/api/agents/<agent_id:int>/password")
    @authorised(admin=True)
    async def reset_password(request: Request, agent: AgentView, agent_id: int) -> HTTPResponse:
        password = body(request).get("password")
        if not isinstance(password, str):
            return error('"password" must be a string.', 400)
        try:
            changed = await run_sync(auth.set_password, agent_id, password)
        except auth.AuthError as err:
            return error(str(err), 404 if str(err).startswith("No agent") else 400)
        return json({"agent": changed.as_dict()})

    return bp
