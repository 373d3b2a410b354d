"""The desk's HTTP API and pages, mounted on the Rasa server under /desk.

Every API call is authorised from the session cookie (401 without one, 403 for a role that
may not do it) and every state change goes through bot.handoff.service, which enforces one
owner per conversation in the database. Changes also require the `X-Desk` header: a page on
another site cannot set it without a CORS preflight, and the cookie is SameSite=Strict.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any, Awaitable, Callable, Deque, Dict

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, json

from bot.desk import auth, context
from bot.desk.auth import AgentView
from bot.desk.events import sse
from bot.handoff import service
from bot.handoff.delivery import DeliveryError
from bot.handoff.service import HandoffError
from bot.store import tickets as ticket_store
from bot.store.db import run_sync

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "desk_session"
MAX_TEXT = 4000
LOGIN_ATTEMPTS, LOGIN_WINDOW = 8, 300.0

Handler = Callable[..., Awaitable[HTTPResponse]]


def _error(message: str, status: int) -> HTTPResponse:
    return json({"error": message}, status=status)


def _text(request: Request, key: str = "text") -> str:
    body = request.json if isinstance(request.json, dict) else {}
    value = str(body.get(key) or "").strip()
    if not value:
        raise HandoffError(f'"{key}" is required.', 400)
    if len(value) > MAX_TEXT:
        raise HandoffError(f'"{key}" is longer than {MAX_TEXT} characters.', 400)
    return value


def authorised(admin: bool = False) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            if request.method not in ("GET", "HEAD") and request.headers.get("x-desk") != "1":
                return _error("Missing X-Desk header.", 403)
            agent = await run_sync(auth.agent_for_session, request.cookies.get(COOKIE))
            if agent is None:
                return _error("Please log in.", 401)
            if admin and not agent.is_admin:
                return _error("Only admins can do that.", 403)
            try:
                return await handler(request, agent, *args, **kwargs)
            except HandoffError as err:
                return _error(str(err), err.status)
            except DeliveryError as err:
                return _error(str(err), 502)

        return wrapper

    return decorate


def _author(agent: AgentView) -> Dict[str, Any]:
    return {"id": agent.id, "name": agent.name}


async def _tracker_state(request: Request, sender_id: str):
    store = request.app.ctx.agent.tracker_store
    full = await store.retrieve_full_tracker(sender_id)
    if full is None:
        return [], {}, 0
    events = [e.as_dict() for e in full.events]
    sessions = sum(1 for e in events if e.get("event") == "session_started") or 1
    return events, full.current_slot_values(), sessions


def create_blueprint() -> Blueprint:
    bp = Blueprint("desk", url_prefix="/desk")
    failures: Dict[str, Deque[float]] = defaultdict(deque)

    @bp.get("/")
    async def page(request: Request) -> HTTPResponse:
        return await file(STATIC / "index.html", headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    @bp.get("/static/<name:str>")
    async def static(request: Request, name: str) -> HTTPResponse:
        path = (STATIC / name).resolve()
        if path.parent != STATIC or not path.is_file():
            return _error("Not found.", 404)
        return await file(path, headers={"Cache-Control": "no-cache"})  # revalidate after an upgrade

    # ---- sessions ----------------------------------------------------------------------

    @bp.post("/api/login")
    async def login(request: Request) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        email, password = str(body.get("email") or ""), str(body.get("password") or "")
        key = f"{request.ip}|{email.lower()}"
        now = time.monotonic()
        recent = failures[key]
        while recent and now - recent[0] > LOGIN_WINDOW:
            recent.popleft()
        if len(recent) >= LOGIN_ATTEMPTS:
            return _error("Too many failed attempts; try again in a few minutes.", 429)
        agent = await run_sync(auth.authenticate, email, password)
        if agent is None:
            recent.append(now)
            return _error("Wrong email or password.", 401)
        failures.pop(key, None)
        token = await run_sync(auth.start_session, agent.id)
        response = json({"agent": agent.as_dict()})
        response.cookies[COOKIE] = token
        cookie = response.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/desk"
        cookie["max-age"] = int(auth.session_hours() * 3600)
        if request.scheme == "https":
            cookie["secure"] = True
        return response

    @bp.post("/api/logout")
    @authorised()
    async def logout(request: Request, agent: AgentView) -> HTTPResponse:
        await run_sync(auth.end_session, request.cookies.get(COOKIE))
        response = json({"ok": True})
        del response.cookies[COOKIE]
        return response

    @bp.get("/api/me")
    @authorised()
    async def me(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"agent": agent.as_dict()})

    # ---- the queue ---------------------------------------------------------------------

    @bp.get("/api/queue")
    @authorised()
    async def queue(request: Request, agent: AgentView) -> HTTPResponse:
        rows = await run_sync(service.queue, True)
        config = request.app.ctx.handoff.config
        online = await run_sync(service.online_agents, config)
        return json(
            {
                "handoffs": [h.as_dict() for h in rows],
                "agents_online": online,
                "business_hours": config.hours.describe(),
                "open_now": config.hours.is_open(),
            }
        )

    @bp.get("/api/handoffs/<handoff_id:int>")
    @authorised()
    async def handoff_detail(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        handoff = await run_sync(service.get, handoff_id)
        if handoff is None:
            return _error("No such handoff.", 404)
        return json(await _conversation(request, handoff.sender_id, handoff))

    @bp.post("/api/handoffs/<handoff_id:int>/claim")
    @authorised()
    async def claim(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        before = await run_sync(service.get, handoff_id)
        handoff = await run_sync(service.claim, handoff_id, agent.id)
        if before is not None and before.status == "queued":
            await request.app.ctx.handoff.claimed(handoff, agent.name)
        return json({"handoff": handoff.as_dict()})

    @bp.post("/api/handoffs/<handoff_id:int>/messages")
    @authorised()
    async def agent_message(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        text = _text(request)
        handoff = await run_sync(service.require_owner, handoff_id, agent.id)
        entry = await request.app.ctx.handoff.agent_message(handoff, _author(agent), text)
        return json({"entry": entry}, status=201)

    @bp.post("/api/handoffs/<handoff_id:int>/notes")
    @authorised()
    async def add_note(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        text = _text(request)
        if await run_sync(service.get, handoff_id) is None:
            return _error("No such handoff.", 404)
        note = await run_sync(service.add_note, handoff_id, agent.id, text)
        note["agent"] = agent.name
        request.app.ctx.handoff.bus.publish("note", handoff_id=handoff_id, note=note)
        return json({"note": note}, status=201)

    @bp.post("/api/handoffs/<handoff_id:int>/handback")
    @authorised()
    async def hand_back(request: Request, agent: AgentView, handoff_id: int) -> HTTPResponse:
        from bot.store.handoff import HandoffStatus

        closed = await run_sync(
            service.close, handoff_id, HandoffStatus.resolved, agent_id=agent.id, admin=agent.is_admin
        )
        await request.app.ctx.handoff.hand_back(closed, agent.name)
        return json({"handoff": closed.as_dict()})

    # ---- conversations the bot owns ------------------------------------------------------

    @bp.get("/api/conversations/<sender_id:str>")
    @authorised()
    async def conversation(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        handoff = await run_sync(service.open_handoff_for, sender_id)
        return json(await _conversation(request, sender_id, handoff))

    @bp.post("/api/conversations/<sender_id:str>/messages")
    @authorised()
    async def write_to_conversation(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        text = _text(request)
        handoff = await run_sync(service.open_handoff_for, sender_id)
        if handoff is None:
            return _error("The assistant owns this conversation: take it over before writing to the customer.", 409)
        handoff = await run_sync(service.require_owner, handoff.id, agent.id)
        entry = await request.app.ctx.handoff.agent_message(handoff, _author(agent), text)
        return json({"entry": entry}, status=201)

    @bp.post("/api/conversations/<sender_id:str>/takeover")
    @authorised()
    async def takeover(request: Request, agent: AgentView, sender_id: str) -> HTTPResponse:
        events, slots, _ = await _tracker_state(request, sender_id)
        if not events:
            return _error("No such conversation.", 404)
        channel = next(
            (e.get("input_channel") for e in reversed(events) if e.get("event") == "user" and e.get("input_channel")),
            "rest",
        )
        before = await run_sync(service.open_handoff_for, sender_id)
        package = await run_sync(context.build, None, sender_id, events, slots, 1)
        handoff = await run_sync(
            service.takeover,
            sender_id,
            channel,
            agent.id,
            package["summary"],
            customer_name=slots.get("customer_name"),
            customer_email=slots.get("email") or slots.get("customer_email"),
        )
        if before is None:
            await request.app.ctx.handoff.took_over(handoff, agent.name)
        elif before.status == "queued":
            await request.app.ctx.handoff.claimed(handoff, agent.name)
        return json({"handoff": handoff.as_dict()})

    @bp.get("/api/conversations")
    @authorised()
    async def recent_conversations(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"conversations": await _recent(request)})

    # ---- tickets -----------------------------------------------------------------------

    @bp.get("/api/tickets")
    @authorised()
    async def list_tickets(request: Request, agent: AgentView) -> HTTPResponse:
        status = request.args.get("status") or None
        rows = await run_sync(ticket_store.list_tickets, status)
        return json(
            {"tickets": [context._ticket(t) | {"email": t.email, "has_conversation": bool(t.sender_id)} for t in rows]}
        )

    @bp.get("/api/tickets/<reference:str>")
    @authorised()
    async def ticket_detail(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        ticket = await run_sync(ticket_store.get_ticket, reference)
        if ticket is None:
            return _error("No such ticket.", 404)
        messages = await run_sync(ticket_store.ticket_messages, ticket.reference)
        return json(
            {
                "ticket": context._ticket(ticket)
                | {"description": ticket.description, "email": ticket.email, "sender_id": ticket.sender_id},
                "messages": messages,
            }
        )

    @bp.post("/api/tickets/<reference:str>/reply")
    @authorised()
    async def ticket_reply(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        text = _text(request)
        ticket = await run_sync(ticket_store.get_ticket, reference)
        if ticket is None:
            return _error("No such ticket.", 404)
        if not ticket.sender_id:
            return _error("This ticket has no conversation to answer in; reply by email.", 409)
        message_id = await run_sync(
            ticket_store.add_message, ticket.reference, "agent", text, agent_id=agent.id, agent_name=agent.name
        )
        reply = f"Update on your ticket {ticket.reference} from {agent.name}: {text}"
        try:
            await request.app.ctx.handoff.reply_to_ticket(ticket.sender_id, ticket.channel, _author(agent), reply)
        except DeliveryError as err:
            await run_sync(ticket_store.mark_delivered, message_id, str(err))
            raise
        await run_sync(ticket_store.mark_delivered, message_id)
        return json(
            {"delivered": True, "status": (await run_sync(ticket_store.get_ticket, reference)).status}, status=201
        )

    @bp.post("/api/tickets/<reference:str>/status")
    @authorised()
    async def ticket_status(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        status = _text(request, "status")
        if status not in ("open", "pending", "resolved", "closed"):
            return _error("Unknown status.", 400)
        ticket = await run_sync(
            ticket_store.set_status, ticket_store.normalize_reference(reference) or reference, status
        )
        if ticket is None:
            return _error("No such ticket.", 404)
        return json({"ticket": context._ticket(ticket)})

    # ---- admin -------------------------------------------------------------------------

    @bp.get("/api/stats")
    @authorised()
    async def stats(request: Request, agent: AgentView) -> HTTPResponse:
        try:
            days = min(365, max(1, int(request.args.get("days", 30))))
        except ValueError:
            return _error('"days" must be a whole number.', 400)
        return json({"satisfaction": await run_sync(service.rating_stats, days)})

    @bp.get("/api/agents")
    @authorised(admin=True)
    async def agents(request: Request, agent: AgentView) -> HTTPResponse:
        return json({"agents": [a.as_dict() for a in await run_sync(auth.list_agents)]})

    @bp.post("/api/agents")
    @authorised(admin=True)
    async def add_agent(request: Request, agent: AgentView) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        try:
            created = await run_sync(
                auth.add_agent,
                str(body.get("email") or ""),
                str(body.get("name") or ""),
                str(body.get("password") or ""),
                "admin" if body.get("role") == "admin" else "agent",
            )
        except auth.AuthError as err:
            return _error(str(err), 400)
        return json({"agent": created.as_dict()}, status=201)

    # ---- live updates ------------------------------------------------------------------

    @bp.get("/api/events")
    @authorised()
    async def events(request: Request, agent: AgentView) -> HTTPResponse:
        bus = request.app.ctx.handoff.bus
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
                    if await run_sync(auth.agent_for_session, token) is None:
                        await response.send(sse({"type": "logged_out"}))
                        break
                    await response.send(": keep-alive\n\n")
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            bus.unsubscribe(queue)
        return response

    return bp


async def _conversation(request: Request, sender_id: str, handoff) -> Dict[str, Any]:
    events, slots, sessions = await _tracker_state(request, sender_id)
    ids = [h.id for h in await run_sync(service.history_for, sender_id)] + ([handoff.id] if handoff else [])
    package = await run_sync(context.build, handoff, sender_id, events, slots, sessions)
    return {
        "sender_id": sender_id,
        "handoff": handoff.as_dict() if handoff else None,
        "owner": {"assigned": "agent", "queued": "queue"}.get(handoff.status if handoff else "", "bot"),
        "transcript": context.transcript_entries(events),
        "context": package,
        "notes": await run_sync(service.notes, ids),
    }


async def _recent(request: Request, limit: int = 50):
    """Recent conversations (for taking one over), from the SQL tracker store."""
    store = request.app.ctx.agent.tracker_store
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps stores in a FailSafeTrackerStore
    session_scope = getattr(inner, "session_scope", None)
    if session_scope is None:
        return []

    def query():
        from sqlalchemy import func, select

        table = inner.SQLEvent
        with session_scope() as session:
            rows = session.execute(
                select(table.sender_id, func.max(table.timestamp))
                .group_by(table.sender_id)
                .order_by(func.max(table.timestamp).desc())
                .limit(limit)
            ).all()
        return [{"sender_id": sender, "last_active": ts} for sender, ts in rows]

    rows = await run_sync(query)
    open_ids = {h.sender_id: h.status for h in await run_sync(service.queue, True)}
    for row in rows:
        row["owner"] = {"assigned": "agent", "queued": "queue"}.get(open_ids.get(row["sender_id"]), "bot")
    return rows
