"""Telegram (webhook mode) end to end: the real assistant, updates in the Bot API's JSON shape
posted with the secret header, and the real python-telegram-bot Bot answering through a mock
Bot API."""

from __future__ import annotations

import itertools
import json
import time
from typing import List, Optional
from urllib.parse import quote, urlencode

import httpx
import pytest

from tests.channels.support import log_text, rasa_api, user_events, wait_until
from tests.mocks.telegram_api import Call, MockTelegramApi, callback_update, message_update, user
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

SECRET = "test-webhook-secret_1"
_chat_ids = itertools.count(int(time.time()) % 100_000 * 100)


@pytest.fixture(scope="module")
def assistant(telegram_api: MockTelegramApi, tmp_path_factory, model_path):
    env = {
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("telegram"), model_path, env) as stack:
        yield stack


def post_update(stack, update: object, secret: Optional[str] = SECRET, raw: Optional[bytes] = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = raw if raw is not None else json.dumps(update).encode()
    return httpx.post(f"{stack.rasa_url}/webhooks/telegram/webhook", content=body, headers=headers, timeout=30)


class PrivateChat:
    """A customer in a private chat with the bot; `say` returns the bot's replies to one message."""

    def __init__(self, stack, telegram_api: MockTelegramApi, sender: Optional[dict] = None):
        self.stack, self.api = stack, telegram_api
        self.chat_id = next(_chat_ids)
        self.sender = sender or user(self.chat_id)
        self.sender_id = f"telegram:{self.chat_id}"
        self.message_ids = itertools.count(1)

    def user_turns(self) -> int:
        return len(user_events(self.stack.rasa_url, self.sender_id))

    def update(self, text: str) -> dict:
        return message_update(self.chat_id, text, sender=self.sender, message_id=next(self.message_ids))

    def send(self, update: dict) -> List[Call]:
        before, turns = len(self.api.messages_to(self.chat_id)), self.user_turns()
        response = post_update(self.stack, update)
        assert response.status_code == 200
        self.wait_for_turn(turns + 1)
        return self.api.messages_to(self.chat_id)[before:]

    def say(self, text: str) -> List[Call]:
        return self.send(self.update(text))

    def wait_for_turn(self, turns: int) -> None:
        # Rasa saves the tracker after the turn's replies were sent, so this is "answered".
        wait_until(lambda: self.user_turns() >= turns, what=f"{self.sender_id} to reach {turns} turn(s)")

    def text(self, text: str) -> str:
        return "\n".join(call.args["text"] for call in self.say(text))


def test_order_lookup(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    assert "order number" in chat.text("where is my order?").lower()
    assert "email" in chat.text("100234").lower()
    answer = chat.text("alice@example.com")
    assert "1Z999AA10123456784" in answer
    sent = telegram_api.messages_to(chat.chat_id)
    # The order's "Track parcel" is an inline keyboard link, not a raw URL in the text.
    markup = sent[-1].args["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    (row,) = markup["inline_keyboard"]
    assert row[0]["text"] == "Track parcel" and row[0]["url"].startswith("https://") and row[0]["url"] not in answer
    assert all("parse_mode" not in call.args for call in sent)  # plain text, nothing to escape


def test_start_greets_and_a_button_click_is_sent_as_its_payload(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    (greeting,) = chat.say("/start")
    assert user_events(assistant.rasa_url, chat.sender_id)[0]["text"] == "/greet"
    keyboard = greeting.args["reply_markup"]["inline_keyboard"]
    assert keyboard[0] == [{"text": "Track my order", "callback_data": "/check_order"}]

    click = callback_update(chat.chat_id, "/check_order", message=greeting.result, sender=chat.sender)
    replies = chat.send(click)
    assert "order number" in replies[0].args["text"].lower()
    assert user_events(assistant.rasa_url, chat.sender_id)[-1]["text"] == "/check_order"
    query_id = click["callback_query"]["id"]
    assert telegram_api.calls_to("answerCallbackQuery", lambda c: c.args["callback_query_id"] == query_id)
    (edit,) = telegram_api.calls_to("editMessageReplyMarkup", lambda c: c.args.get("chat_id") == chat.chat_id)
    assert edit.args["message_id"] == greeting.result["message_id"]
    assert edit.args["reply_markup"]["inline_keyboard"] == [[{"text": "✓ Track my order", "callback_data": "@chosen"}]]


def test_a_bot_only_conversation_is_rated_with_the_inline_keyboard(assistant, telegram_api):
    """An order looked up, "thanks": the rating question comes as an inline keyboard, a tap
    rates, the comment is typed, and the rating is stored for this Telegram conversation."""
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.handoff import SatisfactionRating

    chat = PrivateChat(assistant, telegram_api)
    chat.say("where is my order 100234?")
    assert "1Z999AA10123456784" in chat.text("alice@example.com")
    (question,) = chat.say("thanks a lot")
    assert "How would you rate the help you got today" in question.args["text"]
    keyboard = [b for row in question.args["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in keyboard] == ["5 – Excellent", "4 – Good", "3 – OK", "2 – Poor", "1 – Very poor", "Skip"]
    click = callback_update(chat.chat_id, keyboard[1]["callback_data"], message=question.result, sender=chat.sender)
    (prompt,) = chat.send(click)
    assert "anything you'd like to tell us" in prompt.args["text"]
    assert "passed that on" in chat.text("tracking link worked fine")
    with session_scope() as session:
        stored = session.execute(
            select(SatisfactionRating).where(SatisfactionRating.sender_id == chat.sender_id)
        ).scalars()
        rows = [(r.channel, r.status.value, r.rating, r.comment, r.person_involved) for r in stored]
    assert rows == [("telegram", "rated", 4, "tracking link worked fine", False)]


def test_identity_reaches_the_tracker_as_metadata(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    chat.sender = user(chat.chat_id, "Dmitri", "Ivanov", "dmitri_i")
    chat.say("hi")
    (event,) = user_events(assistant.rasa_url, chat.sender_id)
    assert event["input_channel"] == "telegram"
    assert event["metadata"]["customer"] == {
        "channel": "telegram",
        "id": str(chat.chat_id),
        "name": "Dmitri Ivanov",
        "email": None,
        "email_verified": False,
    }
    assert event["metadata"]["telegram"]["chat_id"] == chat.chat_id
    assert event["metadata"]["telegram"]["message_id"] == 1
    assert event["metadata"]["telegram"]["username"] == "dmitri_i"


@pytest.mark.parametrize("secret", ["wrong-secret", None], ids=["wrong secret", "no secret"])
def test_requests_without_the_secret_are_forbidden(assistant, telegram_api, secret):
    chat = PrivateChat(assistant, telegram_api)
    assert post_update(assistant, chat.update("where is my order?"), secret=secret).status_code == 403
    chat.say("hi")
    assert [e["text"] for e in user_events(assistant.rasa_url, chat.sender_id)] == ["hi"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"no_update_id": true}', b""])
def test_malformed_updates_are_bad_requests(assistant, body):
    assert post_update(assistant, None, raw=body).status_code == 400


def test_a_repeated_update_is_handled_once(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    update = chat.update("where is my order?")
    for _ in range(3):
        assert post_update(assistant, update).status_code == 200
    chat.wait_for_turn(1)
    # Updates of one chat are handled in order: once the next is answered, a duplicate of the
    # first would have been too.
    chat.say("100234")
    assert [e["text"] for e in user_events(assistant.rasa_url, chat.sender_id)] == ["where is my order?", "100234"]
    texts = [c.args["text"] for c in telegram_api.messages_to(chat.chat_id)]
    assert sum("what's your order number" in t.lower() for t in texts) == 1


def _deliver_bot_messages(stack, sender_id: str, texts: List[str]) -> None:
    """What human handoff does: messages written to the tracker and delivered by the server to
    a conversation it knows only by sender id (Rasa's HTTP API uses the channel's output)."""
    events = [{"event": "bot", "text": text, "timestamp": time.time()} for text in texts]
    query = urlencode({"output_channel": "latest", "execute_side_effects": "true"})
    rasa_api(stack.rasa_url, f"/conversations/{quote(sender_id, safe=':')}/tracker/events?{query}", events)


def test_a_long_message_is_split_at_paragraphs(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    chat.say("hi")
    before = len(telegram_api.messages_to(chat.chat_id))
    paragraphs = [(f"Step {n}. " + "Unplug the lamp, wait, and check the cable. " * 14).strip() for n in range(1, 11)]
    _deliver_bot_messages(assistant, chat.sender_id, ["\n\n".join(paragraphs)])
    parts = [c.args["text"] for c in telegram_api.messages_to(chat.chat_id)[before:]]
    assert len(parts) == 2
    assert all(len(part) <= 4096 for part in parts)
    assert parts[1].startswith("Step ")  # cut between paragraphs
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_a_failed_delivery_is_logged_and_the_rest_still_attempted(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    blocked = "Forbidden: bot was blocked by the user"
    telegram_api.fail("sendMessage", blocked, error_code=403, where=lambda c: c.args["chat_id"] == chat.chat_id)
    assert chat.say("hi")  # attempted, and failed
    assert "order number" in chat.text("where is my order?").lower()  # the server carries on
    telegram_api.fail("sendMessage", "Bad Request: something odd", where=lambda c: c.args.get("text") == "lost")
    before = len(telegram_api.messages_to(chat.chat_id))
    _deliver_bot_messages(assistant, chat.sender_id, ["lost", "Hi, I'm Sam from the support team."])
    texts = [c.args["text"] for c in telegram_api.messages_to(chat.chat_id)[before:]]
    assert texts == ["lost", "Hi, I'm Sam from the support team."]
    log = log_text(assistant)
    assert f"telegram: could not deliver a reply to {chat.sender_id} (Forbidden: {blocked})" in log
    assert f"telegram: could not deliver a reply to {chat.sender_id} (BadRequest: Something odd)" in log


def test_flood_control_is_waited_out(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    chat.say("hi")
    telegram_api.fail(
        "sendMessage",
        "Too Many Requests: retry after 1",
        error_code=429,
        parameters={"retry_after": 1},
        where=lambda c: c.args["chat_id"] == chat.chat_id,
    )
    before = len(telegram_api.messages_to(chat.chat_id))
    _deliver_bot_messages(assistant, chat.sender_id, ["Thanks for waiting."])
    calls = telegram_api.messages_to(chat.chat_id)[before:]
    assert [c.args["text"] for c in calls] == ["Thanks for waiting.", "Thanks for waiting."]
    assert calls[1].at - calls[0].at >= 0.9
