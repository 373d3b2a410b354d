"""The desk API over HTTP with a fake DeskService (no Rasa, no handoff runtime): sessions,
CSRF, input validation, and each domain error answered with its status, all in one place."""

from __future__ import annotations

from typing import Any, Dict, List

import httpx
import pytest

from bot.desk import auth
from bot.desk.service import Conflict, NotFound
from bot.handoff.errors import HandoffNotFound, NotTheOwner, WrongState
from bot.outbound import DeliveryError
from tests.desk.conftest import PASSWORD, desk_server, login


class FakeDesk:
    """What the routes call; each handoff id picks an outcome."""

    OUTCOMES = {
        404: HandoffNotFound("No such handoff."),
        403: NotTheOwner("Bob owns this conversation."),
        409: WrongState("This conversation is assigned by Bob."),
        502: DeliveryError("telegram", "telegram:1", "Forbidden: bot was blocked by the user"),
    }

    def __init__(self) -> None:
        self.calls: List[tuple] = []

    async def write(self, handoff_id: int, agent: Any, text: str) -> Dict[str, Any]:
        self.calls.append(("write", handoff_id, agent.email, text))
        if handoff_id in self.OUTCOMES:
            raise self.OUTCOMES[handoff_id]
        return {"who": "agent", "text": text, "agent": agent.name}

    async def conversation(self, sender_id: str) -> Dict[str, Any]:
        if sender_id == "gone":
            raise NotFound("No such conversation.")
        return {"sender_id": sender_id, "owner": "bot", "transcript": []}

    async def reply_to_ticket(self, reference: str, agent: Any, text: str) -> Dict[str, Any]:
        raise Conflict("This ticket has no conversation to answer in and email is not set up; reply from your mailbox.")


@pytest.fixture
async def desk_api(store, monkeypatch):
    fake = FakeDesk()
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    async with desk_server(monkeypatch, lambda _app: fake) as client:
        yield client, fake


async def _login(client: httpx.AsyncClient) -> str:
    return await login(client, "ann@example.com")


async def test_every_call_needs_a_session_and_changes_need_the_csrf_token(desk_api):
    client, fake = desk_api
    assert (await client.get("/desk/api/conversations/rest:zoe")).status_code == 401
    csrf = await _login(client)
    assert (await client.get("/desk/api/conversations/rest:zoe")).json()["sender_id"] == "rest:zoe"
    refused = await client.post("/desk/api/handoffs/1/messages", json={"text": "hi"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    foreign = await client.post(
        "/desk/api/handoffs/1/messages",
        json={"text": "hi"},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example.net"},
    )
    assert foreign.status_code == 403
    sent = await client.post("/desk/api/handoffs/1/messages", json={"text": "hi"}, headers={"X-CSRF-Token": csrf})
    assert sent.status_code == 201 and sent.json()["entry"]["agent"] == "Ann"
    assert fake.calls == [("write", 1, "ann@example.com", "hi")]


@pytest.mark.parametrize("handoff_id", sorted(FakeDesk.OUTCOMES))
async def test_domain_errors_are_answered_with_their_status(desk_api, handoff_id):
    client, _ = desk_api
    csrf = await _login(client)
    answer = await client.post(
        f"/desk/api/handoffs/{handoff_id}/messages", json={"text": "hi"}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == handoff_id
    assert answer.json()["error"] == str(FakeDesk.OUTCOMES[handoff_id])


async def test_bad_input_is_a_400_and_reaches_no_service(desk_api):
    client, fake = desk_api
    csrf = await _login(client)
    for body in ({}, {"text": 5}, {"text": "  "}, {"text": "x" * 5000}, {"text": "a\x00b"}, ["text"]):
        answer = await client.post("/desk/api/handoffs/1/messages", json=body, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 400, body
    assert fake.calls == []
    assert (await client.post("/desk/api/login", json=["not", "an", "object"])).status_code == 400


async def test_desk_errors_of_other_areas_map_too(desk_api):
    client, _ = desk_api
    csrf = await _login(client)
    assert (await client.get("/desk/api/conversations/gone")).status_code == 404
    reply = await client.post("/desk/api/tickets/T-1/reply", json={"text": "hi"}, headers={"X-CSRF-Token": csrf})
    assert reply.status_code == 409 and "reply from your mailbox" in reply.json()["error"]


async def test_static_files_are_served_from_nested_folders_and_nothing_outside(desk_api):
    client, _ = desk_api
    module = await client.get("/desk/static/js/views/handoff.js")
    assert module.status_code == 200 and "javascript" in module.headers["content-type"]
    for path in (
        "/desk/static/../auth.py",
        "/desk/static/%2e%2e/auth.py",
        "/desk/static/js/..%2f..%2fauth.py",
        "/desk/static/js/%2e%2e/%2e%2e/api/web.py",
        "/desk/static/%2fetc%2fpasswd",
        "/desk/static/js",
        "/desk/static/js/missing.js",
    ):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert "import" not in answer.text and "root:" not in answer.text
