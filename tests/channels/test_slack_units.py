"""Slack conversions and the output channel against the mock Web API (no assistant needed)."""

from __future__ import annotations

import logging

import pytest

from bot.settings import ConfigError
from channels import slack
from channels.common import PayloadTable
from channels.slack import convert as fmt
from tests.mocks.slack_api import FAKE_BOT_TOKEN

ENV_KEYS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")


@pytest.fixture
def slack_env(monkeypatch):
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_not_configured_means_disabled(slack_env):
    assert slack.SlackConfig.from_env() is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
    ],
)
def test_half_a_configuration_names_the_missing_variable(slack_env, env, named):
    for key, value in env.items():
        slack_env.setenv(key, value)
    with pytest.raises(ConfigError, match=named):
        slack.SlackConfig.from_env()


def test_configuration_from_the_environment(slack_env):
    slack_env.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    slack_env.setenv("SLACK_SIGNING_SECRET", "secret")
    slack_env.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    config = slack.SlackConfig.from_env()
    assert config == slack.SlackConfig("xoxb-1", "secret", None, "http://127.0.0.1:9/api/")
    assert not config.socket_mode
    slack_env.setenv("SLACK_APP_TOKEN", "xapp-1")
    slack_env.delenv("SLACK_SIGNING_SECRET")
    assert slack.SlackConfig.from_env().socket_mode


def test_sender_ids_round_trip():
    assert fmt.sender_id_for("T1", "D1") == "slack:T1:D1"
    assert fmt.parse_sender_id("slack:T1:D1") == ("T1", "D1", None)
    sid = fmt.sender_id_for("T1", "C1", "1700000000.000100")
    assert fmt.parse_sender_id(sid) == ("T1", "C1", "1700000000.000100")
    for bad in ("telegram:42", "slack:T1", "slack::C1", "rest-user"):
        with pytest.raises(ValueError):
            fmt.parse_sender_id(bad)


def test_escaping_and_mentions():
    assert fmt.escape_mrkdwn("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert fmt.strip_mention("<@UBOT> where is my order?", "UBOT") == "where is my order?"
    assert fmt.strip_mention("hey <@UBOT|support> help <@U2>", "UBOT") == "hey help <@U2>"
    assert fmt.strip_mention("<@UBOT>", "UBOT") == ""
    assert fmt.strip_mention("<@UXYZ> hi", None) == "hi"


def test_slack_formatting_becomes_what_the_customer_typed():
    assert fmt.plain_text("<mailto:alice@example.com|alice@example.com>") == "alice@example.com"
    assert (
        fmt.plain_text("see <https://shop.example.com/orders|shop.example.com/orders>") == "see shop.example.com/orders"
    )
    assert fmt.plain_text("<https://example.com>") == "https://example.com"
    assert fmt.plain_text("ask <#C123|billing> or <@U42>") == "ask #billing or @U42"
    assert fmt.plain_text("<!here> 5 &lt; 6 &amp;&amp; 7 &gt; 3") == "@here 5 < 6 && 7 > 3"
    assert fmt.plain_text("order 100234, no markup") == "order 100234, no markup"


def test_which_events_are_customer_messages():
    base = {"type": "message", "user": "U1", "text": "hi"}
    assert fmt.is_customer_message(base)
    assert fmt.is_customer_message({**base, "subtype": "file_share"})
    assert not fmt.is_customer_message({**base, "subtype": "message_changed"})
    assert not fmt.is_customer_message({**base, "subtype": "bot_message"})
    assert not fmt.is_customer_message({**base, "bot_id": "B1"})
    assert not fmt.is_customer_message({"type": "message", "text": "no user"})


def test_buttons_become_block_kit():
    buttons = [
        {"title": "Track my order", "payload": "/check_order"},
        {"title": "Open a ticket", "payload": "/open_ticket"},
    ]
    blocks = fmt.button_blocks("Hi &amp; welcome", buttons, PayloadTable())
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Hi &amp; welcome"}}
    assert blocks[1]["type"] == "actions"
    first, second = blocks[1]["elements"]
    assert first == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Track my order", "emoji": True},
        "value": "/check_order",
        "action_id": "rasa_button_0",
    }
    assert second["action_id"] == "rasa_button_1" and second["value"] == "/open_ticket"
    assert blocks[1]["block_id"] == "rasa_buttons_0"


def test_button_blocks_remember_their_conversation():
    conversation = "slack:T1:C1:1700000000.000100"
    (actions,) = fmt.button_blocks("", [{"title": "Yes", "payload": "/affirm"}], PayloadTable(), conversation)
    assert len(actions["block_id"]) <= 255
    assert fmt.conversation_of(actions["block_id"], "C1") == conversation
    assert fmt.conversation_of(actions["block_id"], "C2") is None  # not a block of that channel
    assert fmt.conversation_of("rasa_buttons_0", "C1") is None
    assert fmt.conversation_of("rasa_buttons_0|garbage", "C1") is None


def test_many_buttons_and_long_values_fit_slack_limits():
    table = PayloadTable()
    long_payload = "/inform" + "x" * 2500
    buttons = [{"title": f"Option {n} " + "y" * 80, "payload": f"/p{n}"} for n in range(30)]
    buttons.append({"title": "Long", "payload": long_payload})
    blocks = fmt.button_blocks("", buttons, table)
    assert [b["type"] for b in blocks] == ["actions", "actions"]
    elements = [e for b in blocks for e in b["elements"]]
    assert len(blocks[0]["elements"]) == 25 and len(elements) == 31
    assert len({e["action_id"] for e in elements}) == 31
    assert all(len(e["text"]["text"]) <= 75 and len(e["value"]) <= 2000 for e in elements)
    assert table.decode(elements[-1]["value"]) == long_payload


