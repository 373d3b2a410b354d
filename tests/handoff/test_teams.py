"""Teams: routing a handoff by what the customer wrote, agents' teams, and assigning a conversation
to a team or an agent (bot/handoff/teams.py, bot/desk/api/handoffs.py)."""

from __future__ import annotations

import pytest

from bot.desk import auth
from bot.handoff import queue
from bot.handoff.escalation import escalate
from bot.handoff.teams import DEFAULT_TEAMS, parse_teams, route
from bot.settings import ConfigError, HandoffConfig
from tests.desk.conftest import PASSWORD, desk_server, login

TEAMS = parse_teams(DEFAULT_TEAMS)


@pytest.mark.parametrize(
    "said, team",
    [
        (["I was charged twice for my order"], "billing"),
        (["Where is my refund?"], "billing"),
        (["My parcel never arrived"], "shipping"),
        (["the courier lost the package"], "shipping"),
        (["I want to talk to a person"], None),
        (["shipment"], None),  # whole words only: "ship" is a word of its own
    ],
)
def test_routing_by_the_customers_words(said, team):
    assert route(TEAMS, said) == team


def test_teams_from_the_environment(monkeypatch):
    monkeypatch.setenv("DESK_TEAMS", "returns: return, exchange; vip: urgent")
    assert [t.name for t in HandoffConfig().teams] == ["returns", "vip"]
    monkeypatch.setenv("DESK_TEAMS", "none")
    assert HandoffConfig().teams == ()
    monkeypatch.setenv("DESK_TEAMS", "Not A Name: x")
    with pytest.raises(ConfigError, match="DESK_TEAMS"):
        HandoffConfig()


def test_escalation_routes_the_handoff(store, monkeypatch):
    monkeypatch.setenv("BUSINESS_HOURS", "always")
    agent = auth.add_agent("ann@example.com", "Ann", PASSWORD)
    auth.mark_seen(agent.id)
    events = [{"event": "user", "text": "my parcel is late"}, {"event": "user", "text": "/request_human"}]
    escalate(HandoffConfig(), "webchat:t1", "webchat", "customer_request", "", events, {})
    assert queue.open_handoff_for("webchat:t1").team == "shipping"


@pytest.fixture
async def desk(store, monkeypatch):
    ada = auth.add_agent("ada@example.com", "Ada", PASSWORD, "admin")
    bob = auth.add_agent("bob@example.com", "Bob", PASSWORD)
    cy = auth.add_agent("cy@example.com", "Cy", PASSWORD)
    async with desk_server(monkeypatch, lambda app: _desk_service(app)) as client:
        yield client, ada, bob, cy


def _desk_service(app):
    from bot.desk.service import DeskService
    from tests.desk.test_desk_service import FakeRuntime, FakeTrackers

    app.ctx.fake_runtime = getattr(app.ctx, "fake_runtime", None) or FakeRuntime()
    return DeskService(app.ctx.fake_runtime, FakeTrackers({}))


async def test_admins_set_teams_and_agents_assign_conversations(desk):
    client, ada, bob, cy = desk
    headers = {"X-CSRF-Token": await login(client, "ada@example.com")}
    assert [t["name"] for t in (await client.get("/desk/api/teams")).json()["teams"]] == ["billing", "shipping"]
    set_teams = await client.post(f"/desk/api/agents/{bob.id}/teams", json={"teams": ["billing"]}, headers=headers)
    assert set_teams.status_code == 200 and set_teams.json()["agent"]["teams"] == ["billing"]
    bad = await client.post(f"/desk/api/agents/{bob.id}/teams", json={"teams": ["legal"]}, headers=headers)
    assert bad.status_code == 400 and "No such team" in bad.json()["error"]

    waiting = queue.create("webchat:w1", "webchat", "customer_request")
    routed = await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"team": "billing"}, headers=headers)
    assert routed.status_code == 200 and routed.json()["handoff"]["team"] == "billing"
    assert (
        await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"team": "legal"}, headers=headers)
    ).status_code == 400

    # Ada gives the waiting conversation to Bob; then Bob (its owner) passes it to Cy.
    given = await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"agent_id": bob.id}, headers=headers)
    assert given.status_code == 200 and given.json()["handoff"]["agent_name"] == "Bob"
    await client.post("/desk/api/logout", headers=headers)
    cy_headers = {"X-CSRF-Token": await login(client, "cy@example.com")}
    stolen = await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"agent_id": cy.id}, headers=cy_headers)
    assert stolen.status_code == 403  # Cy does not own it
    await client.post("/desk/api/logout", headers=cy_headers)
    bob_headers = {"X-CSRF-Token": await login(client, "bob@example.com")}
    passed = await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"agent_id": cy.id}, headers=bob_headers)
    assert passed.status_code == 200 and passed.json()["handoff"]["agent_name"] == "Cy"
    assert (
        await client.post(f"/desk/api/handoffs/{waiting.id}/assign", json={"agent_id": 999}, headers=bob_headers)
    ).status_code == 404
