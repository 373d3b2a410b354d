"""Handing a conversation to a person, coming back from one, and the satisfaction rating.

`action_handoff` runs when the customer asks for a person or is clearly frustrated (rules),
or when the Rasa server's triggers fire (it sets `handoff_reason` first). If someone can
answer now, the conversation joins the queue and the bot pauses; if nobody can (no agent
online, outside business hours) a ticket carries the whole transcript and the answer comes
back on this same channel later. Either way the customer hears exactly what happens next.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of, settings
from bot.handoff.escalation import escalate
from bot.handoff.notes import record_rating
from bot.handoff.texts import ticket_body
from bot.store.db import run_sync
from bot.store.tickets import open_ticket

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


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


def parse_rating(tracker: Tracker) -> Optional[int]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "rating":
            try:
                value = int(str(entity.get("value")).strip())
            except ValueError:
                continue
            if 1 <= value <= 5:
                return value
    text = (tracker.latest_message.get("text") or "").lower()
    match = re.search(r"(?<![\d.])([1-5])(?![\d.])", text)
    if match:
        return int(match.group(1))
    for word, value in RATING_WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return value
    return None


class ActionAskRating(Action):
    """Asks for the 1-5 rating, and remembers that it asked: only an asked-for rating counts."""

    def name(self) -> str:
        return "action_ask_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_rating")
        return [SlotSet("rating_requested", True)]


class ActionRecordRating(Action):
    """Satisfaction 1-5, stored with the conversation's handoff and agent. A low rating is
    acted on: a follow-up ticket goes to the team with the transcript.

    Only a rating the assistant asked for is recorded, once: "1" or a `/rate` payload from a
    conversation that was never asked (or already answered) is treated as not understood, so
    nobody can fill the statistics or open high-priority tickets by typing numbers."""

    def name(self) -> str:
        return "action_record_rating"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        if not tracker.get_slot("rating_requested"):
            dispatcher.utter_message(response="utter_default")
            return []
        rating = parse_rating(tracker)
        if rating is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return []
        channel = channel_of(tracker)
        await run_sync(record_rating, tracker.sender_id, channel, rating)
        if rating <= 2:
            ticket = await run_sync(
                open_ticket,
                f"Follow up: customer rated support {rating}/5",
                ticket_body(tracker.events, tracker.current_slot_values()),
                tracker.get_slot("verified_email") or tracker.get_slot("email"),
                channel=channel,
                sender_id=tracker.sender_id,
                priority="high",
            )
            dispatcher.utter_message(
                text=f"I'm sorry we didn't do better. A team lead will review this conversation (ticket {ticket.reference}) "
                "and get back to you here."
            )
            return [SlotSet("rating_requested", False), SlotSet("ticket_reference", ticket.reference)]
        dispatcher.utter_message(text="Thank you for the rating! Have a great day.")
        return [SlotSet("rating_requested", False)]
