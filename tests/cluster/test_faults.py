"""Faults on the two-server cluster (docs/RELIABILITY.md lists each with its result): the
action server killed, PostgreSQL connections dropped, Redis lost and back, a Rasa server
killed. Each test leaves the cluster as it found it, except the last (a server stays down)."""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.channels.support import tracker
from tests.cluster.harness import PG_URL
from tests.conftest import Chat

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.postgres]


def _post(url: str, sender: str, message: str) -> requests.Response:
    return requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)


def _texts(response: requests.Response) -> str:
    return " ".join(r.get("text") or "" for r in response.json())


def _user_texts(url: str, sender: str) -> list:
    return [e["text"] for e in tracker(url, f"rest:{sender}")["events"] if e["event"] == "user"]


def test_action_server_killed_mid_conversation(cluster):
    a, b = cluster.rasa_urls
    chat = Chat(a)
    assert "order number" in chat.text("where is my order?").lower()
    cluster.kill("actions")
    try:
        started = time.monotonic()
        answer = Chat(b, sender=chat.sender).text("100234")  # the next message lands on the other server
        elapsed = time.monotonic() - started
        assert "having trouble reaching our order and ticket system" in answer
        assert "[Talk to a person]" in answer  # a way forward
        assert elapsed < 2.0, f"the apology took {elapsed:.1f} s"
    finally:
        cluster.start_actions()
    # Back: the same conversation carries on (the number already given may be remembered).
    asked = chat.text("where is my order?").lower()
    if "order number" in asked:
        asked = chat.text("100234").lower()
    assert "email" in asked
    assert "1Z999AA10123456784" in chat.text("alice@example.com")


def test_postgresql_connections_dropped(cluster):
    a, b = cluster.rasa_urls
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    assert _post(a, sender, "hi").status_code == 200
    assert _post(b, sender, "where is my order?").status_code == 200
    admin = create_engine(PG_URL, future=True)
    try:
        with admin.begin() as conn:
            ended = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": parse_qs(urlparse(cluster.settings.app_database_url).query)["application_name"][0]},
            ).scalar()
    finally:
        admin.dispose()
    assert ended > 0  # both servers and the action server held connections
    # Recovery without a restart: every message is answered, or refused with a clear error that
    # says to retry (503, Retry-After) and then answered; nothing is half-kept.
    sent = []
    for index, message in enumerate(["100234", "alice@example.com", "thanks"]):
        url = (a, b)[index % 2]
        response = _post(url, sender, message)
        if response.status_code == 503:
            assert response.headers.get("Retry-After") and "try again" in response.json()["error"]
            response = _post(url, sender, message)
        assert response.status_code == 200, response.text
        sent.append(message)
        if message == "alice@example.com":
            assert "1Z999AA10123456784" in _texts(response)
    assert _user_texts(a, sender) == ["hi", "where is my order?", *sent]


def test_redis_lost_and_back(cluster):
    a, b = cluster.rasa_urls
    sender = f"redis-{uuid.uuid4().hex[:8]}"
    assert _post(a, sender, "hi").status_code == 200
    cluster.redis.stop()
    try:
        for url in (a, b):
            started = time.monotonic()
            response = _post(url, sender, "where is my order?")
            assert time.monotonic() - started < 15
            # Without the lock store no server may process the conversation: a clear, retryable error.
            assert response.status_code == 503, response.text
            assert response.headers.get("Retry-After")
            body = response.json()
            assert body["code"] == "temporarily_unavailable" and "try again" in body["error"]
            assert "Traceback" not in response.text
    finally:
        cluster.redis.start()
    # Locks work again as soon as Redis is back, on both servers, with nothing kept from the outage.
    deadline = time.monotonic() + 20
    while True:
        response = _post(b, sender, "where is my order?")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert response.status_code == 200 and "order number" in _texts(response).lower()
    assert "email" in _texts(_post(a, sender, "100234")).lower()
    assert _user_texts(a, sender) == ["hi", "where is my order?", "100234"]


def test_a_rasa_server_killed_its_conversations_continue_on_the_other(cluster):
    """Last in the package: the killed server stays down."""
    a, b = cluster.rasa_urls
    chat = Chat(a)
    assert "order number" in chat.text("where is my order?").lower()
    assert "email" in chat.text("100234").lower()
    cluster.kill(cluster.rasa_name(0))
    with pytest.raises(requests.ConnectionError):
        _post(a, chat.sender, "alice@example.com")
    # The load balancer sends the customer to B, which has the whole conversation (form state too).
    moved = Chat(b, sender=chat.sender)
    assert "1Z999AA10123456784" in moved.text("alice@example.com")
    assert _user_texts(b, chat.sender) == ["where is my order?", "100234", "alice@example.com"]
