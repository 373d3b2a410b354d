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
from actions.csat import NOTHING_ASKED, ask_rating
from bot.i18n import language_of, t
from bot.i18n.detect import has_japanese
from bot.store.db import run_sync
from bot.store.knowledge import FEEDBACK_SUGGESTIONS, record_feedback, record_query
from knowledge_base.decision import Decision, Outcome
from knowledge_base.formatting import render_plain, shorten
from knowledge_base.service import english_only, get_knowledge_base

logger = logging.getLogger(__name__)

CHOOSE_INTENT = "kb_choose"
BUTTON_TITLE_LIMIT = 60  # Slack allows 75 characters on a button; leave room for "…"


def ticket_button(lang: str) -> Dict[str, str]:
    return {"title": t("common.button.open_ticket", lang), "payload": "/open_ticket"}


def human_button(lang: str) -> Dict[str, str]:
    return {"title": t("common.button.talk_to_person", lang), "payload": "/request_human"}


def ways_forward(lang: str) -> List[Dict[str, str]]:
    return [ticket_button(lang), human_button(lang)]


def feedback_buttons(lang: str) -> List[Dict[str, str]]:
    return [
        {"title": t("common.button.yes", lang), "payload": '/kb_feedback{"kb_helpful":"yes"}'},
        {"title": t("common.button.no", lang), "payload": '/kb_feedback{"kb_helpful":"no"}'},
    ]


TICKET_BUTTON = ticket_button("en")
HUMAN_BUTTON = human_button("en")
FEEDBACK_BUTTONS = feedback_buttons("en")
NO_ANSWER_TEXT = t("kb.no_answer", "en")
NONE_OF_THESE_TEXT = t("kb.none_of_these", "en")
UNHELPFUL_TEXT = t("kb.unhelpful", "en")
HELPFUL_TEXT = t("kb.helpful", "en")

# What the assistant can also do for a customer who asked how it works: intent -> payload. The
# button's title is `kb.offer.<intent>.button`, "do it, or read the article?" `kb.offer.<intent>.clarify`.
OFFERS = {
    "check_order": "/check_order",
    "cancel_order": "/cancel_order",
    "open_ticket": "/open_ticket",
    "ticket_status": "/ticket_status",
}


def offer_button(intent: str, lang: str) -> Dict[str, str]:
    return {"title": t(f"kb.offer.{intent}.button", lang), "payload": OFFERS[intent]}


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


def answer_message(
    passage: Dict[str, Any], see_also: Optional[Dict[str, Any]] = None, lang: str = "en", english_only: bool = False
) -> str:
    """The passage, under its section heading (the heading often *is* the answer: "Shipping
    to Canada, the UK and the EU"), with its source and a close second article if there is one.
    `english_only`: a Japanese question answered from the English help centre says so first."""
    body = render_plain(passage["text"])
    section = (passage.get("section") or "").split(" > ")[-1].strip()
    if section and not body.lower().startswith(section.lower()):
        body = f"{section}\n{body}"
    if english_only and lang == "ja":
        body = f"{t('kb.english_only', lang)}\n\n{body}"
    text = f"{body}\n\n{t('kb.source', lang, source=_source(passage))}"
    if see_also and see_also.get("doc_id") != passage.get("doc_id"):
        text += f"\n{t('kb.see_also', lang, source=_source(see_also))}"
    return text


def last_answer(query: str, passage: Dict[str, Any]) -> Dict[str, Any]:
    keys = ("doc_id", "chunk_id", "title", "url")
    return {"query": query, **{k: passage.get(k) for k in keys}}


def _kb_language(query: str, tracker: Tracker) -> str:
    """Which help centre a search of the action server's own uses: the front door's rule (a
    question with Japanese in it: the Japanese one), else the conversation's language."""
    if query:
        return "ja" if has_japanese(query) else "en"
    return language_of(tracker)


