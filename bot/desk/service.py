"""What the desk does, apart from HTTP: the operations behind the desk API's routes.

The routes (bot/desk/api/) read the request, call one method here and write the answer.
`DeskService` takes the handoff runtime (it tells the customer and the other agents) and a
tracker reader (the conversations Rasa keeps) as arguments, so a test can pass fakes. A
broken rule raises a domain error (bot.handoff.errors, or `NotFound` / `Conflict` here);
the API maps them to HTTP statuses in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from bot.desk import context, inbox
from bot.desk.auth import AgentView
from bot.desk.trackers import TrackerReader
from bot.handoff import notes, ownership, queue
from bot.handoff.delivery import DeliveryError
from bot.handoff.errors import HandoffNotFound, WrongState
from bot.handoff.records import HandoffView
from bot.handoff.texts import ticket_answer_mail
from bot.mail import Mailer, MailError
from bot.store import labels
from bot.store import tickets as ticket_store
from bot.store.db import run_sync
from bot.store.handoff import HandoffStatus

if TYPE_CHECKING:
    from bot.handoff.runtime import HandoffRuntime

OWNERS = {"assigned": "agent", "queued": "queue"}  # a handoff's status -> who owns the conversation


class DeskError(Exception):
    """Something the desk was asked for is not possible; the message says why."""


class NotFound(DeskError):
    """No such conversation or ticket."""


class Conflict(DeskError):
    """Not possible in the state the thing is in."""


def author(agent: AgentView) -> Dict[str, Any]:
    """How an agent is named on the messages they send."""
    return {"id": agent.id, "name": agent.name}


def owner(status: Optional[str]) -> str:
    return OWNERS.get(status or "", "bot")


class DeskService:
    def __init__(self, handoff: HandoffRuntime, trackers: TrackerReader, mailer: Optional[Mailer] = None) -> None:
        self.handoff = handoff
        self.trackers = trackers
        self.mailer = mailer

    @property
    def bus(self) -> Any:
        return self.handoff.bus

    # ---- reading -------------------------------------------------------------------------

    async def queue(self) -> Dict[str, Any]:
        rows = await run_sync(queue.queue, True)
        config = self.handoff.config
        online = await run_sync(queue.online_agents, config)
        return {
            "handoffs": [h.as_dict() for h in rows],
            "agents_online": online,
            "business_hours": config.hours.describe(),
            "open_now": config.hours.is_open(),
        }

    async def handoff_view(self, handoff_id: int) -> Dict[str, Any]:
        handoff = await self._handoff(handoff_id)
        return await self.conversation_view(handoff.sender_id, handoff)

    async def conversation(self, sender_id: str) -> Dict[str, Any]:
        return await self.conversation_view(sender_id, await run_sync(queue.open_handoff_for, sender_id))

    async def conversation_view(self, sender_id: str, handoff: Optional[HandoffView]) -> Dict[str, Any]:
        """The transcript, the context package and the notes an agent sees for a conversation."""
        events, slots, sessions = await self.trackers.state(sender_id)
        ids = [h.id for h in await run_sync(queue.history_for, sender_id)] + ([handoff.id] if handoff else [])
        package = await run_sync(context.build, handoff, sender_id, events, slots, sessions)
        return {
            "sender_id": sender_id,
            "handoff": handoff.as_dict() if handoff else None,
            "owner": owner(handoff.status if handoff else None),
            "transcript": context.transcript_entries(events),
            "context": package,
            "notes": await run_sync(notes.notes, ids),
            "labels": (await run_sync(labels.labels_of, "conversation", [sender_id])).get(sender_id, []),
        }

    async def inbox(self, filters: inbox.Filters, agent: AgentView) -> Dict[str, Any]:
        """The conversation list as filtered; with a search, the matching tickets too (and
        their conversations in the list)."""
        tickets: List[Dict[str, Any]] = []
        matching: set = set()
        if filters.query:
            matching = await self.trackers.search(filters.query)
            tickets = await run_sync(inbox.ticket_matches, filters.query)
            matching |= inbox.senders_of(tickets)
        rows = await run_sync(inbox.conversations, filters, agent.id, matching)
        return {"conversations": rows, "tickets": tickets}

    # ---- changing who owns a conversation --------------------------------------------------

    async def claim(self, handoff_id: int, agent: AgentView) -> HandoffView:
        """Claim a waiting conversation; the customer hears who joined (only the first time)."""
        before = await run_sync(queue.get, handoff_id)
        handoff = await run_sync(ownership.claim, handoff_id, agent.id)
        if before is not None and before.status == HandoffStatus.queued.value:
            await self.handoff.claimed(handoff, agent.name)
        return handoff

    async def assign_team(self, handoff_id: int, team: Optional[str]) -> HandoffView:
        """Route an open conversation to a team (None: to everyone)."""
        if not await run_sync(queue.assign_team, handoff_id, team):
            await self._handoff(handoff_id)  # NotFound, or:
            raise WrongState("Only a waiting or active conversation can go to a team.")
        handoff = await self._handoff(handoff_id)
        self.bus.publish("queue", handoff=handoff.as_dict())
        return handoff

    async def assign_agent(self, handoff_id: int, agent: AgentView, to: AgentView) -> HandoffView:
        """Give a conversation to an agent: a waiting one to anyone; one someone owns, by its
        owner (or an admin). The customer hears who joined."""
        current = await self._handoff(handoff_id)
        if current.status == HandoffStatus.queued.value:
            handoff = await run_sync(ownership.claim, handoff_id, to.id)
        else:
            handoff = await run_sync(ownership.transfer, handoff_id, agent.id, to.id, agent.is_admin)
        if current.agent_id != to.id:
            await self.handoff.claimed(handoff, to.name)
        return handoff

    async def takeover(self, sender_id: str, agent: AgentView) -> HandoffView:
        """Take over a conversation the bot owns (or claim its waiting handoff)."""
        events, slots, _ = await self.trackers.state(sender_id)
        if not events:
            raise NotFound("No such conversation.")
        channel = next(
            (e.get("input_channel") for e in reversed(events) if e.get("event") == "user" and e.get("input_channel")),
            "rest",
        )
        before = await run_sync(queue.open_handoff_for, sender_id)
        package = await run_sync(context.build, None, sender_id, events, slots, 1)
        handoff = await run_sync(
            ownership.takeover,
            sender_id,
            channel,
            agent.id,
            package["summary"],
            customer_name=slots.get("customer_name"),
            customer_email=slots.get("verified_email"),
        )
        if before is None:
            await self.handoff.took_over(handoff, agent.name)
        elif before.status == HandoffStatus.queued.value:
            await self.handoff.claimed(handoff, agent.name)
        return handoff

    async def hand_back(self, handoff_id: int, agent: AgentView) -> HandoffView:
        closed = await run_sync(
            ownership.close, handoff_id, HandoffStatus.resolved, agent_id=agent.id, admin=agent.is_admin
        )
        await self.handoff.hand_back(closed, agent.name)
        return closed

    # ---- writing -------------------------------------------------------------------------

    async def write(self, handoff_id: int, agent: AgentView, text: str, mirror: bool = True) -> Dict[str, Any]:
        """An agent's message to the customer of a handoff they own (`mirror=False`: it was
        written in the conversation's Slack thread, which need not show it again)."""
        handoff = await run_sync(ownership.require_owner, handoff_id, agent.id)
        return await self.handoff.agent_message(handoff, author(agent), text, mirror=mirror)

    async def typing(self, handoff_id: int, agent: AgentView) -> None:
        """The owner is writing a reply: the customer sees "Ann is typing…" where the channel can show it."""
        handoff = await run_sync(ownership.require_owner, handoff_id, agent.id)
        await self.handoff.agent_typing(handoff, agent.name)

    async def write_to_conversation(self, sender_id: str, agent: AgentView, text: str) -> Dict[str, Any]:
        handoff = await run_sync(queue.open_handoff_for, sender_id)
        if handoff is None:
            raise WrongState("The assistant owns this conversation: take it over before writing to the customer.")
        return await self.write(handoff.id, agent, text)

    async def add_note(self, handoff_id: int, agent: AgentView, text: str) -> Dict[str, Any]:
        """A note for the team (the customer never sees it); the other agents see it at once."""
        await self._handoff(handoff_id)
        note = await run_sync(notes.add_note, handoff_id, agent.id, text)
        note["agent"] = agent.name
        self.bus.publish("note", handoff_id=handoff_id, note=note)
        return note

    def ticket_routes(self, ticket: Any) -> Dict[str, Optional[str]]:
        """How an answer to `ticket` would reach the customer: in the chat ("push": at once;
        "kept": with the customer's next request, REST), and/or by email (the address)."""
        chat = None
        if ticket.sender_id:
            chat = "push" if self.handoff.delivery.registry.pushes(ticket.channel) else "kept"
        email = ticket.email if ticket.email and self.mailer is not None and self.mailer.enabled else None
        return {"chat": chat, "email": email}

    async def reply_to_ticket(self, reference: str, agent: AgentView, text: str) -> Dict[str, Any]:
        """Answer a ticket in the customer's conversation and, when the ticket has an email
        address and email is configured, by email too (they may have closed the chat).

        The reply is stored first, then each route's outcome is recorded on it. Returns the
        ticket's status and what happened on each route; DeliveryError when no route worked."""
        ticket = await run_sync(ticket_store.get_ticket, reference)
        if ticket is None:
            raise NotFound("No such ticket.")
        can_email = self.ticket_routes(ticket)["email"] is not None
        if not ticket.sender_id and not can_email:
            raise Conflict(
                "This ticket has no conversation to answer in and email is not set up; reply from your mailbox."
            )
        message_id = await run_sync(
            ticket_store.add_message, ticket.reference, "agent", text, agent_id=agent.id, agent_name=agent.name
        )
        routes: Dict[str, Any] = {"chat": None, "email": None}
        failures: List[str] = []
        if ticket.sender_id:
            reply = f"Update on your ticket {ticket.reference} from {agent.name}: {text}"
            try:
                await self.handoff.reply_to_ticket(ticket.sender_id, ticket.channel, author(agent), reply)
            except DeliveryError as err:
                await run_sync(ticket_store.mark_delivered, message_id, str(err))
                routes["chat"] = {"ok": False, "error": str(err)}
                failures.append(str(err))
            else:
                await run_sync(ticket_store.mark_delivered, message_id)
                routes["chat"] = {"ok": True, "how": self.ticket_routes(ticket)["chat"]}
        if can_email:
            try:
                await self.mailer.send(ticket_answer_mail(ticket, agent.name, text, self.mailer.support_email))
            except MailError as err:
                await run_sync(ticket_store.mark_emailed, message_id, ticket.email, str(err))
                routes["email"] = {"ok": False, "to": ticket.email, "error": str(err)}
                failures.append(f"email: {err}")
            else:
                await run_sync(ticket_store.mark_emailed, message_id, ticket.email)
                routes["email"] = {"ok": True, "to": ticket.email}
        if not any(route and route["ok"] for route in routes.values()):
            raise DeliveryError(ticket.channel, ticket.sender_id or "", "; ".join(failures))
        status = (await run_sync(ticket_store.get_ticket, reference)).status
        return {"status": status, "routes": routes}

    async def _handoff(self, handoff_id: int) -> HandoffView:
        handoff = await run_sync(queue.get, handoff_id)
        if handoff is None:
            raise HandoffNotFound("No such handoff.")
        return handoff


def build_desk_service(app: Any) -> DeskService:
    """The desk's service for a running Rasa server, once the handoff runtime is started
    (`app.ctx.handoff`); the tracker store is the current agent's (`app.ctx.agent`)."""
    return DeskService(app.ctx.handoff, TrackerReader(lambda: app.ctx.agent), getattr(app.ctx, "mailer", None))
