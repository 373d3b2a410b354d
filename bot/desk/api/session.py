"""The desk page and its files, and signing in and out.

Logins are limited per address (RATE_LIMIT_LOGIN) and failures per account
(LOGIN_MAX_FAILURES), both answered 429 with Retry-After.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, json

from bot.desk import auth
from bot.desk.api.web import COOKIE, BadRequest, authorised, body, csrf_token, error, same_site_request
from bot.desk.auth import AgentView
from bot.intake import Intake
from bot.settings import Settings
from bot.store.db import run_sync
from bot.web import proxy

STATIC = Path(__file__).resolve().parent.parent / "static"


def blueprint(settings: Settings, intake: Intake) -> Blueprint:
    bp = Blueprint("desk_session")
    security = settings.security
    limiter = intake.limiter
    failure_rule = f"{security.login_max_failures}/{int(security.login_failure_window_minutes * 60)}seconds"

    @bp.listener("before_server_start")
    async def _origins(app: Any, _loop: Any) -> None:
        scheme = "https" if settings.https else "http"
        app.ctx.desk_origins = {settings.public_origin, *(f"{scheme}://{h}" for h in settings.allowed_hosts)}
        app.ctx.desk_sessions = settings.desk
        app.ctx.desk_teams = settings.handoff.teams

    def _secure(request: Request) -> bool:
        """HTTPS as the browser used it: directly, or as a proxy in TRUSTED_PROXIES says."""
        return proxy.scheme(request.ip, request.headers, security.trusted_proxies, request.scheme) == "https"

    @bp.get("/")
    async def page(request: Request) -> HTTPResponse:
        return await file(STATIC / "index.html", headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    @bp.get("/static/<name:path>")
    async def static(request: Request, name: str) -> HTTPResponse:
        path = (STATIC / name).resolve()
        if STATIC not in path.parents or not path.is_file():
            return error("Not found.", 404)
        return await file(path, headers={"Cache-Control": "no-cache"})  # revalidate after an upgrade

    @bp.post("/api/login")
    async def login(request: Request) -> HTTPResponse:
        if not same_site_request(request, request.app.ctx.desk_origins):
            return error("Sign in from the desk's own page.", 403)
        address = proxy.client_address(request.ip, request.headers, security.trusted_proxies)
        wait = limiter.check(security.rate_login, "desk-login", address)
        if wait is not None:
            return error("Too many sign-in attempts; try again in a moment.", 429, wait)
        try:
            data = body(request)
        except BadRequest as err:
            return error(str(err), 400)
        email, password = data.get("email"), data.get("password")
        if not isinstance(email, str) or not isinstance(password, str) or len(email) > 320 or len(password) > 1024:
            return error('"email" and "password" must be strings.', 400)
        key = auth.normalize_email(email)  # the same form the login itself uses: no padding around the lock
        wait = limiter.peek(failure_rule, "desk-login-failure", key)
        if wait is not None:
            return error("Too many failed attempts for this account; try again later.", 429, wait)
        agent = await run_sync(auth.authenticate, key, password)
        if agent is None:
            limiter.check(failure_rule, "desk-login-failure", key)
            return error("Wrong email or password.", 401)
        token = await run_sync(auth.start_session, agent.id, settings.desk.session_hours)
        response = json({"agent": agent.as_dict(), "csrf_token": csrf_token(token)})
        response.cookies[COOKIE] = token
        cookie = response.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/desk"
        cookie["max-age"] = int(settings.desk.session_hours * 3600)
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

    @bp.post("/api/me/availability")
    @authorised()
    async def availability(request: Request, agent: AgentView) -> HTTPResponse:
        """The agent's available/away switch: away agents get no new conversations."""
        available = body(request).get("available")
        if not isinstance(available, bool):
            return error('"available" must be true or false.', 400)
        changed = await run_sync(auth.set_away, agent.id, not available)
        return json({"agent": changed.as_dict()})

    @bp.post("/api/me/preferences")
    @authorised()
    async def preferences(request: Request, agent: AgentView) -> HTTPResponse:
        """The agent's notification settings: {"notify_waiting", "notify_replies", "sound"}: true/false."""
        try:
            changed = await run_sync(auth.set_preferences, agent.id, body(request))
        except auth.AuthError as err:
            return error(str(err), 400)
        return json({"agent": changed.as_dict()})

    return bp
