"""What customers (and the team's tickets) read about a handoff, each text in one place.

Several code paths say the same thing: the action server when a customer asks for a person,
the Rasa server when their place in line changes or nobody can answer any more. They must
say it the same way, so the words live here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.handoff.transcript import as_text, summarize, transcript
from bot.mail import Mail

STOP_WAITING_BUTTON = {"title": "Stop waiting", "payload": "/stop_waiting"}

# Why nobody can answer, when the customer asks for a person ({hours}: the business hours)...
NOT_NOW = {
    "closed": "our support team is outside business hours right now ({hours})",
    "no_agents": "no one from our support team is available right now",
}
# ...and when a customer was waiting and nobody can answer any more.
NO_LONGER = {
    "closed": "our team is outside business hours now",
    "no_agents": "no one from our team is available right now",
}


NO_EMAIL_BUTTON = {"title": "No email, answer here", "payload": "/deny"}
CONTACT_EMAIL_AGAIN = (
    "That doesn't look like an email address (it should look like name@example.com). "
    "Type it again, or choose \u201cNo email\u201d and the answer will only come here."
)


def contact_email_question(why: str) -> str:
    """Asked before nobody-is-available becomes a ticket, where the customer may leave the chat."""
    return (
        f"I'm sorry, {why}. I'll open a ticket with our whole conversation so a person can answer it. "
        "What email address should the answer go to? It will also appear here if you keep this chat open."
    )


def team_available_text(minutes: int) -> str:
    """The widget header while a person can answer."""
    return f"Our team is online · replies in about {minutes} minute{'s' if minutes != 1 else ''}"


def team_away_text(unavailable: str, hours: str) -> str:
    """The widget header while nobody can: the assistant still answers at once."""
    if unavailable == "closed":
        return f"Our team is away (hours: {hours}) · the assistant answers now"
    return "Our team is away right now · the assistant answers now"


def wait_text(place: int, minutes: int) -> str:
    """The customer's place in line and the expected wait."""
    ahead = "You're next in line" if place == 1 else f"You're number {place} in line"
    return f"{ahead}; the expected wait is about {minutes} minute{'s' if minutes != 1 else ''}."


def queue_update(place: int, minutes: int) -> str:
    """What a waiting customer is told about their place in line."""
    return f"{wait_text(place, minutes)} Everything you write here goes to the agent."


def _ticket_opened(why: str, reference: str) -> str:
    return (
        f"I'm sorry, {why}. I've opened ticket {reference} with our whole conversation, so you won't "
        "have to repeat anything"
    )


def ticket_instead_of_queue(why: str, reference: str, email: Optional[str] = None) -> str:
    """The customer asked for a person and nobody can answer: a ticket was opened instead."""
    by_email = f" (and by email to {email})" if email else ""
    return (
        f"{_ticket_opened(why, reference)}. Our team will answer right here in this chat{by_email} as soon as they can."
    )


def ticket_instead_of_wait(why: str, reference: str) -> str:
    """The customer was waiting and nobody can answer any more: the wait became a ticket."""
    return f"{_ticket_opened(why, reference)}; the answer will come right here in this chat."


def ticket_answer_mail(ticket: Any, agent_name: str, text: str, support_email: str) -> Mail:
    """An agent's answer to a ticket, as the email the customer gets."""
    subject = f"[{ticket.reference}] {ticket.subject}"
    body = (
        f"Hello,\n\n{agent_name} from our support team answered your request {ticket.reference}:\n\n"
        f"{text}\n\n"
        f"You can reply to this email, or write to {support_email} quoting {ticket.reference}.\n"
    )
    return Mail(to=ticket.email, subject=subject, body=body)


def ticket_body(events: List[Dict[str, Any]], slots: Dict[str, Any], reason_text: str = "") -> str:
    """A ticket's description: the summary an agent reads first, then the whole transcript."""
    return f"{summarize(events, slots, reason_text)}\n\nTranscript:\n{as_text(transcript(events))}"
