"""Handing a conversation to a person, and coming back from one (the satisfaction rating that may
follow is actions/csat.py).

`action_handoff` runs when the customer asks for a person or is clearly frustrated (rules),
or when the Rasa server's triggers fire (it sets `handoff_reason` first). If someone can
answer now, the conversation joins the queue and the bot pauses; if nobody can (no agent
online, outside business hours) a ticket carries the whole transcript and the answer comes
back on this same channel later. Either way the customer hears exactly what happens next.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of, settings
from bot.handoff.escalation import escalate
from bot.store.db import run_sync


def _reason(tracker: Tracker) -> tuple[str, str]:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    slot_reason = tracker.get_slot("handoff_reason")
    if slot_reason:
        return slot_reason, tracker.get_slot("handoff_detail") or ""
    if intent == "frustrated":
        return "frustration", ""
    return "customer_request", ""


def _close_form(tracker: Tracker) -> List[EventType]:
    return [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop.get("name") else []


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        config = settings().handoff
        reason, detail = _reason(tracker)
        reset = [SlotSet("handoff_reason", None), SlotSet("handoff_detail", None)]
        if reason == "frustration" and not config.on_frustration:
            dispatcher.utter_message(
                text="I'm sorry this has been frustrating. If you'd rather talk to a person, just say so.",
                buttons=[{"title": "Talk to a person", "payload": "/request_human"}],
            )
            return reset
        outcome = await run_sync(
            escalate,
            config,
            tracker.sender_id,
            channel_of(tracker),
            reason,
            detail,
            tracker.events,
            tracker.current_slot_values(),
        )
        dispatcher.utter_message(text=outcome.text, buttons=outcome.buttons or None)
        events = [*_close_form(tracker), *reset]
        if outcome.ticket_reference:
            events.append(SlotSet("ticket_reference", outcome.ticket_reference))
        if outcome.paused:
            events.append(ConversationPaused())
        return events


class ActionHandedBack(Action):
    """The agent handed the conversation back: the bot knows, and checks nothing is left."""

    def name(self) -> str:
        return "action_handed_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        agent = tracker.get_slot("handoff_agent_name") or "our support team"
        dispatcher.utter_message(
            text=f"{agent} has handed you back to me, the virtual assistant. Is there anything else I can help you with?",
            buttons=[{"title": "Yes", "payload": "/affirm"}, {"title": "No, that's all", "payload": "/deny"}],
        )
        return [SlotSet("handoff_agent_name", None)]


class ActionStoppedWaiting(Action):
    def name(self) -> str:
        return "action_stopped_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            text="Okay, you're out of the queue and back with me, the virtual assistant. What can I do for you?"
        )
        return []
