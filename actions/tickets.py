"""Opening support tickets and checking on them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of
from actions.orders import email_slot
from bot.store.db import run_sync
from bot.store.models import utcnow
from bot.store.tickets import (
    TicketView,
    get_ticket,
    infer_priority,
    normalize_priority,
    normalize_reference,
    open_ticket,
)

STATUS_WORDS = {
    "open": "open and waiting for our team",
    "pending": "waiting for a reply from you",
    "resolved": "resolved",
    "closed": "closed",
}


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    seconds = max(0, int(((now or utcnow()) - when).total_seconds()))
    if seconds < 90:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


class ValidateOpenTicketForm(FormValidationAction):
    def name(self) -> str:
        return "validate_open_ticket_form"

    async def validate_ticket_subject(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 3:
            dispatcher.utter_message(text="Could you say in a few words what the ticket is about?")
            return {"ticket_subject": None}
        return {"ticket_subject": text[:200]}

    async def validate_ticket_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 5:
            dispatcher.utter_message(
                text="A little more detail helps our team solve it on the first reply. What happened?"
            )
            return {"ticket_description": None}
        return {"ticket_description": text[:5000]}

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return email_slot(value, dispatcher)


class ActionOpenTicket(Action):
    def name(self) -> str:
        return "action_open_ticket"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        subject = tracker.get_slot("ticket_subject") or ""
        description = tracker.get_slot("ticket_description") or ""
        requested = normalize_priority(tracker.get_slot("ticket_priority"))
        priority = requested or infer_priority(subject, description)
        order_number = tracker.get_slot("order_number") if tracker.get_slot("order_result") else None
        ticket = await run_sync(
            open_ticket,
            subject,
            description,
            tracker.get_slot("email"),
            priority=priority,
            channel=channel_of(tracker),
            sender_id=tracker.sender_id,
            order_number=order_number,
        )
        how = "as you asked" if requested else "based on what you wrote"
        dispatcher.utter_message(
            text=f'I\'ve opened ticket {ticket.reference}: "{ticket.subject}" with {ticket.priority} priority ({how}). '
            f"Our team will reply to {ticket.email}, usually within one business day. "
            f"You can ask me about {ticket.reference} any time."
        )
        return [
            SlotSet("ticket_subject", None),
            SlotSet("ticket_description", None),
            SlotSet("ticket_priority", None),
            SlotSet("ticket_reference", ticket.reference),
        ]


class ValidateTicketStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_ticket_status_form"

    async def validate_ticket_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        reference = normalize_reference(value)
        if reference is None:
            dispatcher.utter_message(text="That doesn't look like a ticket reference. It looks like T-000123.")
        return {"ticket_reference": reference}


def describe_ticket(ticket: TicketView, show_details: bool) -> str:
    state = STATUS_WORDS.get(ticket.status, ticket.status)
    text = f"Ticket {ticket.reference}"
    if show_details:
        text += f' ("{ticket.subject}")'
    text += f" is {state}. Priority: {ticket.priority}. Opened {ago(ticket.created_at)}, last updated {ago(ticket.updated_at)}."
    if ticket.status == "pending":
        text += f" Please check the email we sent{' to ' + ticket.email if show_details else ''}."
    return text


class ActionCheckTicket(Action):
    """Ticket status by reference. References are sequential, so the subject (which may be
    personal) is only shown to the conversation that opened the ticket or a matching verified email."""

    def name(self) -> str:
        return "action_check_ticket"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        reference = tracker.get_slot("ticket_reference")
        ticket = await run_sync(get_ticket, reference)
        if ticket is None:
            dispatcher.utter_message(response="utter_ticket_not_found", ticket_reference=reference)
            return [SlotSet("ticket_reference", None)]
        # Only a verified email (a channel's, or one an order lookup matched) proves ownership:
        # anyone can type someone else's address.
        email = (tracker.get_slot("verified_email") or "").lower()
        owner = ticket.sender_id == tracker.sender_id or (email and email == (ticket.email or "").lower())
        dispatcher.utter_message(text=describe_ticket(ticket, show_details=bool(owner)))
        # Kept, so a follow-up like "any news on my ticket?" needs no reference again.
        return [SlotSet("ticket_reference", ticket.reference)]
