"""Telegram conversions and the output channel against the mock Bot API (no assistant needed)."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.settings import ConfigError
from channels import telegram as tg
from channels.common import PayloadTable
from channels.telegram import convert as fmt
from tests.mocks.telegram_api import callback_update, message_update, user

ENV_KEYS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_MODE",
    "TELEGRAM_API_URL",
    "TELEGRAM_POLL_TIMEOUT",
)


@pytest.fixture
def telegram_env(monkeypatch):
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_not_configured_means_disabled(telegram_env):
    assert tg.TelegramConfig.from_env() is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TELEGRAM_BOT_TOKEN": "1:a"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "s"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_MODE": "push"}, "TELEGRAM_MODE"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_SECRET": "no spaces allowed"}, "TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_half_a_configuration_names_the_variable(telegram_env, env, named):
    for key, value in env.items():
        telegram_env.setenv(key, value)
    with pytest.raises(ConfigError, match=named):
        tg.TelegramConfig.from_env()


def test_polling_needs_no_webhook_secret(telegram_env):
    telegram_env.setenv("TELEGRAM_BOT_TOKEN", "1:a")
    telegram_env.setenv("TELEGRAM_MODE", "polling")
    telegram_env.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9/")
    config = tg.TelegramConfig.from_env()
    assert config.polling and config.webhook_secret is None
    assert tg.make_bot(config).base_url == "http://127.0.0.1:9/bot1:a"


def test_sender_ids_round_trip():
    assert fmt.sender_id_for(42) == "telegram:42"
    assert fmt.parse_sender_id("telegram:-1001234") == -1001234
    for bad in ("slack:T1:D1", "telegram:", "telegram:abc", "42"):
        with pytest.raises(ValueError):
            fmt.parse_sender_id(bad)


def test_commands_become_intents():
    assert fmt.command_text("/start") == "/greet"
    assert fmt.command_text("/start@demo_shop_bot") == "/greet"
    assert fmt.command_text("/start order-100234") == "/greet"
    assert fmt.command_text("/help") == "/capabilities"
    assert fmt.command_text("where is my order?") == "where is my order?"
    assert fmt.command_text("/check_order") == "/check_order"


def test_a_message_update_becomes_a_user_message_with_identity():
    update = Update.de_json(message_update(42, "hi", sender=user(42, "Alice", "Smith", "alice"), message_id=7), None)
    inbound = fmt.message_inbound(update)
    assert inbound.sender_id == "telegram:42"
    assert inbound.text == "hi"
    assert inbound.metadata["customer"] == {
        "channel": "telegram",
        "id": "42",
        "name": "Alice Smith",
        "email": None,
        "email_verified": False,
    }
    assert inbound.metadata["telegram"]["chat_id"] == 42
    assert inbound.metadata["telegram"]["message_id"] == 7
    assert inbound.metadata["telegram"]["username"] == "alice"


def test_updates_without_text_are_not_messages():
    sticker = message_update(42, "hi")
    del sticker["message"]["text"]
    assert fmt.message_inbound(Update.de_json(sticker, None)) is None
    from_bot = message_update(42, "hi", sender={"id": 9, "is_bot": True, "first_name": "Other"})
    assert fmt.message_inbound(Update.de_json(from_bot, None)) is None
    edited = {"update_id": 1, "edited_message": message_update(42, "hi")["message"]}
    assert fmt.message_inbound(Update.de_json(edited, None)) is None


def test_buttons_become_an_inline_keyboard_within_64_bytes():
    table = PayloadTable()
    long_payload = '/inform{"email": "a.very.long.email.address.for.testing@example.com"}'
    markup = fmt.keyboard(
        [{"title": "Track my order", "payload": "/check_order"}, {"title": "Mine", "payload": long_payload}], table
    )
    (first,), (second,) = markup.inline_keyboard
    assert (first.text, first.callback_data) == ("Track my order", "/check_order")
    assert len(second.callback_data.encode()) <= 64
    assert table.decode(second.callback_data) == long_payload


def test_after_a_click_the_keyboard_shows_the_choice():
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Track my order", callback_data="/check_order")],
            [InlineKeyboardButton("No", callback_data="/deny")],
        ]
    )
    chosen = fmt.chosen_keyboard(markup, "/check_order")
    assert [[(b.text, b.callback_data) for b in row] for row in chosen.inline_keyboard] == [
        [("✓ Track my order", fmt.CHOSEN)]
    ]
    assert fmt.chosen_keyboard(None, "/x").inline_keyboard == ()


def test_a_callback_becomes_the_payload():
    update = Update.de_json(callback_update(42, "/check_order"), None)
    inbound = fmt.callback_inbound(update.callback_query, "/check_order")
    assert inbound.sender_id == "telegram:42" and inbound.text == "/check_order"
    assert inbound.metadata["customer"]["id"] == "42"


# ---- the output channel against the mock Bot API ----


def _output(telegram_api):
    bot = Bot(telegram_api.token, base_url=f"{telegram_api.url}/bot")
    return tg.TelegramOutput(bot, PayloadTable())


async def test_text_is_sent_plain_without_parse_mode(telegram_api):
    out = _output(telegram_api)
    await out.send_response("telegram:7001", {"text": "Order *100234* <b>shipped</b> to a_b@example.com"})
    (sent,) = telegram_api.messages_to(7001)
    assert sent.args["text"] == "Order *100234* <b>shipped</b> to a_b@example.com"
    assert "parse_mode" not in sent.args


async def test_long_text_is_split_and_buttons_go_on_the_last_part(telegram_api):
    out = _output(telegram_api)
    paragraphs = [f"Paragraph {n}: " + "lorem ipsum " * 60 for n in range(8)]  # ~5,900 characters
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    await out.send_response("telegram:7002", {"text": "\n\n".join(paragraphs), "buttons": buttons})
    sent = telegram_api.messages_to(7002)
    assert len(sent) == 2
    assert all(len(call.args["text"]) <= 4096 for call in sent)
    assert sent[0].args["text"].startswith("Paragraph 0") and sent[1].args["text"].startswith("Paragraph ")
    assert "reply_markup" not in sent[0].args
    assert sent[1].args["reply_markup"] == {"inline_keyboard": [[{"text": "Yes", "callback_data": "/affirm"}]]}


async def test_a_failed_delivery_is_logged_and_the_next_reply_still_sent(telegram_api, caplog):
    out = _output(telegram_api)
    telegram_api.fail(
        "sendMessage",
        "Forbidden: bot was blocked by the user",
        error_code=403,
        where=lambda c: c.args["chat_id"] == 7003,
    )
    with caplog.at_level(logging.ERROR):
        await out.send_response("telegram:7003", {"text": "first"})
        await out.send_response("telegram:7003", {"text": "second"})
    assert [c.args["text"] for c in telegram_api.messages_to(7003)] == ["first", "second"]
    assert "telegram: could not deliver a reply to telegram:7003" in caplog.text
    assert "blocked by the user" in caplog.text


async def test_the_registry_reaches_a_chat_through_the_running_channel(telegram_api, telegram_env):
    from bot.app import build_registry
    from bot.intake import Intake
    from bot.outbound import DeliveryError
    from bot.settings import Settings

    telegram_env.setenv("TELEGRAM_BOT_TOKEN", telegram_api.token)
    telegram_env.setenv("TELEGRAM_WEBHOOK_SECRET", "secret")
    telegram_env.setenv("TELEGRAM_API_URL", telegram_api.url)
    channel = tg.TelegramInput(tg.TelegramConfig.from_env(), Intake(Settings().security))
    outbound = build_registry([channel]).outbound_for("telegram")
    assert outbound is channel.get_output_channel()
    with pytest.raises(DeliveryError):  # a sender id of another channel
        await outbound.deliver("slack:T1:D1", {"text": "x"}, strict=True)
    await outbound.deliver("telegram:7004", {"text": "An agent will be with you shortly."}, strict=True)
    assert telegram_api.messages_to(7004)[0].args["text"] == "An agent will be with you shortly."
    telegram_api.fail("sendMessage", "Forbidden: bot was blocked by the user", error_code=403, times=2)
    with pytest.raises(DeliveryError, match="blocked"):
        await outbound.deliver("telegram:7004", {"text": "Still there?"}, strict=True)
    await outbound.deliver("telegram:7004", {"text": "Still there?"})  # lenient: logged, not raised


def test_set_webhook_command(telegram_api, telegram_env, capsys):
    telegram_env.setenv("TELEGRAM_BOT_TOKEN", telegram_api.token)
    telegram_env.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret")
    telegram_env.setenv("TELEGRAM_API_URL", telegram_api.url)
    telegram_env.setenv("PUBLIC_URL", "https://support.example.com/")
    from channels.telegram.webhook_cli import main

    assert main(["set-webhook"]) == 0
    call = telegram_api.calls_to("setWebhook")[-1]
    assert call.args["url"] == "https://support.example.com/webhooks/telegram/webhook"
    assert call.args["secret_token"] == "s3cret"
    assert call.args["allowed_updates"] == ["message", "callback_query"]
    assert "support.example.com" in capsys.readouterr().out


def test_plain_rasa_run_can_load_the_channel_from_credentials_yml(telegram_env):
    from rasa.core.run import _create_single_channel

    telegram_env.setenv("TELEGRAM_BOT_TOKEN", "1:a")
    telegram_env.setenv("TELEGRAM_MODE", "polling")
    channel = _create_single_channel("channels.telegram.TelegramInput", None)
    assert isinstance(channel, tg.TelegramInput) and channel.name() == "telegram"
    assert isinstance(channel.get_output_channel(), tg.TelegramOutput)


async def test_an_update_that_cannot_be_converted_is_dropped(telegram_env, caplog, monkeypatch):
    telegram_env.setenv("TELEGRAM_BOT_TOKEN", "1:a")
    telegram_env.setenv("TELEGRAM_MODE", "polling")
    from bot.intake import Intake
    from bot.settings import Settings

    channel = tg.TelegramInput(tg.TelegramConfig.from_env(), Intake(Settings().security))

    def broken(update):
        raise KeyError("chat")

    monkeypatch.setattr("channels.telegram.input.message_inbound", broken)
    with caplog.at_level(logging.ERROR):
        channel.accept(Update.de_json(message_update(42, "hi"), None))
    assert "could not handle update" in caplog.text
    assert channel.tasks.pending == 0