def _from_decision(decision: Decision, language: str = "en") -> Dict[str, Any]:
    """The action server's own search (a stale button, a message that skipped the front door),
    in the front door's shape."""
    outcome = {Outcome.ANSWER: "answer", Outcome.DID_YOU_MEAN: "suggest", Outcome.NO_ANSWER: "no_answer"}
    kb = get_knowledge_base(language)
    shown = [h for h in (decision.answer, decision.best, *decision.suggestions) if h is not None]
    return {
        "language": language,
        "english_only": english_only(kb, [h.doc_id for h in shown]) if language == "ja" else [],
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
        language = _kb_language(query, tracker)
        kb = get_knowledge_base(language)
        decision = await run_sync(kb.ask, query or doc_id, doc_id)
        if decision.outcome != Outcome.ANSWER:
            decision = await run_sync(kb.ask, query)
        return _from_decision(decision, language)

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        chosen = (_latest_entity(tracker, "kb_doc") or tracker.get_slot("kb_doc")) if intent == CHOOSE_INTENT else None
        found = tracker.latest_message.get("kb")
        if chosen:
            found = await self._chosen(tracker, chosen)
        elif not isinstance(found, dict):
            query = (tracker.latest_message.get("text") or "").strip()
            language = _kb_language(query, tracker)
            found = _from_decision(await run_sync(get_knowledge_base(language).ask, query), language)
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
        offer = found.get("offer") if found.get("offer") in OFFERS else None
        lang = language_of(tracker)
        if outcome == "answer" and isinstance(answer, dict):
            english = bool(answer.get("english_only")) or answer.get("doc_id") in (found.get("english_only") or [])
            dispatcher.utter_message(text=answer_message(answer, found.get("see_also"), lang, english))
            if offer:  # they asked how it works: the assistant can also do it
                dispatcher.utter_message(
                    text=t("kb.was_helpful_can_do", lang),
                    buttons=[*feedback_buttons(lang), offer_button(offer, lang)],
                )
            else:
                dispatcher.utter_message(text=t("kb.was_helpful", lang), buttons=feedback_buttons(lang))
            return events + [SlotSet("kb_last_answer", last_answer(query, answer)), SlotSet("kb_choices", None)]
        if outcome == "clarify" and isinstance(answer, dict) and offer:
            read = t("kb.button.read", lang, title=shorten(answer["title"], BUTTON_TITLE_LIMIT - 6))
            dispatcher.utter_message(
                text=t(f"kb.offer.{offer}.clarify", lang, title=answer["title"]),
                buttons=[offer_button(offer, lang), {"title": read, "payload": choose_payload(answer["doc_id"])}],
            )
            return events + [SlotSet("kb_last_answer", None), SlotSet("kb_choices", [answer])]
        if outcome == "suggest" and suggestions:
            buttons = [
                {"title": shorten(p["title"], BUTTON_TITLE_LIMIT), "payload": choose_payload(p["doc_id"])}
                for p in suggestions
            ]
            buttons.append({"title": t("kb.button.none_of_these", lang), "payload": "/kb_none"})
            text = t("kb.did_you_mean_many" if len(suggestions) > 1 else "kb.did_you_mean_one", lang)
            dispatcher.utter_message(text=text, buttons=buttons)
            return events + [SlotSet("kb_last_answer", None), SlotSet("kb_choices", suggestions)]
        dispatcher.utter_message(text=t("kb.no_answer", lang), buttons=ways_forward(lang))
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
        lang = language_of(tracker)
        if helpful is None:
            dispatcher.utter_message(text=t("kb.was_answer_helpful", lang), buttons=feedback_buttons(lang))
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
            asked = await ask_rating(dispatcher, tracker, "kb_feedback")
            if asked is not None:
                return events + asked
            dispatcher.utter_message(text=t("kb.helpful", lang))
            return events + [NOTHING_ASKED]
        dispatcher.utter_message(text=t("kb.unhelpful", lang), buttons=ways_forward(lang))
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
        lang = language_of(tracker)
        dispatcher.utter_message(text=t("kb.none_of_these", lang), buttons=ways_forward(lang))
        count = float(tracker.get_slot("kb_unhelpful_count") or 0) + 1
        return [SlotSet("kb_outcome", Outcome.NO_ANSWER.value), SlotSet("kb_unhelpful_count", count)]
