"""The web widget channel's conversions and configuration, without a server."""

from __future__ import annotations

import logging

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from channels import webchat
from channels.webchat import messages as wm
from channels.webchat import transport as webchat_transport


def test_text_and_buttons_use_rasa_socketio_shapes():
    message = {
        "text": "Pick one",
        "buttons": [
            {"title": "Track", "payload": "/check_order"},
            {"title": "Docs", "payload": "", "url": "https://x.io", "type": "web_url"},
        ],
        "timestamp": 10.5,
    }
    assert wm.socket_payloads(message) == [
        {
            "text": "Pick one",
            "quick_replies": [
                {"content_type": "text", "title": "Track", "payload": "/check_order"},
                {"content_type": "text", "title": "Docs", "payload": "", "url": "https://x.io", "type": "web_url"},
            ],
        }
    ]
    assert wm.socket_payloads({"text": "Hello"}) == [{"text": "Hello"}]


def test_image_attachment_custom_and_elements():
    payloads = wm.socket_payloads(
        {
            "text": "Look",
            "image": "https://x.io/a.png",
            "custom": {"data": {"kind": "card"}},
            "elements": [{"title": "e"}],
        }
    )
    assert payloads == [
        {"text": "Look"},
        {"kind": "card"},
        {"attachment": {"type": "image", "payload": {"src": "https://x.io/a.png"}}},
        {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": {"title": "e"}}}},
    ]
    # BotUttered.message() carries the event's metadata keys and None placeholders: not payloads.
    assert wm.socket_payloads({"text": None, "attachment": None, "image": None, "agent": "x"}) == []


def test_message_ids_come_from_the_event_timestamp():
    assert wm.message_meta({"timestamp": 1700000000.1234567}, 1) == {
        "id": "b-1700000000.123457-1",
        "ts": 1700000000.1234567,
    }
    fresh = wm.message_meta({}, 0)
    assert fresh["id"].startswith("b-") and fresh["ts"] > 0


def test_an_agents_message_carries_their_name_live_and_in_the_history():
    by_ann = BotUttered("Hi, Ann here.", metadata={"agent": {"id": 3, "name": "Ann"}}, timestamp=200.0)
    by_bot = BotUttered("Ann has joined.", metadata={"handoff_system": True}, timestamp=199.0)
    assert wm.message_meta(by_ann.message(), 0) == {"id": "b-200.000000-0", "ts": 200.0, "agent": "Ann"}
    assert "agent" not in wm.message_meta(by_bot.message(), 0)
    entries = wm.history_entries([by_bot, by_ann])
    assert [e.get("agent") for e in entries] == [None, "Ann"]


def _conversation():
    hi = UserUttered("hi", input_channel="webchat", message_id="m-hi-00001", timestamp=100.0)
    greet = BotUttered(
        "Hello!", data={"buttons": [{"title": "Track my order", "payload": "/check_order"}]}, timestamp=101.0
    )
    click = UserUttered(
        "/check_order",
        input_channel="webchat",
        message_id="m-click-0001",
        metadata={"webchat": {"display_text": "Track my order"}},
        timestamp=110.0,
    )
    ask = BotUttered("Your order number?", timestamp=111.0)
    return [ActionExecuted("action_listen", timestamp=99.0), hi, greet, SlotSet("x", 1, timestamp=105.0), click, ask]


def test_history_has_user_and_bot_messages_with_live_ids():
    entries = wm.history_entries(_conversation())
    assert [(e["from"], e["message"].get("text")) for e in entries] == [
        ("user", "hi"),
        ("bot", "Hello!"),
        ("user", "Track my order"),
        ("bot", "Your order number?"),
    ]
    assert entries[0]["id"] == "m-hi-00001"
    live_id = wm.message_meta(_conversation()[2].message(), 0)["id"]
    assert entries[1]["id"] == live_id
    assert entries[1]["message"]["quick_replies"][0]["title"] == "Track my order"


def test_history_since_keeps_a_small_overlap():
    entries = wm.history_entries(_conversation(), since=111.0)
    assert [e["ts"] for e in entries] == [110.0, 111.0]  # two seconds of overlap, dropped by id client-side
    assert wm.history_entries(_conversation(), since=200.0) == []


def test_history_is_capped():
    events = [BotUttered(f"m{i}", timestamp=float(i)) for i in range(wm.HISTORY_LIMIT + 20)]
    entries = wm.history_entries(events)
    assert len(entries) == wm.HISTORY_LIMIT
    assert entries[-1]["message"]["text"] == f"m{wm.HISTORY_LIMIT + 19}"


def test_sessions_of_other_channels_are_recognised():
    assert wm.foreign_channel(_conversation()) is None
    assert wm.foreign_channel([UserUttered("hi", input_channel="slack")]) == "slack"
    assert wm.foreign_channel([UserUttered("hi", input_channel="rest")]) == "rest"


@pytest.mark.parametrize(
    "value, valid",
    [("a" * 32, True), ("3f2a" * 4, True), ("short", False), ("../../etc/passwd", False), (None, False), (123, False)],
)
def test_session_id_validation(value, valid):
    assert (wm.valid_session_id(value) is not None) is valid


def test_metadata_shape_and_sanitising():
    client = wm.client_metadata(
        {
            "customData": '{"customer": {"name": " Alice ", "email": "alice@example.com"}, "webchat": {"page_url": "https://s.io/p"}}'
        }
    )
    metadata = wm.user_metadata("s" * 32, wm.customer_profile(client), wm.page_info(client), "UA/1.0", "Track my order")
    assert metadata == {
        "customer": {
            "channel": "webchat",
            "id": "s" * 32,
            "name": "Alice",
            "email": "alice@example.com",
            "email_verified": False,  # whatever the embedding page says
        },
        "webchat": {
            "page_url": "https://s.io/p",
            "page_title": None,
            "language": None,
            "user_agent": "UA/1.0",
            "display_text": "Track my order",
        },
    }
    bad = {"customer": {"name": 5, "email": "nope"}, "webchat": {"page_url": "javascript:alert(1)"}}
    assert wm.customer_profile(bad) == {"name": None, "email": None}
    assert wm.page_info(bad)["page_url"] is None
    assert wm.client_metadata({"metadata": "not json"}) == {}


def test_configuration_from_the_environment(monkeypatch):
    from bot.intake import Intake
    from bot.settings import Settings

    intake = Intake(Settings().security)
    assert isinstance(webchat.build(Settings(), intake), webchat.WebchatInput)
    assert webchat.WebchatConfig.from_env().cors_origins == ()  # default: only the server's own pages
    monkeypatch.setenv("WEBCHAT_ENABLED", "false")
    assert webchat.build(Settings(), intake) is None
    monkeypatch.setenv("WEBCHAT_ENABLED", "true")
    monkeypatch.setenv("WEBCHAT_CORS_ORIGINS", "https://shop.example.com, https://www.example.com")
    assert webchat.WebchatConfig.from_env().cors_origins == ["https://shop.example.com", "https://www.example.com"]
    monkeypatch.setenv("WEBCHAT_CORS_ORIGINS", "shop.example.com")
    from bot.settings import ConfigError

    with pytest.raises(ConfigError, match="WEBCHAT_CORS_ORIGINS"):
        webchat.WebchatConfig.from_env()


def test_origin_checker_accepts_listed_and_own_origins(monkeypatch):
    from bot.settings import Settings

    monkeypatch.setenv("PUBLIC_URL", "https://chat.example.com")
    own = webchat.own_origins(Settings())
    allowed = webchat_transport.origin_checker(["https://shop.example.com", *own])
    environ = {"HTTP_HOST": "chat.example.com", "wsgi.url_scheme": "http"}
    assert allowed("https://shop.example.com", environ)
    assert allowed("https://chat.example.com", environ)
    assert not allowed("https://evil.example.net", environ)
    # Headers a client chooses never widen the list (they used to: X-Forwarded-Host/-Proto).
    forged = {"HTTP_HOST": "evil.example.net", "HTTP_X_FORWARDED_HOST": "evil.example.net"}
    assert not allowed("https://evil.example.net", forged)
    assert not allowed("http://chat.example.com", environ)


async def test_a_failed_delivery_is_logged_and_the_rest_still_go_out(caplog):
    sent = []

    async def flaky_emit(event, data, room):
        if data.get("text") == "first":
            raise ConnectionError("redis went away")
        sent.append((event, data, room))

    output = webchat.WebchatOutput(flaky_emit)
    with caplog.at_level(logging.ERROR):
        await output.send_text_message("session-1", "first")
        await output.send_text_message("session-1", "second")
    assert [data["text"] for _, data, _ in sent] == ["second"]
    assert "could not deliver bot message" in caplog.text and "session-1" in caplog.text


async def test_the_registry_reaches_a_session_through_the_running_channel():
    from bot.app import build_registry
    from bot.intake import Intake
    from bot.outbound import DeliveryError
    from bot.settings import Settings

    settings = Settings()
    channel = webchat.build(settings, Intake(settings.security))
    registry = build_registry([channel])
    emitted = []

    async def emit(event, data, room=None, **_):
        emitted.append((event, data, room))

    channel.sio.emit = emit
    await registry.outbound_for("webchat").deliver("session-1", {"text": "Hello from an agent"}, strict=True)
    [(event, payload, room)] = emitted
    assert (event, room, payload["text"]) == ("bot_uttered", "session-1", "Hello from an agent")
    assert set(payload["metadata"]) == {"id", "ts"}
    # A platform this server does not run is "unavailable", never a silent success.
    with pytest.raises(DeliveryError, match="Slack is not configured"):
        await registry.outbound_for("slack").deliver("slack:T1:D1", {"text": "x"}, strict=True)


async def test_every_message_taken_up_says_typing_even_while_an_earlier_one_finishes():
    """A second tab's message arriving while the first tab's is still being finished: both tabs
    see `typing: true` for it, and `false` only once neither is left (a client waiting for its
    own message's `true` used to wait forever)."""
    from bot.intake import Intake
    from bot.settings import Settings

    settings = Settings()
    channel = webchat.build(settings, Intake(settings.security))
    emitted = []

    async def emit(event, data, room=None, to=None, **_):
        emitted.append((event, data))

    channel.sio.emit = emit
    await channel._typing("s-1", +1)  # the first tab's message
    await channel._typing("s-1", +1)  # the second tab's, before the first is done
    await channel._typing("s-1", -1)
    await channel._typing("s-1", -1)
    assert [data["typing"] for event, data in emitted if event == "typing"] == [True, True, False]
