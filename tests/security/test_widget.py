"""The widget never drops a message without a word (docs/SECURITY.md, case 7), refuses what is
too long, and keeps its sessions its own. Raw engine.io polling here, as a hostile client
would speak it (no Socket.IO client library smoothing anything over)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Tuple

import httpx
import pytest

from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    with running_assistant(tmp_path_factory.mktemp("widget"), model_path, {}) as stack:
        yield stack


class RawPolling:
    """engine.io v4 over HTTP long-polling, packet by packet."""

    def __init__(self, base_url: str, origin: str | None = None) -> None:
        self.url = f"{base_url}/socket.io/?EIO=4&transport=polling"
        self.http = httpx.Client(timeout=40, headers={"Origin": origin} if origin else {})
        self.events: List[Tuple[str, Any]] = []
        opened = self.http.get(self.url)
        assert opened.status_code == 200, opened.text
        self.sid = json.loads(opened.text[1:])["sid"]
        self.send("40")
        self.poll_until(lambda: any(name == "connected" for name, _ in self.events))

    def send(self, *packets: str) -> None:
        response = self.http.post(f"{self.url}&sid={self.sid}", content="\x1e".join(packets).encode())
        assert response.status_code == 200 and response.text.lower() == "ok", response.text

    def emit(self, event: str, data: Dict[str, Any]) -> str:
        return "42" + json.dumps([event, data])

    def poll_until(self, done, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"timed out; got {[n for n, _ in self.events]}"
            response = self.http.get(f"{self.url}&sid={self.sid}")
            for packet in response.text.split("\x1e"):
                if packet.startswith("40"):
                    self.events.append(("connected", None))
                elif packet.startswith("42"):
                    name, *args = json.loads(packet[2:])
                    self.events.append((name, args[0] if args else None))
                elif packet == "2":  # ping
                    self.send("3")

    def of(self, name: str) -> List[Any]:
        return [data for event, data in self.events if event == name]

    def join(self) -> str:
        self.send(self.emit("session_request", {"session_id": None}))
        self.poll_until(lambda: self.of("session_confirm"))
        return self.of("session_confirm")[0]


def test_twenty_messages_in_one_polling_request_are_all_accounted_for(assistant):
    client = RawPolling(assistant.rasa_url)
    session = client.join()
    ids = [f"batch{i:04d}{uuid.uuid4().hex[:6]}" for i in range(20)]
    client.send(
        *(
            client.emit("user_uttered", {"message": f"hi {i}", "session_id": session, "message_id": m})
            for i, m in enumerate(ids)
        )
    )

    def accounted():
        echoed = {e["id"] for e in client.of("user_message")}
        refused = {e.get("message_id") for e in client.of("error")}
        return set(ids) <= echoed | refused

    client.poll_until(accounted, timeout=60)
    refused = [e for e in client.of("error") if e.get("message_id") in ids]
    echoed = [e for e in client.of("user_message") if e["id"] in ids]
    assert len(refused) + len(echoed) == 20
    assert echoed, "some of the burst must be processed"
    assert refused and all(e["error"] == "rate_limited" and e["retry_after"] >= 1 for e in refused)


def test_a_message_for_another_session_is_refused_with_an_error(assistant):
    client = RawPolling(assistant.rasa_url)
    client.join()
    other = uuid.uuid4().hex
    client.send(client.emit("user_uttered", {"message": "hi", "session_id": other, "message_id": "wrongsess01"}))
    client.poll_until(lambda: client.of("error"))
    (error,) = client.of("error")
    assert error["error"] == "wrong_session" and error["message_id"] == "wrongsess01"


def test_an_overlong_message_is_refused_with_an_error(assistant):
    client = RawPolling(assistant.rasa_url)
    session = client.join()
    client.send(client.emit("user_uttered", {"message": "x" * 2001, "session_id": session, "message_id": "toolong001"}))
    client.poll_until(lambda: client.of("error"))
    (error,) = client.of("error")
    assert error["error"] == "too_long" and "2,000" in error["message"]
    assert not client.of("user_message")  # it never reached the assistant


def test_messages_that_are_not_text_are_refused_with_an_error(assistant):
    client = RawPolling(assistant.rasa_url)
    session = client.join()
    client.send(
        client.emit("user_uttered", {"message": ["x"], "session_id": session, "message_id": "notext0001"}),
        "42" + json.dumps(["user_uttered", "just a string"]),
    )
    client.poll_until(lambda: len(client.of("error")) >= 2)
    assert {e["error"] for e in client.of("error")} == {"bad_message"}


def test_sockets_from_a_foreign_origin_are_refused(assistant):
    response = httpx.get(
        f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 400
    own = RawPolling(assistant.rasa_url, origin=f"http://127.0.0.1:{assistant.settings.port}")
    assert own.join()
