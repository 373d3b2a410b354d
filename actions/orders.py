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
from bot.i18n import format_date, language_of, t
from bot.i18n.detect import fold_width
from bot.store import lookup_guard
from bot.store.db import run_sync
from bot.store.orders import CancelResult, OrderView, cancel_order, find_order, normalize_email, normalize_order_number

OFFER_TICKET_AFTER = 3
LOCKED_TEXT = t("orders.locked", "en")

# Linear-time patterns (a customer's message is hostile input): each match attempt starts only
# where a run of its characters starts (the look-behinds) and every repetition is bounded.
_ORDER_NUMBER_IN_TEXT = re.compile(r"(?<!\d)(\d{3} ?\d{3})(?!\d)")
# ASCII addresses inside any text, Japanese included ("メールはalice@example.comです").
_EMAIL_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,252}\.[A-Za-z]{2,24}(?![A-Za-z])"
)

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
    matches = {m.replace(" ", "") for m in _ORDER_NUMBER_IN_TEXT.findall(fold_width(str(text or "")))}
    return matches.pop() if len(matches) == 1 else None


def extract_email(text: Any) -> Optional[str]:
    direct = normalize_email(text)
    if direct:
        return direct
    matches = {m.lower() for m in _EMAIL_IN_TEXT.findall(fold_width(str(text or "")))}
    return normalize_email(matches.pop()) if len(matches) == 1 else None


def email_slot(value: Any, dispatcher: CollectingDispatcher, lang: str = "en") -> Dict[str, Any]:
    """A form's `email` slot: the address found in what the customer typed, or ask again."""
    email = extract_email(value)
    if email is None:
        dispatcher.utter_message(text=t("orders.invalid_email", lang))
    return {"email": email}


def _day(value: dt.date, lang: str = "en") -> str:
    return format_date(value, lang)