def test_the_manifest_asks_for_what_the_channel_uses():
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(slack.__file__).parent / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "im:history", "users:read", "users:read.email"} <= scopes
    assert {"channels:history", "groups:history"} <= scopes  # thread replies without a mention
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
    }
    assert manifest["settings"]["event_subscriptions"]["request_url"].endswith("/webhooks/slack/events")
    assert manifest["settings"]["interactivity"]["is_enabled"]
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/webhooks/slack/events")


def test_the_clicked_message_shows_the_choice():
    blocks = fmt.button_blocks("Hi", [{"title": "Track <my> order", "payload": "/check_order"}], PayloadTable())
    updated = fmt.chosen_blocks(blocks, "Track <my> order")
    assert updated[0] == blocks[0]
    assert updated[1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "You chose: Track &lt;my&gt; order"}],
    }


# ---- the output channel against the mock Web API ----


def _output(slack_api):
    from slack_sdk.web.async_client import AsyncWebClient

    return slack.SlackOutput(AsyncWebClient(token="xoxb-test", base_url=slack_api.url), PayloadTable())


async def test_text_goes_to_the_conversation_and_thread(slack_api):
    out = _output(slack_api)
    await out.send_response("slack:T1:DUNIT1", {"text": "Hello <you> & me"})
    await out.send_response("slack:T1:CUNIT1:1700000000.000100", {"text": "In the thread"})
    (dm,) = slack_api.messages_to("DUNIT1")
    assert dm.args["text"] == "Hello &lt;you&gt; &amp; me" and "thread_ts" not in dm.args
    assert dm.token == "xoxb-test"
    (threaded,) = slack_api.messages_to("CUNIT1")
    assert threaded.args["thread_ts"] == "1700000000.000100"


async def test_buttons_are_posted_as_blocks_in_order(slack_api):
    out = _output(slack_api)
    long_text = "\n\n".join("paragraph " * 100 for _ in range(5))  # ~5,000 characters
    await out.send_response("slack:T1:DUNIT2", {"text": long_text, "buttons": [{"title": "Yes", "payload": "/affirm"}]})
    posts = slack_api.messages_to("DUNIT2")
    assert len(posts) == 3  # paragraphs 1-2, 3-4, then 5 with the buttons
    assert all("blocks" not in post.args for post in posts[:-1])
    assert [b["type"] for b in posts[-1].args["blocks"]] == ["section", "actions"]
    assert all(len(p.args["text"]) <= 3000 for p in posts)


async def test_a_failed_delivery_is_logged_and_the_next_reply_still_sent(slack_api, caplog):
    out = _output(slack_api)
    slack_api.fail("chat.postMessage", "channel_not_found", where=lambda c: c.args.get("channel") == "DUNIT3")
    with caplog.at_level(logging.ERROR):
        await out.send_response("slack:T1:DUNIT3", {"text": "first"})
        await out.send_response("slack:T1:DUNIT3", {"text": "second"})
    assert [c.args["text"] for c in slack_api.messages_to("DUNIT3")] == ["first", "second"]
    assert "slack: could not deliver a reply to slack:T1:DUNIT3" in caplog.text
    assert "channel_not_found" in caplog.text


async def test_the_registry_reaches_a_conversation_through_the_running_channel(slack_api, slack_env):
    from bot.app import build_registry
    from bot.intake import Intake
    from bot.outbound import DeliveryError
    from bot.settings import Settings

    slack_env.setenv("SLACK_BOT_TOKEN", FAKE_BOT_TOKEN)
    slack_env.setenv("SLACK_SIGNING_SECRET", "secret")
    slack_env.setenv("SLACK_API_URL", slack_api.url)
    channel = slack.SlackInput(slack.SlackConfig.from_env(), Intake(Settings().security), delivery_retries=0)
    outbound = build_registry([channel]).outbound_for("slack")
    assert outbound is channel.get_output_channel()
    with pytest.raises(DeliveryError):  # a sender id of another channel
        await outbound.deliver("telegram:42", {"text": "x"}, strict=True)
    await outbound.deliver("slack:T1:DUNIT4", {"text": "An agent will be with you shortly."}, strict=True)
    assert slack_api.messages_to("DUNIT4")[0].args["text"] == "An agent will be with you shortly."
    slack_api.fail("chat.postMessage", "channel_not_found", times=2)
    with pytest.raises(DeliveryError, match="channel_not_found"):
        await outbound.deliver("slack:T1:DUNIT4", {"text": "Still there?"}, strict=True)
    await outbound.deliver("slack:T1:DUNIT4", {"text": "Still there?"})  # lenient: logged, not raised


async def test_user_lookups_are_cached_and_failures_tolerated(slack_api):
    from slack_sdk.web.async_client import AsyncWebClient

    users = slack.SlackUsers(AsyncWebClient(token="xoxb-test", base_url=slack_api.url))
    assert await users.lookup("UCACHE1") == ("Customer UCACHE1", "ucache1@example.com")
    assert await users.lookup("UCACHE1") == ("Customer UCACHE1", "ucache1@example.com")
    assert len(slack_api.calls_to("users.info", lambda c: c.args.get("user") == "UCACHE1")) == 1
    slack_api.fail("users.info", "missing_scope", where=lambda c: c.args.get("user") == "UCACHE2")
    assert await users.lookup("UCACHE2") == (None, None)


def test_plain_rasa_run_can_load_the_channel_from_credentials_yml(slack_env):
    from rasa.core.run import _create_single_channel

    slack_env.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    slack_env.setenv("SLACK_SIGNING_SECRET", "secret")
    channel = _create_single_channel("channels.slack.SlackInput", None)
    assert isinstance(channel, slack.SlackInput) and channel.name() == "slack"
    assert isinstance(channel.get_output_channel(), slack.SlackOutput)
