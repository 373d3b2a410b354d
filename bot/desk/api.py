"""The desk's HTTP API and pages, mounted on the Rasa server under /desk.

Every API call is authorised from the session cookie (401 without one, 403 for a role that
may not do it) and every state change goes through bot.handoff.service, which enforces one
owner per conversation in the database. A change must also come from the desk itself: its
`Origin` (when the browser sends one) must be the server's own, and it must carry the
session's CSRF token (`X-CSRF-Token`, given by /login and /me), which a page on another site
can neither read nor guess; the cookie is also SameSite=Strict and HttpOnly. Logins are
limited per address (RATE_LIMIT_LOGIN) and failures per account (LOGIN_MAX_FAILURES), both
answered 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, json

from bot.desk import auth, context
from bot.desk.auth import AgentView
from bot.desk.events import sse
from bot.handoff import service
from bot.handoff.delivery import DeliveryError
from bot.handoff.service import HandoffError
from bot.intake import Intake
from bot.settings import Settings
from bot.store import tickets as ticket_store
from bot.store.db import run_sync
from bot.web import proxy

TICKET_STATUSES = ("open", "pending", "resolved", "closed")

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "desk_session"
CSRF_HEADER = "x-csrf-token"
MAX_TEXT = 4000
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we run on

Handler = Callable[..., Awaitable[HTTPResponse]]


def _error(message: str, status: int, retry_after: Optional[int] = None) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return json({"error": message}, status=status, headers=headers)


def _body(request: Request) -> Dict[str, Any]:
    body = request.json  # malformed JSON: Sanic raises a 400, which the server answers as JSON
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise HandoffError("The body must be a JSON object.", 400)
    return body


def _text(request: Request, key: str = "text") -> str:
    value = _body(request).get(key)
    if not isinstance(value, str):
        raise HandoffError(f'"{key}" is required and must be a string.', 400)
    value = value.strip()
    if not value:
        raise HandoffError(f'"{key}" is required.', 400)
    if len(value) > MAX_TEXT:
        raise HandoffError(f'"{key}" is longer than {MAX_TEXT} characters.', 400)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise HandoffError(f'"{key}" contains control characters.', 400)
    return value


def csrf_token(session_token: Optional[str]) -> str:
    """Derived from the session cookie (HttpOnly: page scripts cannot read it), never stored."""
    return hashlib.sha256(f"desk-csrf:{session_token or ''}".encode()).hexdigest()


def _same_site_request(request: Request, origins: Set[str]) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin.rstrip("/").lower() in origins


def _valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def authorised(admin: bool = False) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            token = request.cookies.get(COOKIE)
            if request.method not in ("GET", "HEAD"):
                if not _same_site_request(request, request.app.ctx.desk_origins):
                    return _error("Changes are only accepted from the desk's own pages.", 403)
                given = request.headers.get(CSRF_HEADER) or ""
                if not token or not hmac.compare_digest(given.encode(), csrf_token(token).encode()):
                    return _error("Missing or wrong CSRF token: reload the desk.", 403)
            for key in ("handoff_id",):
                if key in kwargs and not _valid_id(kwargs[key]):
                    return _error("No such handoff.", 404)
            if "sender_id" in kwargs and len(kwargs["sender_id"]) > 255:
                return _error("No such conversation.", 404)
            agent = await run_sync(auth.agent_for_session, token)
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


def create_blueprint(settings: Settings, intake: Intake) -> Blueprint:
    bp = Blueprint("desk", url_prefix="/desk")
    security = settings.security
    limiter = intake.limiter
    failure_rule = f"{security.login_max_failures}/{int(security.login_failure_window_minutes * 60)}seconds"

    @bp.listener("before_server_start")
    async def _origins(app: Any, _loop: Any) -> None:
        scheme = "https" if settings.https else "http"
        app.ctx.desk_origins = {settings.public_origin, *(f"{scheme}://{h}" for h in settings.allowed_hosts)}

    def _secure(request: Request) -> bool:
        """HTTPS as the browser used it: directly, or as a proxy in TRUSTED_PROXIES says."""
        return proxy.scheme(request.ip, request.headers, security.trusted_proxies, request.scheme) == "https"

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
        if not _same_site_request(request, request.app.ctx.desk_origins):
            return _error("Sign in from the desk's own page.", 403)
        address = proxy.client_address(request.ip, request.headers, security.trusted_proxies)
        wait = limiter.check(security.rate_login, "desk-login", address)
        if wait is not None:
            return _error("Too many sign-in attempts; try again in a moment.", 429, wait)
        body = _body(request)
        email, password = body.get("email"), body.get("password")
        if not isinstance(email, str) or not isinstance(password, str) or len(email) > 320 or len(password) > 1024:
            return _error('"email" and "password" must be strings.', 400)
        key = auth.normalize_email(email)  # the same form the login itself uses: no padding around the lock
        wait = limiter.peek(failure_rule, "desk-login-failure", key)
        if wait is not None:
            return _error("Too many failed attempts for this account; try again later.", 429, wait)
        agent = await run_sync(auth.authenticate, key, password)
        if agent is None:
            limiter.check(failure_rule, "desk-login-failure", key)
            return _error("Wrong email or password.", 401)
        token = await run_sync(auth.start_session, agent.id)
        response = json({"agent": agent.as_dict(), "csrf_token": csrf_token(token)})
        response.cookies[COOKIE] = token
        cookie = response.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/desk"
        cookie["max-age"] = int(auth.session_hours() * 3600)
        if _secure(request):  # a Secure cookie is never sent back over plain HTTP
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
        return json({"agent": agent.as_dict(), "csrf_token": csrf_token(request.cookies.get(COOKIE))})

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
            customer_email=slots.get("verified_email"),
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
        if status is not None and status not in TICKET_STATUSES:
            return _error(f'"status" must be one of {", ".join(TICKET_STATUSES)}.', 400)
        rows = await run_sync(ticket_store.list_tickets, status)
        return json(
            {
                "tickets": [
                    context.ticket_view(t) | {"email": t.email, "has_conversation": bool(t.sender_id)} for t in rows
                ]
            }
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
                "ticket": context.ticket_view(ticket)
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
        if status not in TICKET_STATUSES:
            return _error(f'"status" must be one of {", ".join(TICKET_STATUSES)}.', 400)
        ticket = await run_sync(
            ticket_store.set_status, ticket_store.normalize_reference(reference) or reference, status
        )
        if ticket is None:
            return _error("No such ticket.", 404)
        return json({"ticket": context.ticket_view(ticket)})

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
        body = _body(request)
        fields = {key: body.get(key) for key in ("email", "name", "password")}
        if not all(isinstance(v, str) for v in (fields["email"], fields["password"])) or not isinstance(
            fields["name"], (str, type(None))
        ):
            return _error('"email", "password" (and "name") must be strings.', 400)
        role = body.get("role", "agent")
        if role not in ("agent", "admin"):
            return _error('"role" must be "agent" or "admin".', 400)
        try:
            created = await run_sync(auth.add_agent, fields["email"], fields["name"] or "", fields["password"], role)
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
