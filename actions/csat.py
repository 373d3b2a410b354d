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
from bot.i18n import language_of, t
from bot.i18n.detect import fold_width
from bot.store import csat
from bot.store.db import run_sync
from bot.store.tickets import add_message, open_ticket

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def skip_button(lang: str) -> Dict[str, str]:
    return {"title": t("csat.button.skip", lang), "payload": "/deny"}


def rating_buttons(lang: str) -> List[Dict[str, str]]:
    ratings = [
        {"title": t(f"csat.rating.{value}", lang), "payload": f'/rate{{"rating": "{value}"}}'}
        for value in (5, 4, 3, 2, 1)
    ]
    return ratings + [skip_button(lang)]


# The English texts, as constants (the texts in every language: bot/i18n/messages/csat.py).
SKIP_BUTTON = skip_button("en")
RATING_BUTTONS = rating_buttons("en")
QUESTION = t("csat.question", "en")
# What the question follows: the customer's thanks, goodbye, "no, that's all", or a helpful answer.
OPENERS = ("thank", "goodbye", "deny", "kb_feedback")
COMMENT_PROMPT = t("csat.comment_prompt", "en")
COMMENT_THANKS = t("csat.comment_thanks", "en")
SKIPPED = t("csat.skipped", "en")
NOT_ASKED = "utter_default"  # a rating nobody asked for reads as not understood
ALL_DONE = t("csat.all_done", "en")
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
# The same in Japanese ("いいえ、大丈夫です", "ありがとうございました"): the phrases, removed from the
# text before looking for anything else in it.
JA_CLOSINGS = re.compile(
    r"ありがとう(?:ございます|ございました)?|どうも|いいえ|いえ|大丈夫(?:です)?|結構です|"
    r"特に(?:ない|なし|ありません|ございません)(?:です)?|ないです|ありません|なし|以上(?:です)?|"
    r"さようなら|バイバイ|スキップ|了解(?:です|しました)?|はい|失礼します|お世話になりました"
)
_JAPANESE_LETTER = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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


async def ask_rating(
    dispatcher: CollectingDispatcher, tracker: Tracker, occasion: str
) -> Optional[List[Dict[str, Any]]]:
    """Ask the question if it is time (the events to return), else None and nothing said.
    `occasion` (one of OPENERS) chooses the words before the question."""
    summary = summarize(tracker.events)
    if why_not_ask(tracker, summary) is not None:
        return None
    if await run_sync(csat.ask, conversation_of(tracker, summary)) is None:
        return None  # asked already (the database knows, whatever the slots say)
    lang = language_of(tracker)
    opener = t(f"csat.opener.{occasion if occasion in OPENERS else 'deny'}", lang)
    dispatcher.utter_message(
        text=t("csat.ask", lang, opener=opener, question=t("csat.question", lang)), buttons=rating_buttons(lang)
    )
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
    text = fold_width(tracker.latest_message.get("text") or "").lower()  # "５" is 5
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
        asked = await ask_rating(dispatcher, tracker, intent)
        if asked is not None:
            return asked
        lang = language_of(tracker)
        if intent == "thank":
            if tracker.active_loop.get("name"):
                dispatcher.utter_message(text=t("csat.youre_welcome", lang))  # the form asks its question again
            else:
                dispatcher.utter_message(response="utter_youre_welcome")
        elif intent == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        else:
            dispatcher.utter_message(text=t("csat.all_done", lang))
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
        lang = language_of(tracker)
        if rating is None:
            dispatcher.utter_message(text=t("csat.question", lang), buttons=rating_buttons(lang))
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
            prompt = t("csat.low_comment_prompt", lang, ticket=ticket.reference)
            dispatcher.utter_message(text=prompt, buttons=[skip_button(lang)])
            return events + [SlotSet("ticket_reference", ticket.reference)]  # "any news?" needs no reference
        dispatcher.utter_message(text=t("csat.comment_prompt", lang), buttons=[skip_button(lang)])
        return events


class ActionSkipRating(Action):
    def name(self) -> str:
        return "action_skip_rating"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        await run_sync(csat.skip, conversation_of(tracker))
        dispatcher.utter_message(text=t("csat.skipped", language_of(tracker)))
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
        lang = language_of(tracker)
        if text.startswith("/"):  # a stale button's payload is not a comment
            dispatcher.utter_message(text=t("csat.skipped", lang))
            return [SlotSet("csat_state", None)]
        question = await run_sync(csat.add_comment, conversation_of(tracker), text)
        if question is not None and question.follow_up_ticket:
            await run_sync(add_message, question.follow_up_ticket, "customer", question.comment or text)
            dispatcher.utter_message(text=t("csat.low_comment_thanks", lang, ticket=question.follow_up_ticket))
        else:
            dispatcher.utter_message(text=t("csat.comment_thanks", lang))
        return [SlotSet("csat_state", None)]


def just_a_closing(text: str) -> bool:
    """ "no thanks", "bye!", "thank you so much": nothing to pass on. Anything more ("very
    quick, thank you", "no, the tracking link was broken") is a comment, whatever its intent."""
    rest = JA_CLOSINGS.sub(" ", fold_width(text))
    if _JAPANESE_LETTER.search(rest):  # "とても丁寧でした": a comment
        return False
    return all(word in CLOSING_WORDS for word in re.findall(r"[a-z']+", rest.lower()))


class ActionSkipCsatComment(Action):
    """A no, a thanks or a goodbye after the rating: no comment, unless there is more to it."""

    def name(self) -> str:
        return "action_skip_csat_comment"

    @apologise_on_error
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        text = (tracker.latest_message.get("text") or "").strip()
        if text and not text.startswith("/") and not just_a_closing(text):
            return await ActionRecordCsatComment().run(dispatcher, tracker, domain)
        dispatcher.utter_message(text=t("csat.skipped", language_of(tracker)))
        return [SlotSet("csat_state", None)]
