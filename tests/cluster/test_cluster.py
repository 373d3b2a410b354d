"""Two Rasa servers on one PostgreSQL and one Redis, as `python -m bot run --servers 2` runs
them: customers and agents must not notice which server they reach."""

from __future__ import annotations

import concurrent.futures
import threading
import types
import uuid

import pytest
import requests
from sqlalchemy import create_engine, inspect

from bot.desk import auth
from tests.channels.support import tracker, wait_until
from tests.channels.test_handoff_channels import WebchatCustomer
from tests.cluster.sse import EventStream
from tests.conftest import Chat
from tests.handoff.desk_client import Desk

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"


def _agent(name: str) -> str:
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.com"
    auth.add_agent(email, name, PASSWORD)
    return email


def _desk(url: str, email: str) -> Desk:
    desk = Desk(url)
    assert desk.login(email, PASSWORD).status_code == 200
    return desk


def test_messages_alternating_between_servers_stay_in_order(cluster):
    a, b = cluster.rasa_urls
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    script = ["hi", "where is my order?", "100234", "alice@example.com", "thanks", "what can you do?"]
    for index, text in enumerate(script):
        replies = Chat((a, b)[index % 2], sender=sender).say(text)
        assert replies, f"no answer to {text!r} on server {index % 2}"
    said = [e["text"] for e in tracker(a, f"rest:{sender}")["events"] if e["event"] == "user"]
    assert said == script  # every message, once, in the order sent
    # Both servers read the same conversation.
    assert [e["text"] for e in tracker(b, f"rest:{sender}")["events"] if e["event"] == "user"] == script
    answers = " ".join(r.get("text") or "" for r in Chat(b, sender=sender).say("where is my order?"))
    assert answers  # the conversation goes on wherever it lands


def test_handoff_through_one_server_is_handled_from_the_other(cluster):
    a, b = cluster.rasa_urls
    email = _agent("Bea")
    desk_b = _desk(b, email)  # the agent's desk is connected to server B
    live_b = EventStream(desk_b.http, f"{desk_b.base}/events")
    customer = WebchatCustomer(types.SimpleNamespace(rasa_url=a), "Wanda")  # the widget, to server A
    try:
        handed = " ".join(m.text for m in customer.say("I want to talk to a person"))
        assert "connecting you" in handed.lower()
        handoff = wait_until(
            lambda: next((h for h in desk_b.queue() if h["sender_id"] == customer.sender_id), None),
            30,
            what="the handoff in the desk on B",
        )
        # A message the customer sends through A reaches the desk on B live.
        customer.say("my parcel never came")
        wait_until(
            lambda: any(e.get("entry", {}).get("text") == "my parcel never came" for e in live_b.of("message")),
            10,
            what="the customer's message as a live update on B",
        )
        assert desk_b.post(f"/handoffs/{handoff['id']}/claim").status_code == 200
        start = len(customer.received())
        sent = desk_b.post(f"/handoffs/{handoff['id']}/messages", {"text": "Hi Wanda, Bea here: checking now."})
        assert sent.status_code == 201
        customer.wait_for(start, lambda m: "Bea here" in m.text, "the agent's reply sent via B", timeout=15)

        # Hand-back through A: the bot answers again.
        desk_a = _desk(a, email)
        assert desk_a.post(f"/handoffs/{handoff['id']}/handback").status_code == 200
        back = " ".join(m.text for m in customer.say("where is my order?"))
        assert "order" in back.lower()
        detail = desk_b.get(f"/handoffs/{handoff['id']}").json()
        assert detail["handoff"]["status"] == "resolved"
    finally:
        live_b.close()
        customer.close()


def test_two_agents_claiming_on_two_servers_at_once_one_wins(cluster):
    a, b = cluster.rasa_urls
    desks = [_desk(a, _agent("Cal")), _desk(b, _agent("Dee"))]
    for round_ in range(3):  # several customers: a race lost once by luck proves little
        chat = Chat((a, b)[round_ % 2])
        assert "connecting you" in chat.text("I want to talk to a person").lower()
        handoff = desks[0].handoff_for(chat.sender_id)
        path, together = f"/handoffs/{handoff['id']}/claim", threading.Barrier(2)

        def claim(desk: Desk, path: str = path, together: threading.Barrier = together):
            together.wait()  # both requests leave at the same moment
            return desk.post(path)

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(claim, desks))
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        winner = "Cal" if responses[0].status_code == 200 else "Dee"
        for desk in desks:  # both servers agree on who owns it
            assert desk.get(f"/handoffs/{handoff['id']}").json()["handoff"]["agent_name"] == winner


def test_the_schema_is_migrated_with_the_tracker_index(cluster):
    engine = create_engine(cluster.settings.app_database_url, future=True)
    try:
        inspector = inspect(engine)
        with engine.connect() as connection:
            from bot.store import migrate

            # the newest migration (tests/store/test_migrations.py checks the path to it)
            assert migrate.current_revision(engine) == migrate.head_revision()
            assert connection.dialect.name == "postgresql"
        indexed = [i["column_names"] for i in inspector.get_indexes("events")]
        assert ["sender_id"] in indexed
    finally:
        engine.dispose()


def test_the_servers_share_rate_limits(cluster):
    """RATE_LIMIT_STORAGE_URL is Redis: a flood spread over both servers is still one flood."""
    a, b = cluster.rasa_urls
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    codes = []
    for index in range(14):  # the default is 10 messages a second per conversation
        response = requests.post(
            f"{(a, b)[index % 2]}/webhooks/rest/webhook", json={"sender": sender, "message": "/greet"}, timeout=60
        )
        codes.append(response.status_code)
        if response.status_code == 429:
            assert response.headers.get("Retry-After")
            break
    assert 429 in codes, codes
