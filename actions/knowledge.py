"""Answering questions from the help centre, and learning from the customer's reaction.

The front door (bot.nlu.front_door, in the Rasa server) searched the help centre once for the
message and decided (bot.nlu.routing); the passages it chose come with the message
(`latest_message["kb"]`), so nothing is searched again here. A confident answer shows the passage
under its section heading with its source (and a close second article as "see also"), asks
whether it helped, and offers the action when the customer asked how something works that the
assistant can also do; a close call offers up to three articles; a question that could be either
an action or an article asks which; anything weaker says plainly that the help centre doesn't
cover it and offers a ticket or a person. Every query, choice and rating is stored
(bot.store.knowledge) so `kb gaps` can show what content is missing.

Slots read/set: kb_query, kb_last_answer, kb_outcome, kb_choices, kb_unhelpful_count, kb_helpful.
Entities read: kb_doc (a did-you-mean or clarifying choice), kb_helpful ("yes"/"no").
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import apologise_on_error, channel_of
from actions.csat import NOTHING_ASKED, OPENERS, ask_rating
from bot.store.db import run_sync
from bot.store.knowledge import FEEDBACK_SUGGESTIONS, record_feedback, record_query
from knowledge_base.decision import Decision, Outcome
from knowledge_base.formatting import render_plain, shorten
from knowledge_base.service import get_knowledge_base

logger = logging.getLogger(__name__)

CHOOSE_INTENT = "kb_choose"
BUTTON_TITLE_LIMIT = 60  # Slack allows 75 characters on a button; leave room for "…"

TICKET_BUTTON = {"title": "Open a ticket", "payload": "/open_ticket"}
HUMAN_BUTTON = {"title": "Talk to a person", "payload": "/request_human"}
FEEDBACK_BUTTONS = [
    {"title": "Yes", "payload": '/kb_feedback{"kb_helpful":"yes"}'},
    {"title": "No", "payload": '/kb_feedback{"kb_helpful":"no"}'},
]

NO_ANSWER_TEXT = (
    "Sorry, I couldn't find anything about that in our help centre. "
    "I can open a ticket for our support team, or connect you with a person."
)
NONE_OF_THESE_TEXT = (
    "Sorry I couldn't find the right article. I can open a ticket for our support team, or connect you with a person."
)
UNHELPFUL_TEXT = "Sorry about that — I can open a ticket or get you a person."
HELPFUL_TEXT = "Glad it helped! Anything else I can do for you?"


OFFERS = {
    # intent: (button title, payload, "Do you want me to ...")
    "check_order": ("Check my order", "/check_order", "check your order"),
    "cancel_order": ("Cancel an order", "/cancel_order", "cancel an order"),
    "open_ticket": ("Open a ticket", "/open_ticket", "open a ticket for our team"),
    "ticket_status": ("Check a ticket", "/ticket_status", "check on your ticket"),
}


def choose_payload(doc_id: str) -> str:
    return "/kb_choose" + json.dumps({"kb_doc": doc_id}, separators=(",", ":"))


def _latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    return None


def _helpful(value: Any) -> Optional[bool]:
    text = str(value or "").strip().lower()
    if text in {"yes", "y", "true", "1", "helpful", "yep", "yeah"}:
        return True
    if text in {"no", "n", "false", "0", "unhelpful", "nope"}:
        return False
    return None


def _source(passage: Dict[str, Any]) -> str:
    return passage["title"] + (f" {passage['url']}" if passage.get("url") else "")


def answer_message(passage: Dict[str, Any], see_also: Optional[Dict[str, Any]] = None) -> str:
    """The passage, under its section heading (the heading often *is* the answer: "Shipping
    to Canada, the UK and the EU"), with its source and a close second article if there is one."""
    body = render_plain(passage["text"])
    section = (passage.get("section") or "").split(" > ")[-1].strip()
    if section and not body.lower().startswith(section.lower()):
        body = f"{section}\n{body}"
    text = f"{body}\n\nSource: {_source(passage)}"
    if see_also and see_also.get("doc_id") != passage.get("doc_id"):
        text += f"\nSee also: {_source(see_also)}"
    return text


def last_answer(query: str, passage: Dict[str, Any]) -> Dict[str, Any]:
    keys = ("doc_id", "chunk_id", "title", "url")
    return {"query": query, **{k: passage.get(k) for k in keys}}


def _from_decision(decision: Decision) -> Dict[str, Any]:
    """The action server's own search (a stale button, a message that skipped the front door),
    in the front door's shape."""
    outcome = {Outcome.ANSWER: "answer", Outcome.DID_YOU_MEAN: "suggest", Outcome.NO_ANSWER: "no_answer"}
    return {
        "outcome": outcome[decision.outcome],
        "query": decision.query,
        "generation": decision.generation,
        "best": decision.best.passage() if decision.best else None,
        "answer": decision.answer.passage() if decision.answer else None,
        "see_also": None,
        "suggestions": [h.passage() for h in decision.suggestions],
        "offer": None,
    }


RECORDED_OUTCOME = {"answer": Outcome.ANSWER.value, "suggest": Outcome.DID_YOU_MEAN.value, "clarify": "clarify"}


class ActionAnswerFromKB(Action):
    """Answers the customer's latest question from the passages the front door found (one
    search per message, in the Rasa server), or a choice among passages offered earlier."""

    def name(self) -> str:
        return "action_answer_from_kb"

    async def _chosen(self, tracker: Tracker, doc_id: str) -> Dict[str, Any]:
        query = tracker.get_slot("kb_query") or ""
        for choice in tracker.get_slot("kb_choices") or []:
            if isinstance(choice, dict) and choice.get("doc_id") == doc_id:
                return {"outcome": "answer", "query": query, "answer": choice, "best": choice, "generation": 0}
        # Offered before this conversation's choices were kept (or the slot was reset): search.
        kb = get_knowledge_base()
        decision = await run_sync(kb.ask, query or doc_id, doc_id)
        if decision.outcome != Outcome.ANSWER:
            decision = await run_sync(kb.ask, query)
        return _from_decision(decision)

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        chosen = (_latest_entity(tracker, "kb_doc") or tracker.get_slot("kb_doc")) if intent == CHOOSE_INTENT else None
        found = tracker.latest_message.get("kb")
        if chosen:
            found = await self._chosen(tracker, chosen)
        elif not isinstance(found, dict):
            query = (tracker.latest_message.get("text") or "").strip()
            found = _from_decision(await run_sync(get_knowledge_base().ask, query))
        query = found.get("query") or tracker.get_slot("kb_query") or ""
        outcome = found.get("outcome") or "no_answer"
        best = found.get("best") or {}
        suggestions = [p for p in found.get("suggestions") or [] if isinstance(p, dict)]
        await run_sync(
            record_query,
            query,
            RECORDED_OUTCOME.get(outcome, Outcome.NO_ANSWER.value),
            doc_id=best.get("doc_id"),
            chunk_id=best.get("chunk_id"),
            score=best.get("relevance"),
            suggestions=[p["doc_id"] for p in suggestions],
            channel=channel_of(tracker),
            sender_id=tracker.sender_id,
            generation=int(found.get("generation") or 0),
        )
        events: List[Dict[str, Any]] = [
            SlotSet("kb_query", query),
            SlotSet("kb_outcome", RECORDED_OUTCOME.get(outcome, Outcome.NO_ANSWER.value)),
        ]
        answer = found.get("answer")
        offer = OFFERS.get(found.get("offer") or "")
        if outcome == "answer" and isinstance(answer, dict):
            dispatcher.utter_message(text=answer_message(answer, found.get("see_also")))
            if offer:  # they asked how it works: the assistant can also do it
                title, payload, _ = offer
                dispatcher.utter_message(
                    text="Was this helpful? I can also do it for you.",
                    buttons=[*FEEDBACK_BUTTONS, {"title": title, "payload": payload}],
                )
            else:
                dispatcher.utter_message(text="Was this helpful?", buttons=FEEDBACK_BUTTONS)
            return events + [SlotSet("kb_last_answer", last_answer(query, answer)), SlotSet("kb_choices", None)]
        if outcome == "clarify" and isinstance(answer, dict) and offer:
            title, payload, phrase = offer
            dispatcher.utter_message(
                text=f"Do you want me to {phrase}, or to read \u201c{answer['title']}\u201d?",
                buttons=[
                    {"title": title, "payload": payload},
                    {
                        "title": f"Read: {shorten(answer['title'], BUTTON_TITLE_LIMIT - 6)}",
                        "payload": choose_payload(answer["doc_id"]),
                    },
                ],
            )
            return events + [SlotSet("kb_last_answer", None), SlotSet("kb_choices", [answer])]
        if outcome == "suggest" and suggestions:
            buttons = [
                {"title": shorten(p["title"], BUTTON_TITLE_LIMIT), "payload": choose_payload(p["doc_id"])}
                for p in suggestions
            ]
            buttons.append({"title": "None of these", "payload": "/kb_none"})
            text = "Did you mean one of these?" if len(suggestions) > 1 else "Did you mean this?"
            dispatcher.utter_message(text=text, buttons=buttons)
            return events + [SlotSet("kb_last_answer", None), SlotSet("kb_choices", suggestions)]
        dispatcher.utter_message(text=NO_ANSWER_TEXT, buttons=[TICKET_BUTTON, HUMAN_BUTTON])
        return events + [SlotSet("kb_last_answer", None), SlotSet("kb_choices", None)]


class ActionKBFeedback(Action):
    """Stores "was this helpful?" for the last answer; a "yes" may be followed by the satisfaction
    question, a "no" counts towards a handoff."""

    def name(self) -> str:
        return "action_kb_feedback"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        helpful = _helpful(_latest_entity(tracker, "kb_helpful") or tracker.get_slot("kb_helpful"))
        if helpful is None:  # typed rather than tapped: "yes" / "no, not really"
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            helpful = {"affirm": True, "deny": False}.get(intent or "")
        answer = tracker.get_slot("kb_last_answer")
        if helpful is None:
            dispatcher.utter_message(text="Was the answer helpful?", buttons=FEEDBACK_BUTTONS)
            return [NOTHING_ASKED]
        if isinstance(answer, dict) and answer.get("doc_id"):
            await run_sync(
                record_feedback,
                answer.get("query") or tracker.get_slot("kb_query") or "",
                helpful,
                doc_id=answer.get("doc_id"),
                chunk_id=answer.get("chunk_id"),
                channel=channel_of(tracker),
                sender_id=tracker.sender_id,
            )
        else:
            logger.info("feedback without an answer to rate (conversation %s)", tracker.sender_id)
        events: List[Dict[str, Any]] = [SlotSet("kb_helpful", None)]
        if helpful:  # the answer settled it: time for the satisfaction question (actions/csat.py)
            asked = await ask_rating(dispatcher, tracker, OPENERS["kb_feedback"])
            if asked is not None:
                return events + asked
            dispatcher.utter_message(text=HELPFUL_TEXT)
            return events + [NOTHING_ASKED]
        dispatcher.utter_message(text=UNHELPFUL_TEXT, buttons=[TICKET_BUTTON, HUMAN_BUTTON])
        count = float(tracker.get_slot("kb_unhelpful_count") or 0) + 1
        return events + [SlotSet("kb_unhelpful_count", count), NOTHING_ASKED]


class ActionKBNone(Action):
    """The customer rejected every did-you-mean option: a gap in the help centre."""

    def name(self) -> str:
        return "action_kb_none"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        query = tracker.get_slot("kb_query") or ""
        if query:
            await run_sync(
                record_feedback,
                query,
                False,
                channel=channel_of(tracker),
                sender_id=tracker.sender_id,
                kind=FEEDBACK_SUGGESTIONS,
            )
        dispatcher.utter_message(text=NONE_OF_THESE_TEXT, buttons=[TICKET_BUTTON, HUMAN_BUTTON])
        count = float(tracker.get_slot("kb_unhelpful_count") or 0) + 1
        return [SlotSet("kb_outcome", Outcome.NO_ANSWER.value), SlotSet("kb_unhelpful_count", count)]
