"""Floods get 429 with Retry-After (docs/SECURITY.md, case 6): per conversation and per client
address on REST and the widget, desk logins, and the Slack and Telegram webhooks. The limits
are set low here; the assistant trusts X-Forwarded-For from 127.0.0.1, so each test is a client
address of its own."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid

import httpx
import pytest

from bot.desk import auth
from tests.channels.webchat_client import WidgetClient
from tests.mocks.slack_api import direct_message, event_callback, signed_headers
from tests.mocks.telegram_api import message_update, user
from tests.security.support import PASSWORD, rest
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

SLACK_SECRET = "rate-test-signing-secret"
TELEGRAM_SECRET = "rate-test-secret"
_addresses = (f"203.0.113.{n}" for n in itertools.count(10))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path, slack_api, telegram_api):
    env = {
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT_CONVERSATION": "3/minute",
        "RATE_LIMIT_ADDRESS": "8/minute",
        "RATE_LIMIT_LOGIN": "4/minute",
        "LOGIN_MAX_FAILURES": "3",
        "SLACK_BOT_TOKEN": "xoxb-rate",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": slack_api.url,
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("rates"), model_path, env) as stack:
        yield stack


def _retry_after(response: httpx.Response, longest: int = 60) -> int:
    assert response.status_code == 429, response.text
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= longest
    return seconds


def test_rest_per_conversation(assistant):
    address = next(_addresses)
    codes = [rest(assistant, {"sender": "chatty", "message": "hi"}, {"X-Forwarded-For": address}) for _ in range(4)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    _retry_after(codes[3])
    assert codes[3].json()["error"] == "rate_limited"
    # Another conversation from elsewhere is not affected.
    assert (
        rest(assistant, {"sender": "calm", "message": "hi"}, {"X-Forwarded-For": next(_addresses)}).status_code == 200
    )


def test_rest_per_address_with_new_sender_ids(assistant):
    address = next(_addresses)
    responses = [
        rest(assistant, {"sender": f"rotating-{i}", "message": "hi"}, {"X-Forwarded-For": address}) for i in range(9)
    ]
    assert all(r.status_code == 200 for r in responses[:8])
    _retry_after(responses[8])


def test_widget_burst_is_limited_and_the_client_is_told(assistant):
    async def burst():
        client = WidgetClient(assistant.rasa_url)
        await client.connect()
        for i in range(30):
            await client.sio.emit(
                "user_uttered", {"message": f"hi {i}", "session_id": client.session_id, "message_id": f"burst{i:04d}x"}
            )
        for _ in range(200):
            if len(client.errors) >= 27:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        await client.close()
        return client

    client = asyncio.run(burst())
    refused = [e for e in client.errors if e["error"] == "rate_limited"]
    assert len(refused) == 27  # 3 a minute per conversation: the other 27 were refused, each one told
    assert all(e["retry_after"] > 0 and e["message_id"].startswith("burst") for e in refused)


def test_desk_login_is_limited_per_address(assistant):
    address = next(_addresses)
    url = f"{assistant.rasa_url}/desk/api/login"
    responses = [
        httpx.post(url, json={"email": f"x{i}@example.com", "password": "wrong"}, headers={"X-Forwarded-For": address})
        for i in range(5)
    ]
    assert [r.status_code for r in responses[:4]] == [401] * 4
    _retry_after(responses[4])


def test_a_locked_account_stays_locked_whatever_the_padding(assistant):
    auth.add_agent("lock@example.com", "Lock", PASSWORD)
    url = f"{assistant.rasa_url}/desk/api/login"
    for _ in range(3):
        wrong = httpx.post(
            url, json={"email": "lock@example.com", "password": "nope"}, headers={"X-Forwarded-For": next(_addresses)}
        )
        assert wrong.status_code == 401
    for padded in (" lock@example.com", "LOCK@example.com ", "\tlock@example.com\n"):
        response = httpx.post(
            url, json={"email": padded, "password": PASSWORD}, headers={"X-Forwarded-For": next(_addresses)}
        )
        _retry_after(response, longest=5 * 60)  # LOGIN_FAILURE_WINDOW_MINUTES


def test_secure_cookie_behind_a_trusted_https_proxy(assistant):
    auth.add_agent("secure@example.com", "Secure", PASSWORD)
    response = httpx.post(
        f"{assistant.rasa_url}/desk/api/login",
        json={"email": "secure@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": next(_addresses), "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()


def test_slack_events_from_one_user_are_limited(assistant, slack_api):
    user_id, channel = "UFLOOD" + uuid.uuid4().hex[:6].upper(), "DFLOOD" + uuid.uuid4().hex[:6].upper()
    responses = []
    for i in range(4):
        body = json.dumps(event_callback(direct_message(channel, user_id, f"hi {i}")))
        responses.append(
            httpx.post(
                f"{assistant.rasa_url}/webhooks/slack/events",
                content=body.encode(),
                headers=signed_headers(SLACK_SECRET, body),
                timeout=30,
            )
        )
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    _retry_after(responses[3])


def test_telegram_updates_from_one_user_are_limited(assistant, telegram_api):
    chat_id = 880000 + uuid.uuid4().int % 10000
    sender = user(chat_id)
    responses = [
        httpx.post(
            f"{assistant.rasa_url}/webhooks/telegram/webhook",
            json=message_update(chat_id, f"hi {i}", sender=sender, message_id=i + 1),
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=30,
        )
        for i in range(4)
    ]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    _retry_after(responses[3])
