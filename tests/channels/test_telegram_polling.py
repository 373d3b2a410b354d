"""Telegram in long-polling mode (no public URL): the server's own getUpdates loop against the
mock Bot API, from start-up (webhook deleted first) to a clean stop."""

from __future__ import annotations

import pytest

from tests.channels.support import log_text, user_events, wait_until
from tests.mocks.telegram_api import MockTelegramApi, callback_update, message_update, next_update_id
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def assistant(telegram_api: MockTelegramApi, tmp_path_factory, model_path):
    env = {
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_MODE": "polling",
        "TELEGRAM_POLL_TIMEOUT": "5",
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("telegram-polling"), model_path, env) as stack:
        yield stack


def test_the_webhook_is_deleted_before_polling_starts(assistant, telegram_api):
    telegram_api.wait_for("getUpdates")
    methods = [call.method for call in telegram_api.calls]
    assert "deleteWebhook" in methods
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    first = telegram_api.calls_to("getUpdates")[0]
    assert first.args["timeout"] == 5
    assert first.args["allowed_updates"] == ["message", "callback_query"]


def test_a_polled_conversation_with_a_button(assistant, telegram_api):
    chat_id = 880001
    telegram_api.push_update(message_update(chat_id, "/start"))
    (greeting,) = telegram_api.wait_for("sendMessage", where=lambda c: c.args["chat_id"] == chat_id)
    assert greeting.args["reply_markup"]["inline_keyboard"][0][0]["text"] == "Track my order"

    telegram_api.push_update(callback_update(chat_id, "/check_order", message=greeting.result))
    replies = telegram_api.wait_for("sendMessage", count=2, where=lambda c: c.args["chat_id"] == chat_id)
    assert "order number" in replies[1].args["text"].lower()
    telegram_api.push_update(message_update(chat_id, "100234", message_id=2))
    telegram_api.wait_for("sendMessage", count=3, where=lambda c: c.args["chat_id"] == chat_id)
    telegram_api.push_update(message_update(chat_id, "alice@example.com", message_id=3))
    answer = telegram_api.wait_for("sendMessage", count=4, where=lambda c: c.args["chat_id"] == chat_id)[3]
    assert "1Z999AA10123456784" in answer.args["text"]

    texts = [e["text"] for e in user_events(assistant.rasa_url, f"telegram:{chat_id}")]
    assert texts == ["/greet", "/check_order", "100234", "alice@example.com"]
    # Each getUpdates after a batch confirms it with offset = last update_id + 1.
    offsets = [c.args.get("offset") or 0 for c in telegram_api.calls_to("getUpdates")]
    assert offsets == sorted(offsets) and offsets[-1] > 0


def test_a_repeated_update_is_handled_once(assistant, telegram_api):
    chat_id = 880002
    update = message_update(chat_id, "where is my order?", update_id=next_update_id())
    telegram_api.push_update(update)
    telegram_api.wait_for("sendMessage", where=lambda c: c.args["chat_id"] == chat_id)
    telegram_api.push_update(update)  # e.g. re-delivered after a lost confirmation
    telegram_api.push_update(message_update(chat_id, "100234", message_id=2))
    telegram_api.wait_for("sendMessage", count=2, where=lambda c: c.args["chat_id"] == chat_id)
    wait_until(lambda: len(user_events(assistant.rasa_url, f"telegram:{chat_id}")) == 2, what="two turns")
    assert [e["text"] for e in user_events(assistant.rasa_url, f"telegram:{chat_id}")] == [
        "where is my order?",
        "100234",
    ]


def test_polling_stops_cleanly_with_the_server(assistant, telegram_api):
    """Last in this module: it stops the server."""
    (rasa,) = [process for process in assistant.processes if process.name == "rasa"]
    polls_before_stop = len(telegram_api.calls_to("getUpdates"))
    assistant.stop_process("rasa")
    assert rasa.returncode == 0
    log = log_text(assistant)
    assert "telegram: polling stopped" in log
    assert "Traceback" not in log
    # The final getUpdates confirms the last update handled, so a restart doesn't repeat it.
    last = telegram_api.calls_to("getUpdates")[-1]
    assert len(telegram_api.calls_to("getUpdates")) > polls_before_stop
    assert last.args["timeout"] == 0 and last.args["limit"] == 1
