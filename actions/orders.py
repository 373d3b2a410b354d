"""Order status, tracking and cancellation.

Privacy: an order is shown only when the number and the email on the order both match.
A wrong pair always gets the same answer, whether or not the order exists, so the
assistant cannot be used to find out which order numbers are real. After
`OFFER_TICKET_AFTER` failed pairs in a conversation the customer is offered a ticket; and
failures are counted in the database per customer identity, per order number and per client
address (bot/store/lookup_guard.py), so neither `/restart` nor a new conversation resets them:
past a limit, no more lookups for a while.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, settings
from bot.store import lookup_guard
from bot.store.db import run_sync
from bot.store.orders import CancelResult, OrderView, cancel_order, find_order, normalize_email, normalize_order_number

OFFER_TICKET_AFTER = 3
LOCKED_TEXT = (
    "For your security I can't look up any more orders right now. "
    "I can open a ticket and our team will help you find it."
)

# Linear-time patterns (a customer's message is hostile input): each match attempt starts only
# where a run of its characters starts (the look-behinds) and every repetition is bounded.
_ORDER_NUMBER_IN_TEXT = re.compile(r"(?<!\d)(\d{3} ?\d{3})(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"(?<![^@\s<>(),;:])[^@\s<>(),;:]{1,64}@[^@\s<>(),;:]{1,252}\.[A-Za-z]{2,24}(?![A-Za-z])")

TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "DHL": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}",
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "Canada Post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}",
    "La Poste": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "SEUR": "https://www.seur.com/livetracking/?segOnlineIdentificador={}",
}


def extract_order_number(text: Any) -> Optional[str]:
    """An order number from what the customer typed ('#100234', 'it is 100 234')."""
    direct = normalize_order_number(text)
    if direct:
        return direct
    matches = {m.replace(" ", "") for m in _ORDER_NUMBER_IN_TEXT.findall(str(text or ""))}
    return matches.pop() if len(matches) == 1 else None


def extract_email(text: Any) -> Optional[str]:
    direct = normalize_email(text)
    if direct:
        return direct
    matches = {m.lower() for m in _EMAIL_IN_TEXT.findall(str(text or ""))}
    return normalize_email(matches.pop()) if len(matches) == 1 else None


def email_slot(value: Any, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    """A form's `email` slot: the address found in what the customer typed, or ask again."""
    email = extract_email(value)
    if email is None:
        dispatcher.utter_message(text="That doesn't look like an email address. It should look like name@example.com.")
    return {"email": email}


def _day(value: dt.date) -> str:
    return f"{value:%A} {value.day} {value:%B}"


