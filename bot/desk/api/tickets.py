"""Tickets: the list, one ticket with its messages, answering it in the customer's
conversation, and its status."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.desk import context
from bot.desk.api.web import Resolve, authorised, error, text
from bot.desk.auth import AgentView
from bot.store import labels
from bot.store import tickets as ticket_store
from bot.store.db import run_sync

TICKET_STATUSES = ("open", "pending", "resolved", "closed")
BAD_STATUS = f'"status" must be one of {", ".join(TICKET_STATUSES)}.'


def blueprint(desk: Resolve) -> Blueprint:
    bp = Blueprint("desk_tickets")

    @bp.get("/api/tickets")
    @authorised()
    async def list_tickets(request: Request, agent: AgentView) -> HTTPResponse:
        status = request.args.get("status") or None
        if status is not None and status not in TICKET_STATUSES:
            return error(BAD_STATUS, 400)
        rows = await run_sync(ticket_store.list_tickets, status)
        tagged = await run_sync(labels.labels_of, "ticket", [t.reference for t in rows])
        return json(
            {
                "tickets": [
                    context.ticket_view(t)
                    | {"email": t.email, "has_conversation": bool(t.sender_id), "labels": tagged.get(t.reference, [])}
                    for t in rows
                ]
            }
        )

    @bp.get("/api/tickets/<reference:str>")
    @authorised()
    async def ticket_detail(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        ticket = await run_sync(ticket_store.get_ticket, reference)
        if ticket is None:
            return error("No such ticket.", 404)
        messages = await run_sync(ticket_store.ticket_messages, ticket.reference)
        return json(
            {
                "ticket": context.ticket_view(ticket)
                | {"description": ticket.description, "email": ticket.email, "sender_id": ticket.sender_id},
                "messages": messages,
                "routes": desk(request).ticket_routes(ticket),
                "labels": (await run_sync(labels.labels_of, "ticket", [ticket.reference])).get(ticket.reference, []),
            }
        )

    @bp.post("/api/tickets/<reference:str>/reply")
    @authorised()
    async def ticket_reply(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        outcome = await desk(request).reply_to_ticket(reference, agent, text(request))
        return json(outcome, status=201)

    @bp.post("/api/tickets/<reference:str>/status")
    @authorised()
    async def ticket_status(request: Request, agent: AgentView, reference: str) -> HTTPResponse:
        status = text(request, "status")
        if status not in TICKET_STATUSES:
            return error(BAD_STATUS, 400)
        ticket = await run_sync(
            ticket_store.set_status, ticket_store.normalize_reference(reference) or reference, status
        )
        if ticket is None:
            return error("No such ticket.", 404)
        return json({"ticket": context.ticket_view(ticket)})

    return bp
