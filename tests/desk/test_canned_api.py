"""Canned replies through the desk API: shared ones are the admins', personal ones their owner's;
nobody sees or changes another agent's own."""

from __future__ import annotations

import pytest

from bot.desk import auth
from bot.store import canned
from tests.desk.conftest import PASSWORD, desk_server, login


@pytest.fixture
async def desk(store, monkeypatch):
    auth.add_agent("ada@example.com", "Ada", PASSWORD, "admin")
    auth.add_agent("bob@example.com", "Bob", PASSWORD)
    auth.add_agent("cy@example.com", "Cy", PASSWORD)
    async with desk_server(monkeypatch, lambda _app: None) as client:
        yield client


async def _as(client, email: str) -> dict:
    csrf = await login(client, email)
    return {"X-CSRF-Token": csrf}


async def test_admins_share_replies_and_agents_keep_their_own(desk):
    client = desk
    ada = await _as(client, "ada@example.com")
    shared = await client.post(
        "/desk/api/canned",
        json={
            "shortcut": "/Refund",
            "title": "Refund timing",
            "text": "Hi {first_name}, refunds take 5 days.",
            "shared": True,
        },
        headers=ada,
    )
    assert shared.status_code == 201 and shared.json()["reply"]["shortcut"] == "refund"
    assert shared.json()["reply"]["shared"] is True
    await client.post("/desk/api/logout", headers=ada)

    bob = await _as(client, "bob@example.com")
    refused = await client.post("/desk/api/canned", json={"shortcut": "x", "text": "y", "shared": True}, headers=bob)
    assert refused.status_code == 403
    own = await client.post("/desk/api/canned", json={"shortcut": "hello", "text": "Hello {first_name}!"}, headers=bob)
    assert own.status_code == 201 and own.json()["reply"]["shared"] is False
    again = await client.post("/desk/api/canned", json={"shortcut": "hello", "text": "Again"}, headers=bob)
    assert again.status_code == 409
    listed = (await client.get("/desk/api/canned")).json()
    assert [r["shortcut"] for r in listed["replies"]] == ["hello", "refund"]
    assert "first_name" in listed["placeholders"]
    shared_id = shared.json()["reply"]["id"]
    assert (
        await client.post(f"/desk/api/canned/{shared_id}", json={"shortcut": "refund", "text": "mine now"}, headers=bob)
    ).status_code == 403
    assert (await client.delete(f"/desk/api/canned/{shared_id}", headers=bob)).status_code == 403
    own_id = own.json()["reply"]["id"]
    edited = await client.post(
        f"/desk/api/canned/{own_id}", json={"shortcut": "hi", "title": "Greeting", "text": "Hi!"}, headers=bob
    )
    assert edited.status_code == 200 and edited.json()["reply"]["shortcut"] == "hi"
    await client.post("/desk/api/logout", headers=bob)

    cy = await _as(client, "cy@example.com")
    assert [r["shortcut"] for r in (await client.get("/desk/api/canned")).json()["replies"]] == ["refund"]
    assert (
        await client.post(f"/desk/api/canned/{own_id}", json={"shortcut": "hi", "text": "x"}, headers=cy)
    ).status_code == 404
    assert (await client.delete(f"/desk/api/canned/{own_id}", headers=cy)).status_code == 404
    await client.post("/desk/api/logout", headers=cy)

    ada = await _as(client, "ada@example.com")
    assert (await client.delete(f"/desk/api/canned/{shared_id}", headers=ada)).status_code == 200
    assert canned.get(shared_id) is None


@pytest.mark.parametrize(
    "body",
    [
        {"shortcut": "", "text": "x"},
        {"shortcut": "two words", "text": "x"},
        {"shortcut": "ok", "text": ""},
        {"shortcut": "ok", "text": "x" * 4001},
        {"shortcut": "ok", "text": 5},
        {"shortcut": "ok", "text": "x", "title": "t" * 101},
        {"shortcut": "ok", "text": "x", "shared": "yes"},
    ],
)
async def test_bad_replies_are_a_400(desk, body):
    headers = await _as(desk, "ada@example.com")
    assert (await desk.post("/desk/api/canned", json=body, headers=headers)).status_code == 400


async def test_changes_need_the_csrf_token(desk):
    await login(desk, "bob@example.com")
    assert (await desk.post("/desk/api/canned", json={"shortcut": "a", "text": "b"})).status_code == 403