def money(amount, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def describe_items(order: OrderView, lang: str = "en") -> str:
    items = (t("orders.item", lang, quantity=i.quantity, name=i.name) for i in order.items)
    return t("common.list_separator", lang).join(items)


def tracking_url(carrier: Optional[str], number: Optional[str]) -> Optional[str]:
    template = TRACKING_URLS.get(carrier or "")
    return template.format(quote(number)) if template and number else None


def _status_lines(order: OrderView, lang: str) -> List[str]:
    """What the order's status means for the customer, one line each."""
    status = order.status
    if status == "shipped":
        lines = [
            t("orders.line.shipped", lang, carrier=order.carrier),
            t("orders.line.tracking_number", lang, tracking_number=order.tracking_number),
        ]
        url = tracking_url(order.carrier, order.tracking_number)
        return lines + ([t("orders.line.track_here", lang, url=url)] if url else [])
    if status == "delivered":
        fields = {"carrier": order.carrier, "tracking_number": order.tracking_number}
        if order.delivered_at:
            return [t("orders.line.delivered_on", lang, date=_day(order.delivered_at.date(), lang), **fields)]
        return [t("orders.line.delivered", lang, **fields)]
    if status in ("processing", "cancelled", "returned"):
        return [t(f"orders.line.{status}", lang)]
    return []


def describe_order(order: OrderView, lang: str = "en") -> str:
    """The answer to 'where is my order?': status first, then what the customer can act on."""
    heading = t(
        "orders.heading",
        lang,
        number=order.number,
        items=describe_items(order, lang),
        total=money(order.total, order.currency),
        date=_day(order.placed_at.date(), lang),
    )
    lines = [heading, *_status_lines(order, lang)]
    if order.status in ("processing", "shipped") and order.estimated_delivery:
        lines.append(t("orders.line.estimated_delivery", lang, date=_day(order.estimated_delivery, lang)))
    lines.append(t("orders.line.shipping_to", lang, address=order.shipping_address))
    return "\n".join(lines)


STATUSES = ("processing", "shipped", "delivered", "cancelled", "returned")
NOTED = ("processing", "cancelled", "returned")  # the statuses whose card carries a note


def order_card(order: OrderView, lang: str = "en") -> Dict[str, Any]:
    """The same facts as `describe_order`, as the order card the channels draw (channels/cards.py)."""
    shipped = order.status in ("shipped", "delivered")
    known = order.status in STATUSES
    return {
        "number": order.number,
        "status": order.status,
        "status_text": t(f"orders.status.{order.status}", lang) if known else order.status.capitalize(),
        "note": t(f"orders.note.{order.status}", lang) if order.status in NOTED else None,
        "items": describe_items(order, lang),
        "total": money(order.total, order.currency),
        "placed": _day(order.placed_at.date(), lang),
        "carrier": order.carrier if shipped else None,
        "tracking_number": order.tracking_number if shipped else None,
        "tracking_url": tracking_url(order.carrier, order.tracking_number) if order.status == "shipped" else None,
        "estimated_delivery": _day(order.estimated_delivery, lang)
        if order.estimated_delivery and order.status in ("processing", "shipped")
        else None,
        "delivered": _day(order.delivered_at.date(), lang)
        if order.status == "delivered" and order.delivered_at
        else None,
        "ship_to": order.shipping_address,
        "lang": lang,  # the labels the channels draw around these values (channels/cards.py)
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
        lang = language_of(tracker)
        button = {"title": t("common.button.open_ticket", lang), "payload": "/open_ticket"}
        dispatcher.utter_message(text=t("orders.locked", lang), buttons=[button])
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
            dispatcher.utter_message(text=t("orders.invalid_number", language_of(tracker)))
        return {"order_number": number}

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return email_slot(value, dispatcher, language_of(tracker))


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
        lang = language_of(tracker)
        dispatcher.utter_message(text=describe_order(order, lang), json_message={"order_card": order_card(order, lang)})
        return verified_order_events(order, "found")


def explain_not_cancellable(order: OrderView, lang: str = "en") -> str:
    carrier = order.carrier or t("orders.carrier_unknown", lang)
    return t(f"orders.not_cancellable.{order.status}", lang, number=order.number, carrier=carrier)


def cancel_buttons(lang: str) -> List[Dict[str, str]]:
    return [
        {"title": t("orders.button.cancel_yes", lang), "payload": "/affirm"},
        {"title": t("orders.button.cancel_no", lang), "payload": "/deny"},
    ]


class ActionPrepareCancellation(Action):
    """Checks the order can be cancelled and asks for an explicit yes before doing it."""

    def name(self) -> str:
        return "action_prepare_cancellation"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        order, failure_events = await _verified_order(dispatcher, tracker)
        if order is None:
            return failure_events
        lang = language_of(tracker)
        if not order.cancellable:
            dispatcher.utter_message(text=explain_not_cancellable(order, lang))
            return verified_order_events(order, "not_cancellable")
        question = t(
            "orders.confirm_cancel",
            lang,
            number=order.number,
            items=describe_items(order, lang),
            total=money(order.total, order.currency),
        )
        dispatcher.utter_message(text=question, buttons=cancel_buttons(lang))
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
        lang = language_of(tracker)
        if not answered_confirmation(tracker):
            dispatcher.utter_message(text=t("orders.nothing_to_confirm", lang))
            return [SlotSet("order_result", None)] if tracker.get_slot("order_result") == "confirm_cancel" else []
        result, order = await run_sync(cancel_order, tracker.get_slot("order_number"), tracker.get_slot("email"))
        if result == CancelResult.CANCELLED:
            total = money(order.total, order.currency)
            dispatcher.utter_message(text=t("orders.cancelled", lang, number=order.number, total=total))
            return [SlotSet("order_result", "cancelled")]
        if result == CancelResult.NOT_CANCELLABLE:
            dispatcher.utter_message(text=explain_not_cancellable(order, lang))
            return [SlotSet("order_result", "not_cancellable")]
        return failed_lookup_events(dispatcher, tracker)


class ActionAskCancelAgain(Action):
    """ "stop" (or "cancel that") in answer to "Do you want me to cancel it?" could mean either:
    ask again, in words that cannot be misread, rather than guess."""

    def name(self) -> str:
        return "action_ask_cancel_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        lang = language_of(tracker)
        dispatcher.utter_message(
            text=t("orders.ask_cancel_again", lang, number=tracker.get_slot("order_number")),
            buttons=cancel_buttons(lang),
        )
        return []


class ActionKeepOrder(Action):
    def name(self) -> str:
        return "action_keep_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        number = tracker.get_slot("order_number")
        dispatcher.utter_message(text=t("orders.kept", language_of(tracker), number=number))
        return [SlotSet("order_result", "found")]
