"""The web widget's Socket.IO protocol against a real running assistant (Rasa + action server)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest
import socketio

from tests.channels.webchat_client import WidgetClient

pytestmark = [pytest.mark.e2e, pytest.mark.model]

REDIS_URL = os.environ.get("SOCKETIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    """One running assistant for the module; every test uses its own session ids."""
    from bot import settings as settings_module
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from tests.conftest import free_port

    var = tmp_path_factory.mktemp("webchat-var")
    # The shop that embeds the widget (cross-origin tests); the server's own pages need nothing.
    env = {"VAR_DIR": str(var), "WEBCHAT_CORS_ORIGINS": "https://shop.example.com"}
    os.environ.update(env)
    try:
        settings = dataclasses.replace(settings_module.load(), port=free_port(), actions_port=free_port())
    finally:
        for key in env:
            os.environ.pop(key)
    db.configure(settings.app_database_url)
    ensure_seeded()
    with Stack(settings, model_path, env=env, log_dir=var / "logs") as stack:
        yield stack


@pytest.fixture
async def clients(assistant):
    opened = []

    def open_client() -> WidgetClient:
        client = WidgetClient(assistant.rasa_url)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()


def tracker(stack, sender: str) -> dict:
    from tests.conftest import api_url

    with urllib.request.urlopen(api_url(stack.rasa_url, f"/conversations/{sender}/tracker"), timeout=10) as response:
        return json.loads(response.read())


def http(url: str, headers: dict = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


async def test_session_request_is_confirmed_with_a_new_session_id(clients):
    client = clients()
    session_id = await client.connect()
    assert len(session_id) == 32 and int(session_id, 16) >= 0
    assert client.history == {"session_id": session_id, "messages": []}


async def test_order_lookup_over_the_socket(clients):
    client = clients()
    await client.connect()
    assert "order number" in (await client.say("where is my order?")).text.lower()
    assert "email" in (await client.say("100234")).text.lower()
    answer = await client.say("alice@example.com")
    assert "1Z999AA10123456784" in answer.text
    # The order card: the widget draws it; other clients read its text and the link button.
    # (in the message's metadata: Rasa-protocol clients tell a message's kind by its keys)
    (card,) = [meta["order_card"] for payload, meta in answer.replies if "order_card" in meta]
    assert (card["number"], card["status"], card["carrier"]) == ("100234", "shipped", "UPS")
    assert answer.quick_replies == [
        {"content_type": "text", "title": "Track parcel", "payload": "", "url": card["tracking_url"], "type": "web_url"}
    ]
    assert all(set(payload) <= {"text", "quick_replies"} for payload, _ in answer.replies)
    assert card["tracking_url"].startswith("https://") and card["tracking_url"] not in answer.text
    # Every bot message carries a stable id and the server time, in order.
    stamps = [meta["ts"] for _, meta in client.bot_messages]
    assert stamps == sorted(stamps)
    assert len({meta["id"] for _, meta in client.bot_messages}) == len(client.bot_messages)


async def test_buttons_arrive_as_rasa_socketio_quick_replies(clients):
    client = clients()
    await client.connect()
    greeting = await client.say("hi")
    payload = next(payload for payload, _ in greeting.replies if "quick_replies" in payload)
    # Exactly the keys of Rasa's socketio channel: rasa-webchat picks its renderer by them.
    assert set(payload) == {"text", "quick_replies"}
    assert {"content_type": "text", "title": "Track my order", "payload": "/check_order"} in payload["quick_replies"]
    clicked = await client.say("/check_order", display_text="Track my order")
    assert "order number" in clicked.text.lower()


async def test_history_is_restored_for_a_resumed_session(clients):
    first = clients()
    session_id = await first.connect()
    await first.say("hi")
    await first.say("/check_order", display_text="Track my order")
    await first.close()

    again = clients()
    assert await again.connect(session_id=session_id) == session_id
    messages = again.history["messages"]
    users = [m["message"]["text"] for m in messages if m["from"] == "user"]
    assert users == ["hi", "Track my order"]  # a button click shows as its title, not "/check_order"
    bots = [m for m in messages if m["from"] == "bot"]
    assert any("quick_replies" in m["message"] for m in bots)
    assert "order number" in bots[-1]["message"]["text"].lower()
    # The ids are the ones the live messages had, so a client can merge without duplicates.
    assert [m["id"] for m in bots] == [meta["id"] for _, meta in first.bot_messages]


async def test_identity_metadata_reaches_the_tracker(assistant, clients):
    client = clients()
    metadata = {
        "customer": {"name": "Alice Example", "email": "alice@example.com"},
        "webchat": {"page_url": "https://shop.example.com/orders?id=1", "page_title": "Orders", "language": "en-GB"},
    }
    session_id = await client.connect(metadata=metadata)
    await client.say("hi", metadata=metadata)
    events = tracker(assistant, session_id)["events"]
    user_event = next(e for e in events if e["event"] == "user")
    assert user_event["input_channel"] == "webchat"
    meta = user_event["metadata"]
    # Rasa adds model_id / assistant_id next to what the channel sent.
    assert {"customer", "webchat"} <= set(meta)
    address_key = meta["customer"].pop("address_key")  # a keyed hash of the client's address
    assert len(address_key) == 24 and "127.0.0.1" not in address_key
    assert meta["customer"] == {
        "channel": "webchat",
        "id": session_id,
        "name": "Alice Example",
        "email": "alice@example.com",
        "email_verified": False,  # the embedding page's word only
    }
    assert meta["webchat"]["page_url"] == "https://shop.example.com/orders?id=1"
    assert meta["webchat"]["language"] == "en-GB"
    assert isinstance(meta["webchat"]["user_agent"], str)


async def test_missing_or_malformed_identity_becomes_none(assistant, clients):
    client = clients()
    session_id = await client.connect()
    await client.say(
        "hi",
        metadata={"customer": {"name": "", "email": "not-an-email"}, "webchat": {"page_url": "javascript:alert(1)"}},
    )
    meta = next(e for e in tracker(assistant, session_id)["events"] if e["event"] == "user")["metadata"]
    meta["customer"].pop("address_key")
    assert meta["customer"] == {
        "channel": "webchat",
        "id": session_id,
        "name": None,
        "email": None,
        "email_verified": False,
    }
    assert meta["webchat"]["page_url"] is None


async def test_rasa_webchat_style_client_is_served(clients):
    """rasa-webchat: no session id at first, metadata as `customData`, no message ids."""
    client = clients()
    session_id = await client.connect()
    await client.sio.emit("user_uttered", {"message": "hi", "customData": {"language": "en"}, "session_id": session_id})
    _, (payload, *rest) = await client.next_event("bot_uttered")
    assert "Demo Shop assistant" in payload["text"]


async def test_a_client_written_for_rasas_protocol_gets_one_argument(assistant):
    """A python-socketio client as Rasa's docs write one: `bot_uttered` handled by a one-parameter
    function (a second argument would raise TypeError in it and the reply would be lost)."""
    received: asyncio.Queue = asyncio.Queue()
    sio = socketio.AsyncClient(reconnection=False)

    @sio.on("session_confirm")
    async def confirmed(session_id):
        await sio.emit("user_uttered", {"message": "hi", "session_id": session_id})

    @sio.on("bot_uttered")
    async def uttered(message):
        await received.put(message)

    await sio.connect(assistant.rasa_url, transports=["polling"], wait_timeout=10)
    try:
        await sio.emit("session_request", {"session_id": None})
        message = await asyncio.wait_for(received.get(), 60)
        assert "Demo Shop assistant" in message["text"]
        assert message["metadata"]["id"].startswith("b-") and isinstance(message["metadata"]["ts"], float)
    finally:
        await sio.eio.disconnect(abort=True)  # not the ~25 s wait for the pending long-poll


async def test_a_dropped_connection_gets_what_it_missed(assistant, clients):
    tab = clients()
    session_id = await tab.connect()
    await tab.say("where is my order?")
    seen = max(meta["ts"] for _, meta in tab.bot_messages)

    # The connection drops right after the customer sends: the answer is produced while no
    # socket of this session is connected.
    await tab.sio.emit("user_uttered", {"message": "100234", "session_id": session_id, "message_id": uuid.uuid4().hex})
    await asyncio.sleep(0.2)  # let the polling transport deliver the packet before closing
    await tab.close()

    # The assistant answers although nobody is listening...
    for _ in range(300):
        events = tracker(assistant, session_id)["events"]
        if any(e["event"] == "bot" and "email" in (e.get("text") or "") for e in events):
            break
        await asyncio.sleep(0.2)
    # ...and the customer's other tab finishes the lookup.
    other = clients()
    await other.connect(session_id=session_id)
    await other.say("alice@example.com")
    await other.close()

    back = clients()
    assert await back.connect(session_id=session_id, since=seen) == session_id
    missed = back.history["messages"]
    texts = [m["message"].get("text", "") for m in missed]
    assert "100234" in texts and "alice@example.com" in texts
    assert any("1Z999AA10123456784" in text for text in texts)
    # Nothing from before the drop is sent again except the small overlap window, and the
    # client can drop that by id.
    old_ids = {meta["id"] for _, meta in tab.bot_messages}
    assert all(m["ts"] >= seen - 2.0 for m in missed)
    assert [m for m in missed if m["id"] not in old_ids]


async def test_a_session_of_another_channel_cannot_be_resumed(assistant, clients):
    from tests.channels.support import rasa_api

    # A REST conversation lives under rest:<sender>, which no widget session id can name.
    sender = uuid.uuid4().hex
    body = json.dumps({"sender": sender, "message": "hi"}).encode()
    request = urllib.request.Request(
        f"{assistant.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=60).read()
    client = clients()
    assert await client.connect(session_id=f"rest:{sender}") != f"rest:{sender}"
    other = clients()
    assert await other.connect(session_id=sender) == sender  # a session of its own: nothing of REST's in it
    assert other.history["messages"] == []

    # A conversation of another channel under a widget-shaped id is not resumed either.
    foreign = uuid.uuid4().hex
    # (timestamped after the session start Rasa adds when it creates the tracker, or it is not loaded)
    event = {
        "event": "user",
        "text": "hi",
        "input_channel": "telegram",
        "parse_data": {"intent": {"name": "greet"}},
        "timestamp": time.time() + 5,
    }
    rasa_api(assistant.rasa_url, f"/conversations/{foreign}/tracker/events", [event])
    third = clients()
    assert await third.connect(session_id=foreign) != foreign
    assert third.history["messages"] == []


async def test_malformed_session_ids_get_a_new_session(clients):
    client = clients()
    assert await client.connect(session_id="../../etc/passwd") != "../../etc/passwd"


async def test_websocket_transport_works(assistant):
    """Engine.IO v4 over a raw WebSocket: the transport Sanic 21.12 broke on Python 3.11."""
    import websockets

    url = assistant.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url) as ws:
        opened = json.loads((await asyncio.wait_for(ws.recv(), 10))[1:])
        assert opened["sid"]
        await ws.send("40")
        assert (await asyncio.wait_for(ws.recv(), 10)).startswith("40")
        await ws.send('42["session_request",{"session_id":null}]')
        events = {}
        while "history" not in events:
            frame = await asyncio.wait_for(ws.recv(), 10)
            if frame == "2":  # engine.io ping
                await ws.send("3")
                continue
            name, *args = json.loads(frame[2:])
            events[name] = args
        session_id = events["session_confirm"][0]
        await ws.send("42" + json.dumps(["user_uttered", {"message": "hi", "session_id": session_id}]))
        while True:
            frame = await asyncio.wait_for(ws.recv(), 60)
            if frame.startswith("42") and json.loads(frame[2:])[0] == "bot_uttered":
                (payload,) = json.loads(frame[2:])[1:]  # one argument, as in Rasa's protocol
                assert "Demo Shop assistant" in payload["text"]
                assert payload["metadata"]["id"].startswith("b-")
                break


def test_widget_script_and_demo_page_are_served(assistant):
    status, headers, body = http(f"{assistant.rasa_url}/webchat/widget.js")
    assert status == 200
    assert headers["Content-Type"].startswith("application/javascript")
    assert b"Socket.IO v4" in body and b"support-chat-widget" in body
    status, _, _ = http(f"{assistant.rasa_url}/webchat/widget.js", {"If-None-Match": headers["ETag"]})
    assert status == 304
    status, headers, body = http(f"{assistant.rasa_url}/demo")
    assert status == 200 and b"Demo Shop" in body and b"/webchat/widget.js" in body


def test_socketio_answers_cross_origin_polling_with_one_cors_header(assistant):
    status, headers, _ = http(
        f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling", {"Origin": "https://shop.example.com"}
    )
    assert status == 200
    # Rasa's sanic-cors must not add a second Access-Control-Allow-Origin: browsers reject two.
    assert headers.get_all("Access-Control-Allow-Origin") == ["https://shop.example.com"]


async def test_restricted_origins_and_redis_shared_rooms(stack_factory):
    """WEBCHAT_CORS_ORIGINS limits who may connect; with SOCKETIO_REDIS_URL a message published by
    another process (another Rasa server, the agent desk) reaches a socket connected here."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set SOCKETIO_TEST_REDIS_URL)")
    stack = stack_factory(env={"SOCKETIO_REDIS_URL": REDIS_URL, "WEBCHAT_CORS_ORIGINS": "https://shop.example.com"})
    polling = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    assert http(polling, {"Origin": "https://evil.example.net"})[0] == 400
    status, headers, _ = http(polling, {"Origin": "https://shop.example.com"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert http(polling, {"Origin": stack.rasa_url})[0] == 200  # the server's own pages (/demo)

    client = WidgetClient(stack.rasa_url)
    try:
        session_id = await client.connect()
        from channels.webchat.push import redis_output

        output = redis_output(REDIS_URL)  # from outside the server process, through Redis
        await output.send_text_message(session_id, "Hello from an agent", timestamp=1234.5)
        _, (payload, meta) = await client.next_event("bot_uttered", timeout=10)
        assert payload == {"text": "Hello from an agent"}
        assert meta == {"id": "b-1234.500000-0", "ts": 1234.5}
    finally:
        await client.close()
