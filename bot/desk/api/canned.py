"""Canned replies: every agent lists the shared ones and their own and manages their own;
admins manage the shared ones (bot/store/canned.py)."""

from __future__ import annotations

from typing import Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk.api.web import authorised, body, error
from bot.desk.auth import AgentView
from bot.store import canned
from bot.store.db import run_sync

NOT_YOURS = "Only admins change shared replies, and only its owner a personal one."


def _may_change(agent: AgentView, reply: canned.CannedView) -> bool:
    return agent.is_admin if reply.shared else reply.owner_id == agent.id


def blueprint() -> Blueprint:
    bp = Blueprint("desk_canned")

    @bp.get("/api/canned")
    @authorised()
    async def list_replies(request: Request, agent: AgentView) -> HTTPResponse:
        replies = await run_sync(canned.visible_to, agent.id)
        return json({"replies": [r.as_dict() for r in replies], "placeholders": list(canned.PLACEHOLDERS)})

    @bp.post("/api/canned")
    @authorised()
    async def create(request: Request, agent: AgentView) -> HTTPResponse:
        data = body(request)
        shared = data.get("shared", False)
        if not isinstance(shared, bool):
            return error('"shared" must be true or false.', 400)
        if shared and not agent.is_admin:
            return error("Only admins add shared replies; add it as your own instead.", 403)
        owner: Optional[int] = None if shared else agent.id
        try:
            reply = await run_sync(canned.create, data.get("shortcut"), data.get("title"), data.get("text"), owner)
        except canned.CannedError as err:
            return error(str(err), 409 if "already" in str(err) else 400)
        return json({"reply": reply.as_dict()}, status=201)

    @bp.post("/api/canned/<reply_id:int>")
    @authorised()
    async def change(request: Request, agent: AgentView, reply_id: int) -> HTTPResponse:
        reply = await run_sync(canned.get, reply_id)
        if reply is None or not (reply.shared or reply.owner_id == agent.id):
            return error("No such canned reply.", 404)  # another agent's own reply is not shown either
        if not _may_change(agent, reply):
            return error(NOT_YOURS, 403)
        data = body(request)
        try:
            changed = await run_sync(canned.update, reply_id, data.get("shortcut"), data.get("title"), data.get("text"))
        except canned.CannedError as err:
            return error(str(err), 409 if "already" in str(err) else 400)
        return json({"reply": changed.as_dict()}) if changed else error("No such canned reply.", 404)

    @bp.delete("/api/canned/<reply_id:int>")
    @authorised()
    async def remove(request: Request, agent: AgentView, reply_id: int) -> HTTPResponse:
        reply = await run_sync(canned.get, reply_id)
        if reply is None or not (reply.shared or reply.owner_id == agent.id):
            return error("No such canned reply.", 404)
        if not _may_change(agent, reply):
            return error(NOT_YOURS, 403)
        await run_sync(canned.delete, reply_id)
        return json({"deleted": reply_id})

    return bp
