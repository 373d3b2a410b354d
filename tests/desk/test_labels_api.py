"""Labels on conversations and tickets through the desk API."""

from __future__ import annotations

import pytest

from bot.desk import auth
from bot.store import conversations, labels
from bot.store.tickets import open_ticket
from tests.desk.conftest import PASSWORD, desk_server, login


@pytest.fixture
async def desk(store, monkeypatch):
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    conversations.ensure("webchat:zoe", 1000.0, "webchat")
    async with desk_server(monkeypatch, lambda _app: None) as client:
        csrf = await login(client, "ann@example.com")
        yield client, {"X-CSRF-Token": csrf}


async def test_labels_on_tickets_and_conversations(desk):
    client, headers = desk
    on_zoe = await client.post(
        "/desk/api/labels", json={"kind": "conversation", "target": "webchat:zoe", "name": "vip"}, headers=headers
    )
    assert on_zoe.status_code == 200 and on_zoe.json()["labels"] == ["vip"]
    assert labels.targets_with("conversation", "vip") == ["webchat:zoe"]
    ticket = open_ticket("Late parcel", "Where is it", "zoe@example.com", channel="rest")
    added = await client.post(
        "/desk/api/labels",
        json={"kind": "ticket", "target": ticket.reference.lower(), "name": "  VIP  Customer "},
        headers=headers,
    )
    assert added.status_code == 200 and added.json()["labels"] == ["vip customer"]
    again = await client.post(
        "/desk/api/labels", json={"kind": "ticket", "target": ticket.reference, "name": "vip customer"}, headers=headers
    )
    assert again.json()["labels"] == ["vip customer"]  # once
    await client.post(
        "/desk/api/labels", json={"kind": "ticket", "target": ticket.reference, "name": "refund"}, headers=headers
    )
    assert labels.labels_of("ticket", [ticket.reference]) == {ticket.reference: ["refund", "vip customer"]}
    in_use = (await client.get("/desk/api/labels")).json()["labels"]
    assert {"name": "refund", "conversation": 0, "ticket": 1} in in_use
    removed = await client.post(
        "/desk/api/labels/remove",
        json={"kind": "ticket", "target": ticket.reference, "name": "refund"},
        headers=headers,
    )
    assert removed.json()["labels"] == ["vip customer"]


@pytest.mark.parametrize(
    "body, status",
    [
        ({"kind": "ticket", "target": "T-999999", "name": "x"}, 404),
        ({"kind": "conversation", "target": "webchat:nobody", "name": "x"}, 404),
        ({"kind": "order", "target": "x", "name": "x"}, 400),
        ({"kind": "ticket", "target": "", "name": "x"}, 400),
        ({"kind": "ticket", "target": "T-1", "name": "<b>bold</b>"}, 400),
        ({"kind": "ticket", "target": "T-1", "name": "x" * 41}, 400),
    ],
)
async def test_bad_labels_are_refused(desk, body, status):
    client, headers = desk
    open_ticket("Any", "Any", "a@example.com", channel="rest")
    assert (await client.post("/desk/api/labels", json=body, headers=headers)).status_code == status


def test_a_target_has_at_most_twenty_labels(store):
    ticket = open_ticket("Any", "Any", "a@example.com", channel="rest")
    for n in range(labels.MAX_PER_TARGET):
        labels.add("ticket", ticket.reference, f"l{n}", 1)
    with pytest.raises(labels.LabelError, match="At most"):
        labels.add("ticket", ticket.reference, "one more", 1)