def money(amount, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def describe_items(order: OrderView) -> str:
    return ", ".join(f"{i.quantity} × {i.name}" for i in order.items)


def tracking_url(carrier: Optional[str], number: Optional[str]) -> Optional[str]:
    template = TRACKING_URLS.get(carrier or "")
    return template.format(quote(number)) if template and number else None


def describe_order(order: OrderView) -> str:
    """The answer to 'where is my order?': status first, then what the customer can act on."""
    lines = [
        f"Order {order.number} ({describe_items(order)}, {money(order.total, order.currency)}), placed {_day(order.placed_at.date())}:"
    ]
    status = order.status
    if status == "processing":
        lines.append("Status: processing. We're preparing it and it hasn't shipped yet, so you can still cancel it.")
        if order.estimated_delivery:
            lines.append(f"Estimated delivery: {_day(order.estimated_delivery)}.")
    elif status == "shipped":
        lines.append(f"Status: shipped with {order.carrier}.")
        lines.append(f"Tracking number: {order.tracking_number}")
        url = tracking_url(order.carrier, order.tracking_number)
        if url:
            lines.append(f"Track it here: {url}")
        if order.estimated_delivery:
            lines.append(f"Estimated delivery: {_day(order.estimated_delivery)}.")
    elif status == "delivered":
        when = f" on {_day(order.delivered_at.date())}" if order.delivered_at else ""
        lines.append(f"Status: delivered{when} by {order.carrier} (tracking number {order.tracking_number}).")
    elif status == "cancelled":
        lines.append("Status: cancelled. If you paid, the refund goes back to your original payment method.")
    elif status == "returned":
        lines.append(
            "Status: returned. Your return was received; the refund goes back to your original payment method."
        )
    lines.append(f"Shipping to: {order.shipping_address}")
    return "\n".join(lines)


STATUS_TEXT = {
    "processing": "Processing",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
    "returned": "Returned",
}
STATUS_NOTE = {
    "processing": "We're preparing it and it hasn't shipped yet, so you can still cancel it.",
    "cancelled": "If you paid, the refund goes back to your original payment method.",
    "returned": "Your return was received; the refund goes back to your original payment method.",
}


def order_card(order: OrderView) -> Dict[str, Any]:
    """The same facts as `describe_order`, as the order card the channels draw (channels/cards.py)."""
    shipped = order.status in ("shipped", "delivered")
    return {
        "number": order.number,
        "status": order.status,
        "status_text": STATUS_TEXT.get(order.status, order.status.capitalize()),
        "note": STATUS_NOTE.get(order.status),
        "items": describe_items(order),
        "total": money(order.total, order.currency),
        "placed": _day(order.placed_at.date()),
        "carrier": order.carrier if shipped else None,
        "tracking_number": order.tracking_number if shipped else None,
        "tracking_url": tracking_url(order.carrier, order.tracking_number) if order.status == "shipped" else None,
        "estimated_delivery": _day(order.estimated_delivery)
        if order.estimated_delivery and order.status in ("processing", "shipped")
        else None,
        "delivered": _day(order.delivered_at.date()) if order.status == "delivered" and order.delivered_at else None,
        "ship_to": order.shipping_address,
    }


def _failures(tracker: Tracker) -> int:
    return int(tracker.get_slot("order_lookup_failures") or 0)


def verified_order_events(order: OrderView, result: str) -> List[Dict[str, Any]]:
    """The number and email matched an order: from now on that email is who the customer is."""
    return [
        SlotSet("order_result", result),
        SlotSet("order_lookup_failures", 0),
        SlotSet("order_number", order.number),
        SlotSet("email", order.email),
        SlotSet("verified_email", order.email),
        SlotSet("verified_by", f"order {order.number}"),
        SlotSet("order_value", float(order.total)),
    ]


def failed_lookup_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """The same reply for a wrong email, a wrong number or an unknown order."""
    failures = _failures(tracker) + 1
    # The number is kept (it reveals nothing: the answer is the same for every miss), so a
    # customer whose pre-filled email was not the one on the order only sends the right email.
    reset = [SlotSet("order_lookup_failures", failures), SlotSet("email", None)]
    if failures >= OFFER_TICKET_AFTER:
        dispatcher.utter_message(response="utter_offer_ticket_after_failures")
        return [SlotSet("order_result", "too_many_failures"), *reset]
    dispatcher.utter_message(response="utter_order_not_found")
    return [SlotSet("order_result", "not_found"), *reset]


@functools.lru_cache(maxsize=1)
def _limits() -> lookup_guard.Limits:
    security = settings().security
    return lookup_guard.Limits(
        window_minutes=security.lookup_window_minutes,
        per_identity=security.lookup_max_per_identity,
        per_order=security.lookup_max_per_order,
        per_address=security.lookup_max_per_address,
    )


def _customer_block(tracker: Tracker) -> Dict[str, Any]:
    """The `customer` metadata the channel attached to the latest message (channel-built)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            customer = (event.get("metadata") or {}).get("customer")
            return customer if isinstance(customer, dict) else {}
    return {}


def lookup_keys(tracker: Tracker) -> List[lookup_guard.Key]:
    """Who is asking, as the lookup limits count it (see bot/store/lookup_guard.py)."""
    customer = _customer_block(tracker)
    channel, user = str(customer.get("channel") or ""), str(customer.get("id") or "")
    keys: List[lookup_guard.Key] = [("identity", f"conversation:{tracker.sender_id}")]
    if channel in ("slack", "telegram") and user:  # platform users: a new conversation is the same person
        keys.append(("identity", f"{channel}-user:{user}"))
    if customer.get("address_key"):
        keys.append(("address", str(customer["address_key"])))
    return keys


async def _verified_order(dispatcher, tracker) -> tuple[Optional[OrderView], List[Dict[str, Any]]]:
    """Look the order up by number and email; on a miss, the failure events to return."""
    number = tracker.get_slot("order_number")
    keys = [*lookup_keys(tracker), ("order", str(number or ""))]
    if await run_sync(lookup_guard.blocked, keys, _limits()):
        dispatcher.utter_message(text=LOCKED_TEXT, buttons=[{"title": "Open a ticket", "payload": "/open_ticket"}])
        return None, [
            SlotSet("order_result", "too_many_failures"),
            SlotSet("order_number", None),
            SlotSet("email", None),
        ]
    order = await run_sync(find_order, number, tracker.get_slot("email"))
    if order is None:
        await run_sync(lookup_guard.record_failure, keys, _limits())
        return None, failed_lookup_events(dispatcher, tracker)
    return order, []


class ValidateOrderStatusForm(FormValidationAction):
    """Normalises what the customer typed and explains what a valid value looks like."""

    def name(self) -> str:
        return "validate_order_status_form"

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        number = extract_order_number(value)
        if number is None:
            dispatcher.utter_message(
                text="That doesn't look like an order number. It's the 6 digits in your order "
                "confirmation email, for example 100234."
            )
        return {"order_number": number}

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return email_slot(value, dispatcher)


class ValidateCancelOrderForm(ValidateOrderStatusForm):
    def name(self) -> str:
        return "validate_cancel_order_form"


class ActionLookupOrder(Action):
    def name(self) -> str:
        return "action_lookup_order"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        order, failure_events = await _verified_order(dispatcher, tracker)
        if order is None:
            return failure_events
        # The text for REST clients and transcripts; the card for the channels that draw one.
        dispatcher.utter_message(text=describe_order(order), json_message={"order_card": order_card(order)})
        return verified_order_events(order, "found")


_NOT_CANCELLABLE = {
    "shipped": "Order {number} has already shipped with {carrier}, so it can't be cancelled any more. "
    "Once it arrives you can return it within 30 days for a full refund.",
    "delivered": "Order {number} has already been delivered, so it can't be cancelled. "
    "You can return it within 30 days of delivery for a full refund.",
    "cancelled": "Order {number} is already cancelled; there's nothing more to do.",
    "returned": "Order {number} has already been returned, so it can't be cancelled.",
}


def explain_not_cancellable(order: OrderView) -> str:
    return _NOT_CANCELLABLE[order.status].format(number=order.number, carrier=order.carrier or "the carrier")


class ActionPrepareCancellation(Action):
    """Checks the order can be cancelled and asks for an explicit yes before doing it."""

    def name(self) -> str:
        return "action_prepare_cancellation"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        order, failure_events = await _verified_order(dispatcher, tracker)
        if order is None:
            return failure_events
        if not order.cancellable:
            dispatcher.utter_message(text=explain_not_cancellable(order))
            return verified_order_events(order, "not_cancellable")
        dispatcher.utter_message(
            text=f"Order {order.number} ({describe_items(order)}, {money(order.total, order.currency)}) "
            "hasn't shipped yet, so I can cancel it. Do you want me to cancel it now?",
            buttons=[
                {"title": "Yes, cancel it", "payload": "/affirm"},
                {"title": "No, keep it", "payload": "/deny"},
            ],
        )
        return verified_order_events(order, "confirm_cancel")


CONFIRMATION_QUESTIONS = ("action_prepare_cancellation", "action_ask_cancel_again")


def answered_confirmation(tracker: Tracker) -> bool:
    """True when the latest message is the reply to the cancellation question itself.

    A "yes" said later, to some other question, must never cancel an order.
    """
    if tracker.get_slot("order_result") != "confirm_cancel":
        return False
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name") in CONFIRMATION_QUESTIONS
    return False


class ActionCancelOrder(Action):
    """Runs only right after the customer confirmed; re-checks the status in the same transaction."""

    def name(self) -> str:
        return "action_cancel_order"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        if not answered_confirmation(tracker):
            dispatcher.utter_message(
                text="There's no cancellation waiting for your confirmation. If you want to cancel an order, "
                'say "cancel my order".'
            )
            return [SlotSet("order_result", None)] if tracker.get_slot("order_result") == "confirm_cancel" else []
        result, order = await run_sync(cancel_order, tracker.get_slot("order_number"), tracker.get_slot("email"))
        if result == CancelResult.CANCELLED:
            dispatcher.utter_message(
                text=f"Done: order {order.number} is cancelled. The refund of {money(order.total, order.currency)} "
                "goes back to your original payment method within 5 to 10 business days."
            )
            return [SlotSet("order_result", "cancelled")]
        if result == CancelResult.NOT_CANCELLABLE:
            dispatcher.utter_message(text=explain_not_cancellable(order))
            return [SlotSet("order_result", "not_cancellable")]
        return failed_lookup_events(dispatcher, tracker)


class ActionAskCancelAgain(Action):
    """ "stop" (or "cancel that") in answer to "Do you want me to cancel it?" could mean either:
    ask again, in words that cannot be misread, rather than guess."""

    def name(self) -> str:
        return "action_ask_cancel_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            text=f"I haven't cancelled anything yet. Do you want me to cancel order {tracker.get_slot('order_number')} now?",
            buttons=[
                {"title": "Yes, cancel it", "payload": "/affirm"},
                {"title": "No, keep it", "payload": "/deny"},
            ],
        )
        return []


class ActionKeepOrder(Action):
    def name(self) -> str:
        return "action_keep_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            text=f"Okay, I haven't cancelled anything. Order {tracker.get_slot('order_number')} stays as it is."
        )
        return [SlotSet("order_result", "found")]
