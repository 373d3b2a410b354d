"""The service dashboard's data and "draft an article" (admins only).

GET /desk/api/analytics?since=7d&until=&channel=web: the report of bot/analytics/service.py
(the same one `python -m bot report` prints), with the help centre's article titles and the
unanswered questions grouped by its encoder. POST /desk/api/analytics/drafts {"title",
"questions": [...]}: a Markdown draft in the help centre's drafts folder (bot/analytics/drafts.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.analytics import drafts, service
from bot.desk.api.web import authorised, body, error
from bot.desk.auth import AgentView
from bot.settings import Settings
from bot.store.db import run_sync

logger = logging.getLogger(__name__)

MAX_PARAM = 40  # "2026-12-01T09:30:00" and friends


def _report(settings: Settings, since: str, until: str, channel: str) -> Dict[str, Any]:
    from knowledge_base.service import get_knowledge_base

    win = service.window(since, until or None, channel or None, settings.handoff.hours)
    kb = get_knowledge_base()
    return service.build(win, kb=kb, encoder=lambda: kb.encoder_for(kb.config.model)).data


def blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("desk_analytics")

    @bp.get("/api/analytics")
    @authorised(admin=True)
    async def analytics(request: Request, agent: AgentView) -> HTTPResponse:
        params = {key: (request.args.get(key) or "").strip() for key in ("since", "until", "channel")}
        if any(len(value) > MAX_PARAM for value in params.values()):
            return error("A range or channel that long cannot be right.", 400)
        try:
            data = await run_sync(_report, settings, params["since"] or "7d", params["until"], params["channel"])
        except service.RangeError as err:
            return error(f"Cannot report: {err}.", 400)
        return json(data)

    @bp.post("/api/analytics/drafts")
    @authorised(admin=True)
    async def draft(request: Request, agent: AgentView) -> HTTPResponse:
        data = body(request)
        try:
            written = await run_sync(drafts.write_draft, settings.drafts_dir, data.get("title"), data.get("questions"))
        except drafts.DraftError as err:
            return error(f"Cannot draft that article: {err}.", 400)
        except OSError as err:
            logger.error("desk: could not write an article draft in %s: %s", settings.drafts_dir, err.strerror)
            return error("The draft could not be written on the server (KB_DRAFTS_DIR).", 503)
        logger.info("desk: %s drafted %s", agent.email, written.path.name)
        return json(
            {"file": written.path.name, "path": _shown(written.path, settings), "content": written.content}, 201
        )

    return bp


def _shown(path: Any, settings: Settings) -> str:
    """The draft's path relative to the project when it is inside it (what an editor opens)."""
    try:
        return str(path.resolve().relative_to(settings.root.resolve()))
    except ValueError:
        return str(path)
