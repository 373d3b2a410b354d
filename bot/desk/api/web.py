"""What every desk API route shares: JSON errors, body validation, the `authorised`
decorator (Origin + CSRF token + session), and the one place that maps the domain's errors
to HTTP statuses.

Every API call is authorised from the session cookie (401 without one, 403 for a role that
may not do it). A change must also come from the desk itself: its `Origin` (when the browser
sends one) must be the server's own, and it must carry the session's CSRF token
(`X-CSRF-Token`, given by /login and /me), which a page on another site can neither read nor
guess; the cookie is also SameSite=Strict and HttpOnly.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Tuple, Type

from sanic import Request
from sanic.response import HTTPResponse, json

from bot.desk import auth
from bot.desk.service import Conflict, DeskService, NotFound
from bot.handoff.delivery import DeliveryError
from bot.handoff.errors import HandoffError, HandoffNotFound, NotTheOwner, WrongState
from bot.store.db import run_sync

COOKIE = "desk_session"
CSRF_HEADER = "x-csrf-token"
MAX_TEXT = 4000
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we run on

Handler = Callable[..., Awaitable[HTTPResponse]]
Resolve = Callable[[Request], DeskService]


class BadRequest(Exception):
    """The request itself is wrong (a missing field, a value of the wrong type...)."""


# The one place where what went wrong becomes an HTTP status (the first that matches).
STATUSES: Tuple[Tuple[Type[Exception], int], ...] = (
    (BadRequest, 400),
    (NotTheOwner, 403),
    (HandoffNotFound, 404),
    (NotFound, 404),
    (WrongState, 409),
    (Conflict, 409),
    (HandoffError, 409),  # any other broken handoff rule
    (DeliveryError, 502),
)
HANDLED = tuple(kind for kind, _ in STATUSES)


def status_for(err: Exception) -> int:
    return next(status for kind, status in STATUSES if isinstance(err, kind))


def error(message: str, status: int, retry_after: Optional[int] = None) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return json({"error": message}, status=status, headers=headers)


def body(request: Request) -> Dict[str, Any]:
    data = request.json  # malformed JSON: Sanic raises a 400, which the server answers as JSON
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def text(request: Request, key: str = "text") -> str:
    value = body(request).get(key)
    if not isinstance(value, str):
        raise BadRequest(f'"{key}" is required and must be a string.')
    value = value.strip()
    if not value:
        raise BadRequest(f'"{key}" is required.')
    if len(value) > MAX_TEXT:
        raise BadRequest(f'"{key}" is longer than {MAX_TEXT} characters.')
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise BadRequest(f'"{key}" contains control characters.')
    return value


def csrf_token(session_token: Optional[str]) -> str:
    """Derived from the session cookie (HttpOnly: page scripts cannot read it), never stored."""
    return hashlib.sha256(f"desk-csrf:{session_token or ''}".encode()).hexdigest()


def same_site_request(request: Request, origins: Set[str]) -> bool:
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
                if not same_site_request(request, request.app.ctx.desk_origins):
                    return error("Changes are only accepted from the desk's own pages.", 403)
                given = request.headers.get(CSRF_HEADER) or ""
                if not token or not hmac.compare_digest(given.encode(), csrf_token(token).encode()):
                    return error("Missing or wrong CSRF token: reload the desk.", 403)
            for key in ("handoff_id",):
                if key in kwargs and not _valid_id(kwargs[key]):
                    return error("No such handoff.", 404)
            if "sender_id" in kwargs and len(kwargs["sender_id"]) > 255:
                return error("No such conversation.", 404)
            agent = await run_sync(auth.agent_for_session, token, True, request.app.ctx.desk_sessions.idle_minutes)
            if agent is None:
                return error("Please log in.", 401)
            if admin and not agent.is_admin:
                return error("Only admins can do that.", 403)
            try:
                return await handler(request, agent, *args, **kwargs)
            except HANDLED as err:
                return error(str(err), status_for(err))

        return wrapper

    return decorate


def desk_resolver(build: Callable[[Any], DeskService]) -> Resolve:
    """The app's DeskService, built on first use: the handoff runtime it works with is only
    started once the server starts (bot/app.py `start_handoff`), after the routes exist."""

    def resolve(request: Request) -> DeskService:
        ctx = request.app.ctx
        desk = getattr(ctx, "desk", None)
        if desk is None:
            desk = ctx.desk = build(request.app)
        return desk

    return resolve
