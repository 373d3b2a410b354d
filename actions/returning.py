"""Returning customers: recognised where the channel verifies who they are (Slack and Telegram
users, or an email an order lookup verified in an earlier conversation of the same widget),
greeted by name at the start of a new conversation, and offered their open ticket or their latest
order first, so what they most likely came back for is one click away."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from bot.i18n import t
from bot.store import conversations
from bot.store.orders import OrderView, customer_name_for, orders_for_email
from bot.store.tickets import TicketView, tickets_for_email, tickets_for_sender

VERIFIED_CHANNELS = ("slack", "telegram")  # the platform itself says who the user is
OPEN_TICKETS = ("open", "pending")


@dataclass(frozen=True)
class Returning:
    name: Optional[str]
    earlier: int  # earlier conversations
    ticket: Optional[TicketView]  # their most recent open ticket
    order: Optional[OrderView]  # their latest order (with a verified email only)


def private(sender_id: str) -> bool:
    """A conversation only the customer reads: a Slack DM (not a channel thread), a Telegram
    private chat (not a group), the widget, a REST client. Only there is a welcome with their
    order and ticket said out loud."""
    channel, _, rest = sender_id.partition(":")
    if channel == "slack":
        parts = rest.split(":")
        return len(parts) == 2 and parts[1].startswith("D")
    if channel == "telegram":
        return rest.lstrip("-").isdigit() and not rest.startswith("-")
    return True


def recognise(sender_id: str, slots: Dict[str, Any]) -> Optional[Returning]:
    """The returning customer behind a new conversation, or None (unverified, first contact, or a
    conversation others can read)."""
    if not private(sender_id):
        return None
    email = slots.get("verified_email")
    if not email and slots.get("customer_channel") not in VERIFIED_CHANNELS:
        return None
    earlier = conversations.count_for_customer(sender_id, slots)  # the new one is not recorded yet
    if not earlier:
        return None
    tickets = tickets_for_email(email) if email else []
    tickets += [t for t in tickets_for_sender(sender_id) if t.reference not in {x.reference for x in tickets}]
    open_ticket = next(
        (t for t in sorted(tickets, key=lambda t: t.updated_at, reverse=True) if t.status in OPEN_TICKETS), None
    )
    orders = orders_for_email(email, limit=1) if email else []
    name = (customer_name_for(email) if email else None) or slots.get("customer_name")
    return Returning(name, earlier, open_ticket, orders[0] if orders else None)


ORDER_STATUSES = ("processing", "shipped", "delivered", "cancelled", "returned")


def _ticket_line(ticket: TicketView, lang: str) -> str:
    status = t(f"session.ticket_status.{ticket.status}", lang) if ticket.status in OPEN_TICKETS else ticket.status
    return t("session.open_ticket", lang, reference=ticket.reference, subject=ticket.subject, status=status)


def _order_line(order: OrderView, lang: str) -> str:
    known = order.status in ORDER_STATUSES
    status = t(f"session.order_status.{order.status}", lang) if known else order.status
    return t("session.latest_order", lang, number=order.number, status=status)


def welcome(back: Returning, lang: str = "en") -> Dict[str, Any]:
    """The welcome-back message with its buttons (ticket first, then order)."""
    first = (back.name or "").split()[0] if back.name else ""
    parts = [t("session.welcome_back_name", lang, name=first) if first else t("session.welcome_back", lang)]
    buttons: List[Dict[str, str]] = []
    if back.ticket is not None:
        reference = back.ticket.reference
        parts.append(_ticket_line(back.ticket, lang))
        buttons.append(
            {
                "title": t("session.button.ticket", lang, reference=reference),
                "payload": f'/ticket_status{{"ticket_reference": "{reference}"}}',
            }
        )
    if back.order is not None:
        number = back.order.number
        parts.append(_order_line(back.order, lang))
        buttons.append(
            {
                "title": t("session.button.order", lang, number=number),
                "payload": f'/check_order{{"order_number": "{number}"}}',
            }
        )
    parts.append(t("session.how_can_i_help", lang))
    text = functools.reduce(lambda first, second: t("common.join", lang, first=first, second=second), parts)
    return {"text": text, "buttons": buttons}
