"""Live updates for the desk page: a server-sent event stream of queue changes, messages
and notes, with a heartbeat that also ends the stream once the session has expired."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.desk import auth
from bot.desk.api.web import COOKIE, Resolve, authorised
from bot.desk.auth import AgentView
from bot.desk.events import sse
from bot.store.db import run_sync


def blueprint(desk: Resolve) -> Blueprint:
    bp = Blueprint("desk_live")

    @bp.get("/api/events")
    @authorised()
    async def events(request: Request, agent: AgentView) -> HTTPResponse:
        bus = desk(request).bus
        queue = bus.subscribe()
        response = await request.respond(
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}, content_type="text/event-stream"
        )
        token = request.cookies.get(COOKIE)
        try:
            await response.send(sse({"type": "hello", "agent": agent.as_dict()}))
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=15)
                    await response.send(sse(event))
                except TimeoutError:
                    # Heartbeat: keeps proxies from closing the stream, marks the agent online,
                    # and ends the stream once the session has expired.
                    if (
                        await run_sync(auth.agent_for_session, token, True, request.app.ctx.desk_sessions.idle_minutes)
                        is None
                    ):
                        await response.send(sse({"type": "logged_out"}))
                        break
                    await response.send(": keep-alive\n\n")
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            bus.unsubscribe(queue)
        return response

    return bp
