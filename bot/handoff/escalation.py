"""Opening a handoff: queue the conversation for a person, or, when nobody can answer,
open a ticket with the transcript. One implementation for both callers: the
`action_handoff` custom action, and the Rasa server itself when the action server is down
(the customer still reaches a human)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from bot.handoff import ownership, queue
from bot.handoff.records import REASONS
from bot.handoff.teams import route
from bot.handoff.texts import not_now, stop_waiting_button, ticket_body, ticket_instead_of_queue, wait_text
from bot.handoff.transcript import summarize
from bot.i18n import SLOT as LANGUAGE_SLOT
from bot.i18n import normalize, t
from bot.settings import HandoffConfig
from bot.store.handoff import HandoffStatus
from bot.store.tickets import open_ticket

# Channels where a customer can leave and never come back to the chat: asked for an email
# before their request becomes a ticket (Slack and Telegram reach them later anyway).
ASK_EMAIL_ON = ("webchat", "rest")


def contact_email_known(slots: Dict[str, Any]) -> Optional[str]:
    """Where the team can answer by email: any address the customer gave (a ticket's contact
    address may be unverified; the handoff's customer_email, which links conversations, may not)."""
    given = slots.get("contact_email")
    given = given if given and "@" in str(given) else None
    return slots.get("verified_email") or given or slots.get("email") or slots.get("customer_email")


PRIORITY = {"topic": 2, "high_value_order": 2, "frustration": 1, "unhelpful_answers": 1, "failed_understanding": 1}


@dataclass(frozen=True)
class Outcome:
    text: str
    buttons: List[Dict[str, str]]
    paused: bool  # the bot stops answering (queued for a person)
    ticket_reference: Optional[str] = None


def escalate(
    config: HandoffConfig,
    sender_id: str,
    channel: str,
    reason: str,
    detail: str,
    events: List[Dict[str, Any]],
    slots: Dict[str, Any],
    lang: Optional[str] = None,
) -> Outcome:
    """What happens when the customer needs a person, said in `lang` (default: the
    conversation's `language` slot)."""
    lang = normalize(lang or slots.get(LANGUAGE_SLOT))
    reason_text = detail or REASONS.get(reason, reason)
    summary = summarize(events, slots, reason_text)
    email = contact_email_known(slots)
    customer = {"customer_name": slots.get("customer_name"), "customer_email": slots.get("verified_email")}

    if queue.open_handoff_for(sender_id) is not None:
        return Outcome(t("handoff.already_waiting", lang), [stop_waiting_button(lang)], True)

    unavailable = queue.availability(config)
    if unavailable:
        ticket = open_ticket(
            f"Needs a person: {reason_text}"[:200],
            ticket_body(events, slots, reason_text),
            email,
            channel=channel,
            sender_id=sender_id,
            priority="high",
        )
        handoff = queue.create(sender_id, channel, reason, detail=reason_text, summary=summary, **customer)
        ownership.close(handoff.id, HandoffStatus.ticketed, ticket_reference=ticket.reference)
        why = not_now(unavailable, config.hours.describe(), lang)
        return Outcome(
            ticket_instead_of_queue(why, ticket.reference, email, lang),
            [],
            False,
            ticket.reference,
        )

    said = [
        e.get("text") or "" for e in events if e.get("event") == "user" and not (e.get("text") or "").startswith("/")
    ]
    team = route(config.teams, [*said, reason_text])
    handoff = queue.create(
        sender_id,
        channel,
        reason,
        detail=detail,
        priority=PRIORITY.get(reason, 0),
        summary=summary,
        team=team,
        **customer,
    )
    place = queue.position(handoff.id) or 1
    minutes = queue.expected_wait_minutes(place, config)
    queue.set_queue_position_told(handoff.id, place)
    return Outcome(
        t("handoff.connecting", lang, wait=wait_text(place, minutes, lang)), [stop_waiting_button(lang)], True
    )
