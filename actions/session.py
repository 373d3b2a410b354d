"""Session start: carry the customer's channel identity into slots, and welcome a returning
customer back (actions/returning.py).

Channels send `metadata["customer"] = {"channel", "id", "name", "email"}` with each message;
Rasa keeps the metadata of the message that started the session in the
`session_started_metadata` slot. Copying it into slots lets later features (answers by
name, the agent's context package) use it without asking the customer again.

Identity is only what a channel itself verified: the channel's own code builds the
`customer` block (never from what a client sent) and sets `email_verified` only when the
platform vouches for the email (Slack's users.info), and only the channels listed below can.
Such an email fills `verified_email` (what the desk treats as the customer's identity) and
pre-fills `email` (which order lookups compare against). A name or email given by a website's
widget options or a REST client is shown to agents as unverified and never trusted for access.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.returning import recognise, welcome
from bot.i18n import language_of
from bot.store.db import run_sync
from bot.store.orders import normalize_email

logger = logging.getLogger(__name__)

VERIFIED_EMAIL_CHANNELS = {"slack"}
# Slots that belong to one conversation: a new session starts without them (the satisfaction
# question is asked once per conversation, so a returning customer can be asked again).
NOT_CARRIED = ("session_started_metadata", "requested_slot", "csat_asked", "csat_state")


def verified_channel_email(customer: Dict[str, Any]) -> Optional[str]:
    """The email a channel vouches for, or None (unverified, or a channel that cannot verify)."""
    if customer.get("email_verified") is not True or customer.get("channel") not in VERIFIED_EMAIL_CHANNELS:
        return None
    return normalize_email(customer.get("email"))


def identity_events(metadata: Any, tracker: Tracker) -> List[EventType]:
    customer = (metadata or {}).get("customer") if isinstance(metadata, dict) else None
    if not isinstance(customer, dict):
        return []
    email = normalize_email(customer.get("email"))
    events: List[EventType] = [
        SlotSet("customer_channel", str(customer.get("channel") or "")[:40] or None),
        SlotSet("customer_id", str(customer.get("id") or "")[:200] or None),
        SlotSet("customer_name", (str(customer.get("name") or "").strip()[:200] or None)),
        SlotSet("customer_email", email),
    ]
    verified = verified_channel_email(customer)
    if verified:
        events += [SlotSet("verified_email", verified), SlotSet("verified_by", customer["channel"])]
        if not tracker.get_slot("email"):
            events.append(SlotSet("email", verified))
    return events


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value is not None and key not in NOT_CARRIED
        ]
        identity = identity_events(tracker.get_slot("session_started_metadata"), tracker)
        slots = {**tracker.current_slot_values(), **{e["name"]: e["value"] for e in identity}}
        try:
            back = await run_sync(recognise, tracker.sender_id, slots)
        except Exception:  # noqa: BLE001 - a greeting is not worth failing the session for
            logger.warning("session: could not look up a returning customer", exc_info=True)
            back = None
        if back is not None and (back.ticket is not None or back.order is not None or back.name):
            message = welcome(back, language_of(tracker))
            dispatcher.utter_message(text=message["text"], buttons=message["buttons"] or None)
        return [SessionStarted(), *carried, *identity, ActionExecuted("action_listen")]
