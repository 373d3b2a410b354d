"""Session start: carry the customer's channel identity into slots.

Channels send `metadata["customer"] = {"channel", "id", "name", "email"}` with each message;
Rasa keeps the metadata of the message that started the session in the
`session_started_metadata` slot. Copying it into slots lets later features (answers by
name, the agent's context package) use it without asking the customer again.

An email is only used to pre-fill the `email` slot (which order lookups compare against)
when the platform itself verified it (Slack workspace profiles); an email typed into a
website's widget options is shown to agents but never trusted for order access.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.store.orders import normalize_email

VERIFIED_EMAIL_CHANNELS = {"slack"}


def identity_events(metadata: Any, tracker: Tracker) -> List[EventType]:
    customer = (metadata or {}).get("customer") if isinstance(metadata, dict) else None
    if not isinstance(customer, dict):
        return []
    email = normalize_email(customer.get("email"))
    events: List[EventType] = [
        SlotSet("customer_channel", str(customer.get("channel") or "") or None),
        SlotSet("customer_id", str(customer.get("id") or "") or None),
        SlotSet("customer_name", (str(customer.get("name") or "").strip() or None)),
        SlotSet("customer_email", email),
    ]
    if email and customer.get("channel") in VERIFIED_EMAIL_CHANNELS and not tracker.get_slot("email"):
        events.append(SlotSet("email", email))
    return events


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value is not None and key not in ("session_started_metadata", "requested_slot")
        ]
        identity = identity_events(tracker.get_slot("session_started_metadata"), tracker)
        return [SessionStarted(), *carried, *identity, ActionExecuted("action_listen")]
