"""What customers (and the team's tickets) read about a handoff, each text in one place.

Several code paths say the same thing: the action server when a customer asks for a person,
the Rasa server when their place in line changes or nobody can answer any more. They must
say it the same way, so the words live here. Every text exists in each language
(bot/i18n/messages/handoff.py): the functions take the conversation's `lang` (English unless
told), and the constants are the English texts.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.handoff.transcript import as_text, summarize, transcript
from bot.i18n import t
from bot.i18n.messages import plural_key
from bot.mail import Mail

UNAVAILABLE = ("closed", "no_agents")  # why nobody can answer: queue.availability()


def stop_waiting_button(lang: str = "en") -> Dict[str, str]:
    return {"title": t("handoff.button.stop_waiting", lang), "payload": "/stop_waiting"}


def no_email_button(lang: str = "en") -> Dict[str, str]:
    return {"title": t("handoff.button.no_email", lang), "payload": "/deny"}


def not_now(unavailable: str, hours: str, lang: str = "en") -> str:
    """Why nobody can answer, when the customer asks for a person ({hours}: the business hours)."""
    return t(f"handoff.not_now.{unavailable}", lang, hours=hours)


def no_longer(why: str, lang: str = "en") -> str:
    """Why nobody can answer any more, to a customer who was waiting. `why` is the reason
    ("closed", "no_agents") or its English text (NO_LONGER[reason]); any other text is kept."""
    reason = why if why in UNAVAILABLE else next((k for k, v in NO_LONGER.items() if v == why), None)
    return t(f"handoff.no_longer.{reason}", lang) if reason else why


def minutes_text(minutes: int, lang: str = "en") -> str:
    return t(plural_key("common.minutes", minutes), lang, count=minutes)


# The English texts, as constants (every language: bot/i18n/messages/handoff.py).
STOP_WAITING_BUTTON = stop_waiting_button()
NO_EMAIL_BUTTON = no_email_button()
NOT_NOW = {reason: t(f"handoff.not_now.{reason}", "en") for reason in UNAVAILABLE}  # {hours} to fill
NO_LONGER = {reason: no_longer(reason) for reason in UNAVAILABLE}
CONTACT_EMAIL_AGAIN = t("handoff.contact_email_again", "en")


def contact_email_question(why: str, lang: str = "en") -> str:
    """Asked before nobody-is-available becomes a ticket, where the customer may leave the chat."""
    return t("handoff.contact_email_question", lang, why=why)


def team_available_text(minutes: int, lang: str = "en") -> str:
    """The widget header while a person can answer."""
    return t("handoff.team_available", lang, duration=minutes_text(minutes, lang))


def team_away_text(unavailable: str, hours: str, lang: str = "en") -> str:
    """The widget header while nobody can: the assistant still answers at once."""
    reason = "closed" if unavailable == "closed" else "no_agents"
    return t(f"handoff.team_away.{reason}", lang, hours=hours)


def wait_text(place: int, minutes: int, lang: str = "en") -> str:
    """The customer's place in line and the expected wait."""
    ahead = t("handoff.next_in_line", lang) if place == 1 else t("handoff.number_in_line", lang, place=place)
    return t("handoff.wait", lang, ahead=ahead, duration=minutes_text(minutes, lang))


def queue_update(place: int, minutes: int, lang: str = "en") -> str:
    """What a waiting customer is told about their place in line."""
    return t("handoff.queue_update", lang, wait=wait_text(place, minutes, lang))


def _ticket_opened(why: str, reference: str, lang: str) -> str:
    return t("handoff.ticket_opened", lang, why=why, reference=reference)


def ticket_instead_of_queue(why: str, reference: str, email: Optional[str] = None, lang: str = "en") -> str:
    """The customer asked for a person and nobody can answer: a ticket was opened instead."""
    by_email = t("handoff.by_email", lang, email=email) if email else ""
    return t("handoff.ticket_instead_of_queue", lang, opened=_ticket_opened(why, reference, lang), by_email=by_email)


def ticket_instead_of_wait(why: str, reference: str, lang: str = "en") -> str:
    """The customer was waiting and nobody can answer any more: the wait became a ticket."""
    return t("handoff.ticket_instead_of_wait", lang, opened=_ticket_opened(why, reference, lang))


def ticket_answer_mail(ticket: Any, agent_name: str, text: str, support_email: str, lang: str = "en") -> Mail:
    """An agent's answer to a ticket, as the email the customer gets."""
    subject = f"[{ticket.reference}] {ticket.subject}"
    body = t(
        "handoff.answer_mail_body",
        lang,
        agent=agent_name,
        reference=ticket.reference,
        text=text,
        support_email=support_email,
    )
    return Mail(to=ticket.email, subject=subject, body=body)


def ticket_body(events: List[Dict[str, Any]], slots: Dict[str, Any], reason_text: str = "") -> str:
    """A ticket's description: the summary an agent reads first, then the whole transcript."""
    return f"{summarize(events, slots, reason_text)}\n\nTranscript:\n{as_text(transcript(events))}"
