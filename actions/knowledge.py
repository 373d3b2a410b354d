"""Answering questions from the help centre, and learning from the customer's reaction.

The knowledge base decides (knowledge_base.decision): a confident answer shows the one
passage that answers the question with its source and asks whether it helped; a close
call offers up to three articles to choose from; anything weaker says plainly that the
help centre doesn't cover it and offers a ticket or a person. Every query, choice and
rating is stored (bot.store.knowledge) so `kb gaps` can show what content is missing.

Slots read/set: kb_query, kb_last_answer, kb_outcome, kb_unhelpful_count, kb_helpful.
Entities read: kb_doc (a did-you-mean choice), kb_helpful ("yes"/"no").
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


def answer_message(decision: Decision) -> str:
    hit = decision.answer
    source = f"Source: {hit.title}" + (f" {hit.url}" if hit.url else "")
    return f"{render_plain(hit.chunk.text)}\n\n{source}"


def last_answer(decision: Decision) -> Dict[str, Any]:
    hit = decision.answer
    return {"query": decision.query, "doc_id": hit.doc_id, "chunk_id": hit.chunk_id, "title": hit.title, "url": hit.url}


class ActionAnswerFromKB(Action):
    """Answers the customer's latest question (or a did-you-mean choice) from the knowledge base."""

    def name(self) -> str:
        return "action_answer_from_kb"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        kb = get_knowledge_base()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        chosen = (_latest_entity(tracker, "kb_doc") or tracker.get_slot("kb_doc")) if intent == CHOOSE_INTENT else None
        if chosen:
            query = tracker.get_slot("kb_query") or ""
            decision = await run_sync(kb.ask, query or chosen, chosen)
            if decision.outcome != Outcome.ANSWER:  # stale button: that document is gone
                decision = await run_sync(kb.ask, query)
        else:
            query = (tracker.latest_message.get("text") or "").strip()
            decision = await run_sync(kb.ask, query)
        query = decision.query or query

        await run_sync(
            record_query,
            query,
            decision.outcome.value,
            doc_id=decision.best.doc_id if decision.best else None,
            chunk_id=decision.best.chunk_id if decision.best else None,
            score=decision.score,
            suggestions=[h.doc_id for h in decision.suggestions],
            channel=channel_of(tracker),
            sender_id=tracker.sender_id,
            generation=decision.generation,
        )
        events: List[Dict[str, Any]] = [SlotSet("kb_query", query), SlotSet("kb_outcome", decision.outcome.value)]
        if decision.outcome == Outcome.ANSWER:
            dispatcher.utter_message(text=answer_message(decision))
            dispatcher.utter_message(text="Was this helpful?", buttons=FEEDBACK_BUTTONS)
            return events + [SlotSet("kb_last_answer", last_answer(decision))]
        if decision.outcome == Outcome.DID_YOU_MEAN:
            buttons = [
                {"title": shorten(hit.title, BUTTON_TITLE_LIMIT), "payload": choose_payload(hit.doc_id)}
                for hit in decision.suggestions
            ]
            buttons.append({"title": "None of these", "payload": "/kb_none"})
            text = "Did you mean one of these?" if len(decision.suggestions) > 1 else "Did you mean this?"
            dispatcher.utter_message(text=text, buttons=buttons)
        else:
            dispatcher.utter_message(text=NO_ANSWER_TEXT, buttons=[TICKET_BUTTON, HUMAN_BUTTON])
        return events + [SlotSet("kb_last_answer", None)]


class ActionKBFeedback(Action):
    """Stores "was this helpful?" for the last answer; a "no" counts towards a handoff."""

    def name(self) -> str:
        return "action_kb_feedback"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        helpful = _helpful(_latest_entity(tracker, "kb_helpful") or tracker.get_slot("kb_helpful"))
        answer = tracker.get_slot("kb_last_answer")
        if helpful is None:
            dispatcher.utter_message(text="Was the answer helpful?", buttons=FEEDBACK_BUTTONS)
            return []
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
        if helpful:
            dispatcher.utter_message(text=HELPFUL_TEXT)
            return events
        dispatcher.utter_message(text=UNHELPFUL_TEXT, buttons=[TICKET_BUTTON, HUMAN_BUTTON])
        count = float(tracker.get_slot("kb_unhelpful_count") or 0) + 1
        return events + [SlotSet("kb_unhelpful_count", count)]


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
