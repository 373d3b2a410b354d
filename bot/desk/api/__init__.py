"""The desk's HTTP API and pages, mounted on the Rasa server under /desk.

One blueprint per area (session, handoffs, conversations, tickets, admin, canned replies, labels, analytics, live), grouped
under /desk. The routes read the request and write the answer; what they do is
bot.desk.service.DeskService, and every state change goes through bot.handoff.ownership,
which enforces one owner per conversation in the database. What the routes share (the
session, Origin and CSRF checks, body validation, errors as HTTP statuses) is in `web`.
"""

from __future__ import annotations

from typing import Any, Callable

from sanic import Blueprint
from sanic.blueprint_group import BlueprintGroup

from bot.desk.api import admin, analytics, canned, conversations, handoffs, labels, live, session, tickets
from bot.desk.api.web import desk_resolver
from bot.desk.service import DeskService, build_desk_service
from bot.intake import Intake
from bot.settings import Settings


def create_blueprint(
    settings: Settings, intake: Intake, build: Callable[[Any], DeskService] = build_desk_service
) -> BlueprintGroup:
    """The desk's routes; `build(app)` makes the DeskService on the first request that needs it."""
    desk = desk_resolver(build)
    return Blueprint.group(
        session.blueprint(settings, intake),
        handoffs.blueprint(desk),
        conversations.blueprint(desk),
        tickets.blueprint(desk),
        admin.blueprint(),
        canned.blueprint(),
        labels.blueprint(),
        analytics.blueprint(settings),
        live.blueprint(desk),
        url_prefix="/desk",
    )
