"""Opening a handoff: queue the conversation for a person, or, when nobody can answer,
open a ticket with the transcript. One implementation for both callers: the
`action_handoff` custom action, and the Rasa server itself when the action server is down
(the customer still reaches a human)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from bot.handoff import service
from bot.handoff.config import HandoffConfig
from bot.handoff.service import REASONS
from bot.handoff.transcript import as_text, summarize, transcript
from bot.store.handoff import HandoffStatus
from bot.store.tickets import open_ticket

NOT_NOW = {
    "closed": "our support team is outside business hours right now ({hours})",
    "no_agents": "no one from our support team is available right now",
}
STOP_WAITING_BUTTON = {"title": "Stop waiting", "payload": "/stop_waiting"}
PRIORITY = {"topic": 2, "high_value_order": 2, "frustration": 1, "unhelpful_answers": 1, "failed_understanding": 1}


@dataclass(frozen=True)
class Outcome:
    text: str
    buttons: List[Dict[str, str]]
    paused: bool  # the bot stops answering (queued for a person)
    ticket_reference: Optional[str] = None


def wait_text(place: int, minutes: int) -> str:
    ahead = "You're next in line" if place == 1 else f"You're number {place} in line"
    return f"{ahead}; the expected wait is about {minutes} minute{'s' if minutes != 1 else ''}."


def escalate(
    config: HandoffConfig,
    sender_id: str,
    channel: str,
    reason: str,
    detail: str,
    events: List[Dict[str, Any]],
    slots: Dict[str, Any],
) -> Outcome:
    reason_text = detail or REASONS.get(reason, reason)
    summary = summarize(events, slots, reason_text)
    # Where the team can answer (a ticket's contact address) may be any email the customer gave;
    # the handoff's customer_email, which links earlier conversations, is only a verified one.
    email = slots.get("verified_email") or slots.get("email") or slots.get("customer_email")
    customer = {"customer_name": slots.get("customer_name"), "customer_email": slots.get("verified_email")}

    if service.open_handoff_for(sender_id) is not None:
        return Outcome(
            "You're already waiting for a person from our team; they'll see everything you write here.",
            [STOP_WAITING_BUTTON],
            True,
        )

    unavailable = service.availability(config)
    if unavailable:
        ticket = open_ticket(
            f"Needs a person: {reason_text}"[:200],
            f"{summary}\n\nTranscript:\n{as_text(transcript(events))}",
            email,
            channel=channel,
            sender_id=sender_id,
            priority="high",
        )
        handoff = service.create(sender_id, channel, reason, detail=reason_text, summary=summary, **customer)
        service.close(handoff.id, HandoffStatus.ticketed, ticket_reference=ticket.reference)
        by_email = f" (and by email to {email})" if email else ""
        why = NOT_NOW[unavailable].format(hours=config.hours.describe())
        return Outcome(
            f"I'm sorry, {why}. I've opened ticket {ticket.reference} with our whole conversation, so you won't "
            f"have to repeat anything. Our team will answer right here in this chat{by_email} as soon as they can.",
            [],
            False,
            ticket.reference,
        )

    handoff = service.create(
        sender_id, channel, reason, detail=detail, priority=PRIORITY.get(reason, 0), summary=summary, **customer
    )
    place = service.position(handoff.id) or 1
    minutes = service.expected_wait_minutes(place, config)
    service.set_queue_position_told(handoff.id, place)
    return Outcome(
        "I'm connecting you with a person from our support team. They'll see our whole conversation, so you "
        f"won't need to repeat anything. {wait_text(place, minutes)} I'll keep you posted here.",
        [STOP_WAITING_BUTTON],
        True,
    )
