"""The end of a conversation: the customer thanks, says goodbye or "that's all", and the
assistant asks once for a 1-5 satisfaction rating (CSAT), then for an optional comment.

When to ask (all must hold; `why_not_ask` says which one failed):
- CSAT_ENABLED is on;
- no form is running and no person owns the conversation (a rating question in the middle of a
  task, or while waiting for an agent, would be noise);
- it was not asked before in this conversation (one Rasa session);
- the assistant answered something or did something (an article, an order, a ticket) or a person
  handed the conversation back: a "thanks" after only a greeting is not the end of anything.

The question is stored (bot/store/csat.py) when asked, so the response rate can be measured and
only an open question accepts a rating. Skipping is one tap ("Skip") or any "no"; anything else the
customer writes simply carries on the conversation. A rating of 1 or 2 opens a follow-up ticket
for a team lead, as after a hand-back.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of, settings
from bot.analytics.summary import Summary, summarize
from bot.handoff.texts import ticket_body
from bot.store import csat
from bot.store.db import run_sync
from bot.store.tickets import add_message, open_ticket

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
SKIP_BUTTON = {"title": "Skip", "payload": "/deny"}
RATING_BUTTONS = [
    {"title": f"{value} – {word}", "payload": f'/rate{{"rating": "{value}"}}'}
    for value, word in ((5, "Excellent"), (4, "Good"), (3, "OK"), (2, "Poor"), (1, "Very poor"))
] + [SKIP_BUTTON]
QUESTION = "How would you rate the help you got today, from 1 (very poor) to 5 (excellent)?"
OPENERS = {
    "thank": "You're welcome! Before you go:",
    "goodbye": "Before you go:",
    "deny": "Alright! Before you go:",
    "kb_feedback": "Glad it helped! One quick question (or just ask me something else):",
}
COMMENT_PROMPT = "Thank you! Is there anything you'd like to tell us about it? Type it here, or tap Skip."
LOW_COMMENT_PROMPT = (
    "I'm sorry we didn't do better. A team lead will review this conversation (ticket {ticket}) and get back "
    "to you here. What went wrong? Type it here, or tap Skip."
)
COMMENT_THANKS = "Thank you, I've passed that on to the team. Have a great day!"
LOW_COMMENT_THANKS = "Thank you, I've added that to ticket {ticket}. A team lead will be in touch."
SKIPPED = "No problem. Thanks for chatting with us, and have a great day!"
NOT_ASKED = "utter_default"  # a rating nobody asked for reads as not understood
ALL_DONE = "Alright! Come back any time."
REQUEST_FORMS = {
    "check_order": "order_status_form",
    "cancel_order": "cancel_order_form",
    "ticket_status": "ticket_status_form",
}
# What a "no comment" is made of; any other word after the rating makes it a comment.
CLOSING_WORDS = set(
    [
        "no",
        "nope",
        "nah",
        "thanks",
        "thank",
        "thx",
        "ty",
        "you",
        "so",
        "much",
        "very",
        "a",
        "lot",
        "bye",
        "goodbye",
        "cya",
        "see",
        "ya",
        "later",
        "ok",
        "okay",
        "cheers",
        "that's",
        "that",
        "is",
        "all",
        "it",
        "nothing",
        "else",
        "i'm",
        "im",
        "good",
        "fine",
        "skip",
    ]
)
NOTHING_ASKED = SlotSet("csat_state", None)  # the rules wait for the customer on this (data/rules/csat.yml)


def conversation_of(tracker: Tracker, summary: Optional[Summary] = None) -> csat.Conversation:
    summary = summary or summarize(tracker.events)
    return csat.Conversation(tracker.sender_id, summary.session_start, channel_of(tracker), summary.started_ts)


def why_not_ask(tracker: Tracker, summary: Summary) -> Optional[str]:
    """None when the rating question should be asked now, else the reason it is not."""
    if not settings().analytics.csat_enabled:
        return "switched off (CSAT_ENABLED)"
    if tracker.active_loop.get("name"):
        return "a form is running"
    if tracker.is_paused():
        return "a person owns the conversation"
    if summary.csat_asked:
        return "already asked in this conversation"
    if not (summary.answers or summary.handed_back_ts or summary.ticket_reference):
        return "nothing was answered or done yet"
    return None


async def ask_rating(dispatcher: CollectingDispatcher, tracker: Tracker, opener: str) -> Optional[List[Dict[str, Any]]]:
    """Ask the question if it is time (the events to return), else None and nothing said."""
    summary = summarize(tracker.events)
    if why_not_ask(tracker, summary) is not None:
        return None
    if await run_sync(csat.ask, conversation_of(tracker, summary)) is None:
        return None  # asked already (the database knows, whatever the slots say)
    dispatcher.utter_message(text=f"{opener} {QUESTION}", buttons=RATING_BUTTONS)
    return [SlotSet("csat_asked", True), SlotSet("csat_state", "asked")]


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


class ActionWrapUp(Action):
    """ "Thanks", "bye" or "no, that's all": ask for the rating if it is time, else reply in kind."""

    def name(self) -> str:
        return "action_wrap_up"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or "deny"
        asked = await ask_rating(dispatcher, tracker, OPENERS.get(intent, OPENERS["deny"]))
        if asked is not None:
            return asked
        if intent == "thank":
            if tracker.active_loop.get("name"):
                dispatcher.utter_message(text="You're welcome!")  # the form asks its question again
            else:
                dispatcher.utter_message(response="utter_youre_welcome")
        elif intent == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        else:
            dispatcher.utter_message(text=ALL_DONE)
        return [NOTHING_ASKED]


class ActionRecordRating(Action):
    """The answer to the rating question: stored once, against this conversation, with its
    channel, agent and whether a person took part. A low rating opens a follow-up ticket."""

    def name(self) -> str:
        return "action_record_rating"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        conversation = conversation_of(tracker)
        question = await run_sync(csat.current, conversation)
        if question is not None and question.status == "rated" and tracker.get_slot("csat_state") == "comment_asked":
            return await ActionRecordCsatComment().run(dispatcher, tracker, domain)  # "5 stars, great": a comment
        if question is None or question.status != "asked":
            dispatcher.utter_message(response=NOT_ASKED)
            return [SlotSet("csat_state", None)]
        rating = parse_rating(tracker)
        if rating is None:
            dispatcher.utter_message(text=QUESTION, buttons=RATING_BUTTONS)
            return [SlotSet("csat_state", "asked")]
        rated = await run_sync(csat.rate, conversation, rating)
        if rated is None:  # answered at the same moment elsewhere
            dispatcher.utter_message(response=NOT_ASKED)
            return [SlotSet("csat_state", None)]
        events: List[Dict[str, Any]] = [SlotSet("csat_state", "comment_asked")]
        if rating <= 2:
            ticket = await run_sync(
                open_ticket,
                f"Follow up: customer rated support {rating}/5",
                ticket_body(tracker.events, tracker.current_slot_values()),
                tracker.get_slot("verified_email") or tracker.get_slot("email"),
                channel=conversation.channel,
                sender_id=tracker.sender_id,
                priority="high",
            )
            await run_sync(csat.set_follow_up, rated.id, ticket.reference)
            dispatcher.utter_message(text=LOW_COMMENT_PROMPT.format(ticket=ticket.reference), buttons=[SKIP_BUTTON])
            return events + [SlotSet("ticket_reference", ticket.reference)]  # "any news?" needs no reference
        dispatcher.utter_message(text=COMMENT_PROMPT, buttons=[SKIP_BUTTON])
        return events


class ActionSkipRating(Action):
    def name(self) -> str:
        return "action_skip_rating"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        await run_sync(csat.skip, conversation_of(tracker))
        dispatcher.utter_message(text=SKIPPED)
        return [SlotSet("csat_state", None)]


def new_request(tracker: Tracker) -> Optional[str]:
    """The form to start when the message after the rating is a new request that names what it
    is about (an order number, a ticket reference); None when it reads as a comment ("the
    tracking link worked fine" is understood as an order question, but names no order)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    named = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    form = REQUEST_FORMS.get(intent or "")
    return form if form is not None and named & {"order_number", "ticket_reference"} else None


class ActionRecordCsatComment(Action):
    """Whatever the customer writes right after rating is their comment (a follow-up ticket
    from a low rating gets it too)."""

    def name(self) -> str:
        return "action_record_csat_comment"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        text = (tracker.latest_message.get("text") or "").strip()
        form = new_request(tracker)
        if form is not None:  # "where is order 100235?": not a comment, the next task
            return [SlotSet("csat_state", None), FollowupAction(form)]
        if text.startswith("/"):  # a stale button's payload is not a comment
            dispatcher.utter_message(text=SKIPPED)
            return [SlotSet("csat_state", None)]
        question = await run_sync(csat.add_comment, conversation_of(tracker), text)
        if question is not None and question.follow_up_ticket:
            await run_sync(add_message, question.follow_up_ticket, "customer", question.comment or text)
            dispatcher.utter_message(text=LOW_COMMENT_THANKS.format(ticket=question.follow_up_ticket))
        else:
            dispatcher.utter_message(text=COMMENT_THANKS)
        return [SlotSet("csat_state", None)]


def just_a_closing(text: str) -> bool:
    """ "no thanks", "bye!", "thank you so much": nothing to pass on. Anything more ("very
    quick, thank you", "no, the tracking link was broken") is a comment, whatever its intent."""
    return all(word in CLOSING_WORDS for word in re.findall(r"[a-z']+", text.lower()))


class ActionSkipCsatComment(Action):
    """A no, a thanks or a goodbye after the rating: no comment, unless there is more to it."""

    def name(self) -> str:
        return "action_skip_csat_comment"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        text = (tracker.latest_message.get("text") or "").strip()
        if text and not text.startswith("/") and not just_a_closing(text):
            return await ActionRecordCsatComment().run(dispatcher, tracker, domain)
        dispatcher.utter_message(text=SKIPPED)
        return [SlotSet("csat_state", None)]
