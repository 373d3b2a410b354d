"""Admins manage the team in the desk (disable, enable, reset a password), and every agent has an
available/away switch that the queue respects."""

from __future__ import annotations

import httpx
import pytest

from bot.desk import auth
from bot.handoff import queue
from bot.settings import HandoffConfig
from tests.desk.conftest import PASSWORD, desk_server, login

NEW_PASSWORD = "a brand new long password"


@pytest.fixture
async def desk(store, monkeypatch):
    admin = auth.add_agent("ada@example.com", "Ada", PASSWORD, "admin")
    bob = auth.add_agent("bob@example.com", "Bob", PASSWORD)
    async with desk_server(monkeypatch, lambda _app: None) as client:
        yield client, admin, bob


async def _post(client: httpx.AsyncClient, csrf: str, path: str, body) -> httpx.Response:
    return await client.post(f"/desk/api{path}", json=body, headers={"X-CSRF-Token": csrf})


async def test_an_admin_disables_an_agent_who_is_signed_out_at_once_and_enables_them_again(desk, monkeypatch):
    client, admin, bob = desk
    async with desk_server(monkeypatch, lambda _app: None) as bobs_browser:
        await login(bobs_browser, "bob@example.com")
        assert (await bobs_browser.get("/desk/api/me")).status_code == 200
        csrf = await login(client, "ada@example.com")
        disabled = await _post(client, csrf, f"/agents/{bob.id}/active", {"active": False})
        assert disabled.status_code == 200 and disabled.json()["agent"]["active"] is False
        assert (await bobs_browser.get("/desk/api/me")).status_code == 401  # signed out
        assert auth.authenticate("bob@example.com", PASSWORD) is None
        enabled = await _post(client, csrf, f"/agents/{bob.id}/active", {"active": True})
        assert enabled.json()["agent"]["active"] is True
        assert auth.authenticate("bob@example.com", PASSWORD) is not None


async def test_an_admin_resets_a_password_and_the_old_one_and_its_sessions_stop_working(desk, monkeypatch):
    client, admin, bob = desk
    async with desk_server(monkeypatch, lambda _app: None) as bobs_browser:
        await login(bobs_browser, "bob@example.com")
        csrf = await login(client, "ada@example.com")
        assert (await _post(client, csrf, f"/agents/{bob.id}/password", {"password": "short"})).status_code == 400
        reset = await _post(client, csrf, f"/agents/{bob.id}/password", {"password": NEW_PASSWORD})
        assert reset.status_code == 200
        assert (await bobs_browser.get("/desk/api/me")).status_code == 401
        assert auth.authenticate("bob@example.com", PASSWORD) is None
        assert auth.authenticate("bob@example.com", NEW_PASSWORD) is not None


async def test_agents_cannot_manage_accounts_and_admins_cannot_lock_themselves_out(desk):
    client, admin, bob = desk
    csrf = await login(client, "bob@example.com")
    assert (await _post(client, csrf, f"/agents/{admin.id}/active", {"active": False})).status_code == 403
    assert (await _post(client, csrf, f"/agents/{admin.id}/password", {"password": NEW_PASSWORD})).status_code == 403
    await client.post("/desk/api/logout", headers={"X-CSRF-Token": csrf})

    csrf = await login(client, "ada@example.com")
    assert (await _post(client, csrf, f"/agents/{admin.id}/active", {"active": False})).status_code == 409
    assert (await _post(client, csrf, "/agents/999/active", {"active": False})).status_code == 404
    assert (await _post(client, csrf, "/agents/999/password", {"password": NEW_PASSWORD})).status_code == 404
    for bad in ({}, {"active": "no"}, {"active": 0}):
        assert (await _post(client, csrf, f"/agents/{bob.id}/active", bad)).status_code == 400


def test_the_last_active_admin_cannot_be_disabled_in_the_desk(store):
    ada = auth.add_agent("ada@example.com", "Ada", PASSWORD, "admin")
    with pytest.raises(auth.AuthError, match="last active admin"):
        auth.set_active(ada.id, False, keep_an_admin=True)
    auth.add_agent("cy@example.com", "Cy", PASSWORD, "admin")
    assert auth.set_active(ada.id, False, keep_an_admin=True).active is False


async def test_an_away_agent_is_not_offered_new_conversations_even_with_the_desk_open(desk):
    client, admin, bob = desk
    config = HandoffConfig()
    csrf = await login(client, "bob@example.com")  # signing in counts as seen: Bob is online
    assert queue.online_agents(config) == 1 and queue.availability(config) is None
    assert (await client.get("/desk/api/me")).json()["agent"]["available"] is True
    away = await _post(client, csrf, "/me/availability", {"available": False})
    assert away.status_code == 200 and away.json()["agent"]["available"] is False
    await client.get("/desk/api/me")  # still active in the desk...
    assert queue.online_agents(config) == 0 and queue.availability(config) == "no_agents"  # ...but away
    assert (await _post(client, csrf, "/me/availability", {"available": "yes"})).status_code == 400
    back = await _post(client, csrf, "/me/availability", {"available": True})
    assert back.json()["agent"]["available"] is True and queue.availability(config) is None


async def test_each_agent_keeps_their_own_notification_settings(desk):
    client, admin, bob = desk
    csrf = await login(client, "bob@example.com")
    assert (await client.get("/desk/api/me")).json()["agent"]["preferences"] == {
        "notify_waiting": True,
        "notify_replies": True,
        "sound": True,
    }
    quiet = await _post(client, csrf, "/me/preferences", {"sound": False})
    assert quiet.status_code == 200 and quiet.json()["agent"]["preferences"]["sound"] is False
    assert (await _post(client, csrf, "/me/preferences", {"notify_waiting": False})).json()["agent"]["preferences"] == {
        "notify_waiting": False,
        "notify_replies": True,
        "sound": False,
    }
    for bad in ({"volume": 11}, {"sound": "off"}, ["sound"]):
        assert (await _post(client, csrf, "/me/preferences", bad)).status_code == 400
    assert auth.set_preferences(admin.id, {}).as_dict()["preferences"]["sound"] is True  # Ada's are her own
