"""The platform webhooks, attacked (docs/SECURITY.md, cases 8 and the webhook checks): Slack
signatures (bad, replayed, retried), Slack's API unreachable, Telegram's secret token, and
bodies that are not what the platform sends."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest

from tests.channels.support import user_events, wait_until
from tests.conftest import free_port
from tests.mocks.slack_api import MockSlackApi, direct_message, event_callback, signed_headers
from tests.mocks.telegram_api import message_update
from tests.security.support import is_clean_json_error
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

SLACK_SECRET = "webhook-test-signing-secret"
TELEGRAM_SECRET = "webhook-test-secret"
TEAM = "T0001"


@pytest.fixture(scope="module")
def slack_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path, telegram_api, slack_port):
    """Slack's API address is a port where nothing listens yet (tests start the mock on it)."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-webhooks",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{slack_port}/api/",
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("webhooks"), model_path, env) as stack:
        yield stack


def slack_post(stack, body: str, headers: dict) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/slack/events", content=body.encode(), headers=headers, timeout=30)


def dm(text: str, event_id: str | None = None) -> tuple[str, str, str]:
    channel, user = "D" + uuid.uuid4().hex[:8].upper(), "U" + uuid.uuid4().hex[:8].upper()
    return json.dumps(event_callback(direct_message(channel, user, text), event_id=event_id)), channel, user


def test_slack_api_unreachable_events_are_acknowledged_and_answered_later(assistant, slack_port):
    """Slack is down: the event is still acknowledged at once (else Slack retries, then drops
    it); the customer's message is kept and the reply goes out when Slack is back."""
    body, channel, _ = dm("hi")
    started = time.monotonic()
    response = slack_post(assistant, body, signed_headers(SLACK_SECRET, body))
    assert response.status_code == 200
    assert time.monotonic() - started < 3  # within Slack's 3-second acknowledgement window
    time.sleep(4)  # the assistant answered meanwhile; its reply cannot go out
    with MockSlackApi(port=slack_port) as slack_api:  # Slack is back
        replies = wait_until(lambda: slack_api.messages_to(channel), 120, "the delayed reply")
        assert "Hi!" in replies[0].args["text"]


def test_slack_bad_signature_is_401(assistant):
    body, channel, _ = dm("hi")
    assert slack_post(assistant, body, signed_headers("not-the-secret", body)).status_code == 401
    assert slack_post(assistant, body, {"Content-Type": "application/json"}).status_code == 401
    assert user_events(assistant.rasa_url, f"slack:{TEAM}:{channel}") == []


def test_slack_replayed_request_older_than_five_minutes_is_401(assistant):
    body, channel, _ = dm("hi")
    old = int(time.time()) - 6 * 60
    assert slack_post(assistant, body, signed_headers(SLACK_SECRET, body, timestamp=old)).status_code == 401
    assert user_events(assistant.rasa_url, f"slack:{TEAM}:{channel}") == []


def test_slack_retried_event_is_processed_once(assistant, slack_port):
    event_id = "EvRETRY" + uuid.uuid4().hex[:8].upper()
    body, channel, _ = dm("where is my order?", event_id=event_id)
    with MockSlackApi(port=slack_port):
        for attempt in range(3):
            headers = {**signed_headers(SLACK_SECRET, body), **({"X-Slack-Retry-Num": str(attempt)} if attempt else {})}
            assert slack_post(assistant, body, headers).status_code == 200
        sender = f"slack:{TEAM}:{channel}"
        wait_until(lambda: user_events(assistant.rasa_url, sender), 60, "the event")
        time.sleep(2)
        assert len(user_events(assistant.rasa_url, sender)) == 1


@pytest.mark.parametrize("body", [b"garbage", b"payload=%7Bnot-json", b"{", b"\xff\xfe\x00", b""])
def test_slack_garbage_is_refused_cleanly(assistant, body):
    unsigned = httpx.post(f"{assistant.rasa_url}/webhooks/slack/events", content=body, timeout=30)
    assert unsigned.status_code in (400, 401) and "Traceback" not in unsigned.text
    text = body.decode("latin-1")
    signed = slack_post(assistant, text, signed_headers(SLACK_SECRET, text))
    assert signed.status_code in (200, 400, 404) and "Traceback" not in signed.text


def telegram_post(stack, body: bytes, secret: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return httpx.post(f"{stack.rasa_url}/webhooks/telegram/webhook", content=body, headers=headers, timeout=30)


def test_telegram_secret_token_missing_or_wrong_is_403(assistant):
    chat_id = 660000 + uuid.uuid4().int % 10000
    update = json.dumps(message_update(chat_id, "hi")).encode()
    assert is_clean_json_error(telegram_post(assistant, update, None), 403)
    assert is_clean_json_error(telegram_post(assistant, update, "wrong-secret"), 403)
    assert is_clean_json_error(telegram_post(assistant, update, TELEGRAM_SECRET + "x"), 403)
    assert user_events(assistant.rasa_url, f"telegram:{chat_id}") == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"5", b'{"update_id": "x"}', b"\xff"])
def test_telegram_malformed_updates_are_400(assistant, body):
    assert is_clean_json_error(telegram_post(assistant, body, TELEGRAM_SECRET), 400)


def test_telegram_overlong_message_gets_a_polite_reply(assistant, telegram_api):
    chat_id = 650000 + uuid.uuid4().int % 10000
    update = json.dumps(message_update(chat_id, "help " * 1000)).encode()
    assert telegram_post(assistant, update, TELEGRAM_SECRET).status_code == 200
    (reply,) = wait_until(lambda: telegram_api.messages_to(chat_id), 30, "the reply")
    assert "characters long" in reply.args["text"]
    assert user_events(assistant.rasa_url, f"telegram:{chat_id}") == []  # never given to the assistant


def test_slack_overlong_message_gets_a_polite_reply(assistant, slack_port):
    body, channel, _ = dm("help " * 1000)
    with MockSlackApi(port=slack_port) as slack_api:
        assert slack_post(assistant, body, signed_headers(SLACK_SECRET, body)).status_code == 200
        (reply,) = wait_until(lambda: slack_api.messages_to(channel), 30, "the reply")
        assert "characters long" in reply.args["text"]
    assert user_events(assistant.rasa_url, f"slack:{TEAM}:{channel}") == []
