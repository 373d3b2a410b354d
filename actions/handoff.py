"""Handing a conversation to a person, and coming back from one (the satisfaction rating that may
follow is actions/csat.py).

`action_handoff` runs when the customer asks for a person or is clearly frustrated (rules),
or when the Rasa server's triggers fire (it sets `handoff_reason` first). If someone can
answer now, the conversation joins the queue and the bot pauses; if nobody can (no agent
online, outside business hours) a ticket carries the whole transcript and the answer comes
back on this same channel later. Either way the customer hears exactly what happens next.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of, settings
from actions.orders import extract_email
from bot.handoff import queue
from bot.handoff.escalation import ASK_EMAIL_ON, contact_email_known, escalate
from bot.handoff.texts import contact_email_question, no_email_button, not_now
from bot.i18n import language_of, t
from bot.store.db import run_sync

CONTACT_FORM = "handoff_contact_form"
SKIPPED = "skipped"  # contact_email: the customer chose not to give one
# "No email", in the words customers use (the button sends /deny).
_NO_EMAIL = re.compile(
    r"^\W*(no|nope|nah|skip|none|no thanks?|no thank you|not now|rather not|i'?d rather not|"
    r"no email|without (an )?email|(just )?(answer|reply) here( only)?|here( is fine)?|"
    r"いいえ|いえ|不要(です)?|結構です|なし|メール(は)?(不要|なし|いらない)(です)?|"
    r"(ここ|このチャット)で(大丈夫|いい|結構)(です)?)\W*$",
    re.IGNORECASE,
)


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


async def _ask_for_email_first(tracker: Tracker, channel: str) -> bool:
    """An anonymous customer on a channel they may close (the widget, an app over REST) is asked
    where the answer should go before nobody-is-available becomes a ticket: once per conversation."""
    slots = tracker.current_slot_values()
    if channel not in ASK_EMAIL_ON or contact_email_known(slots) or slots.get("contact_email"):
        return False
    if await run_sync(queue.open_handoff_for, tracker.sender_id) is not None:
        return False
    return bool(await run_sync(queue.availability, settings().handoff))


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        config = settings().handoff
        reason, detail = _reason(tracker)
        lang = language_of(tracker)
        reset = [SlotSet("handoff_reason", None), SlotSet("handoff_detail", None)]
        if reason == "frustration" and not config.on_frustration:
            dispatcher.utter_message(
                text=t("handoff.frustration", lang),
                buttons=[{"title": t("common.button.talk_to_person", lang), "payload": "/request_human"}],
            )
            return reset
        contact: List[EventType] = []
        if tracker.active_loop.get("name") == CONTACT_FORM:
            # Asked for a person again instead of answering the email question: no email, go on.
            contact = [SlotSet("contact_email", SKIPPED)]
        elif await _ask_for_email_first(tracker, channel_of(tracker)):
            return [
                *_close_form(tracker),
                SlotSet("handoff_reason", reason),
                SlotSet("handoff_detail", detail or None),
                FollowupAction(CONTACT_FORM),
            ]
        slots = tracker.current_slot_values()
        if contact:
            slots["contact_email"] = SKIPPED
        outcome = await run_sync(
            escalate,
            config,
            tracker.sender_id,
            channel_of(tracker),
            reason,
            detail,
            tracker.events,
            slots,
            lang,
        )
        dispatcher.utter_message(text=outcome.text, buttons=outcome.buttons or None)
        events = [*_close_form(tracker), *contact, *reset]
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
        agent = tracker.get_slot("handoff_agent_name")
        lang = language_of(tracker)
        text = t("handoff.handed_back", lang, agent=agent) if agent else t("handoff.handed_back_team", lang)
        buttons = [
            {"title": t("common.button.yes", lang), "payload": "/affirm"},
            {"title": t("handoff.button.nothing_else", lang), "payload": "/deny"},
        ]
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("handoff_agent_name", None)]


class ActionStoppedWaiting(Action):
    def name(self) -> str:
        return "action_stopped_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=t("handoff.stopped_waiting", language_of(tracker)))
        return []


class ActionAskContactEmail(Action):
    """The contact form's question: nobody can answer now, where should the answer go?"""

    def name(self) -> str:
        return "action_ask_contact_email"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        config = settings().handoff
        unavailable = await run_sync(queue.availability, config) or "no_agents"
        lang = language_of(tracker)
        why = not_now(unavailable, config.hours.describe(), lang)
        dispatcher.utter_message(text=contact_email_question(why, lang), buttons=[no_email_button(lang)])
        return []


class ValidateHandoffContactForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_contact_form"

    async def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = str(tracker.latest_message.get("text") or value or "")
        email = extract_email(text)
        if email:
            return {"contact_email": email, "contact_email_tries": None}
        tries = int(tracker.get_slot("contact_email_tries") or 0) + 1
        if intent in ("deny", "stop") or _NO_EMAIL.match(text.strip()) or tries >= 2:
            return {"contact_email": SKIPPED, "contact_email_tries": None}
        lang = language_of(tracker)
        dispatcher.utter_message(text=t("handoff.contact_email_again", lang), buttons=[no_email_button(lang)])
        return {"contact_email": None, "contact_email_tries": float(tries)}
