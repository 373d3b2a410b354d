"""Live updates for the desk page: a server-sent event stream of queue changes, messages
and notes, with a heartbeat that also ends the stream once the session has expired."""

from __future__ import annotations

import asyncio
import time

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.desk import auth
from bot.desk.api.web import COOKIE, Resolve, authorised
from bot.desk.auth import AgentView
from bot.desk.events import sse
from bot.store.db import run_sync

HEARTBEAT_SECONDS = 15


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
        idle_minutes = request.app.ctx.desk_sessions.idle_minutes
        checked = time.monotonic()
        try:
            await response.send(sse({"type": "hello", "agent": agent.as_dict()}))
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    event = None
                # Every HEARTBEAT_SECONDS, busy or quiet: the session is checked (an agent signed
                # out, disabled or expired gets nothing more), which also marks the agent online.
                if time.monotonic() - checked >= HEARTBEAT_SECONDS or event is None:
                    checked = time.monotonic()
                    if await run_sync(auth.agent_for_session, token, True, idle_minutes) is None:
                        await response.send(sse({"type": "logged_out"}))
                        break
                # The heartbeat keeps proxies from closing a quiet stream.
                await response.send(sse(event) if event is not None else ": keep-alive\n\n")
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            bus.unsubscribe(queue)
        return response

    return bp
