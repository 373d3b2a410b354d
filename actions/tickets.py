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
from bot.i18n import language_of, t
from bot.i18n.messages import plural_key
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

STATES = ("open", "pending", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")


def ago(when: dt.datetime, now: dt.datetime | None = None, lang: str = "en") -> str:
    seconds = max(0, int(((now or utcnow()) - when).total_seconds()))
    if seconds < 90:
        return t("tickets.ago.just_now", lang)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return t(plural_key(f"tickets.ago.{unit}", count), lang, count=count)
    return t("tickets.ago.just_now", lang)


def priority_word(priority: str, lang: str) -> str:
    return t(f"tickets.priority.{priority}", lang) if priority in PRIORITIES else priority


class ValidateOpenTicketForm(FormValidationAction):
    def name(self) -> str:
        return "validate_open_ticket_form"

    async def validate_ticket_subject(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 3:
            dispatcher.utter_message(text=t("tickets.ask_subject_again", language_of(tracker)))
            return {"ticket_subject": None}
        return {"ticket_subject": text[:200]}

    async def validate_ticket_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 5:
            dispatcher.utter_message(text=t("tickets.ask_description_again", language_of(tracker)))
            return {"ticket_description": None}
        return {"ticket_description": text[:5000]}

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return email_slot(value, dispatcher, language_of(tracker))


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
        lang = language_of(tracker)
        dispatcher.utter_message(
            text=t(
                "tickets.opened",
                lang,
                reference=ticket.reference,
                subject=ticket.subject,
                priority=priority_word(ticket.priority, lang),
                how=t("tickets.priority_how.asked" if requested else "tickets.priority_how.inferred", lang),
                email=ticket.email,
            )
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
            dispatcher.utter_message(text=t("tickets.invalid_reference", language_of(tracker)))
        return {"ticket_reference": reference}


def describe_ticket(ticket: TicketView, show_details: bool, lang: str = "en") -> str:
    text = t(
        "tickets.status_line",
        lang,
        reference=ticket.reference,
        subject=t("tickets.subject_part", lang, subject=ticket.subject) if show_details else "",
        state=t(f"tickets.state.{ticket.status}", lang) if ticket.status in STATES else ticket.status,
        priority=priority_word(ticket.priority, lang),
        opened=ago(ticket.created_at, lang=lang),
        updated=ago(ticket.updated_at, lang=lang),
    )
    if ticket.status == "pending":
        text += (
            t("tickets.check_email_to", lang, email=ticket.email) if show_details else t("tickets.check_email", lang)
        )
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
        dispatcher.utter_message(text=describe_ticket(ticket, bool(owner), language_of(tracker)))
        # Kept, so a follow-up like "any news on my ticket?" needs no reference again.
        return [SlotSet("ticket_reference", ticket.reference)]
