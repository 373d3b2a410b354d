"""While a customer waits for a person, with the real servers.

Queue updates: a waiting customer hears when their place changes and is reminded every
HANDOFF_QUEUE_UPDATE_SECONDS. Agent alerts in Slack (the real slack-sdk client pointed at the
mock Slack Web API): a handoff posts the reason, summary and a desk link to the alert channel;
an unclaimed one is raised again after the configured time; a claimed one is not."""

from __future__ import annotations

import time

import pytest

from bot.desk import auth
from tests.conftest import Chat, api_url
from tests.handoff.desk_client import Desk
from tests.mocks.slack_api import MockSlackApi

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PASSWORD = "correct horse battery staple"
REPEAT = 4  # seconds before an unclaimed handoff is raised again


@pytest.fixture
def slack_api():
    with MockSlackApi() as api:
        yield api


def _queue_updates(desk: Desk, rasa_url: str, sender: str) -> list:
    """Queue messages the server pushed on its own (not answers to the customer's messages)."""
    tracker = desk.http.get(api_url(rasa_url, f"/conversations/{sender}/tracker"), timeout=30).json()
    return [
        e["text"]
        for e in tracker["events"]
        if e["event"] == "bot" and (e.get("metadata") or {}).get("handoff_system") and e["text"].startswith("You're")
    ]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)
    return result


def test_waiting_customers_hear_their_place_when_it_changes_and_are_reminded(stack_factory):
    stack = stack_factory(env={"HANDOFF_QUEUE_UPDATE_SECONDS": str(REPEAT)})
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    assert desk.login("ann@example.com", PASSWORD).status_code == 200
    first, second = Chat(stack.rasa_url), Chat(stack.rasa_url)
    assert "You're next in line" in first.text("I want to talk to a person")
    assert "You're number 2 in line" in second.text("can I speak to a human please")

    assert desk.post(f"/handoffs/{desk.handoff_for(first.sender_id)['id']}/claim").status_code == 200
    moved = _wait_for(lambda: _queue_updates(desk, stack.rasa_url, second.sender_id), 20, "the new place")
    assert moved[0].startswith("You're next in line; the expected wait is about")
    _wait_for(lambda: len(_queue_updates(desk, stack.rasa_url, second.sender_id)) >= 2, REPEAT + 20, "a reminder")

    # REST cannot be pushed to: the updates arrive with the answer to the next message.
    got = [r.get("text") or "" for r in second.say("still there?")]
    assert sum(t.startswith("You're next in line") for t in got) >= 2
    assert all("Demo Shop assistant" not in t for t in got)


def _is_alert(call) -> bool:
    """An alert (the first, or a reminder broadcast from its thread), not the thread's other posts."""
    return call.args.get("channel") == "C0ALERTS" and (
        not call.args.get("thread_ts") or call.args.get("reply_broadcast") in (True, "true", "1")
    )


def _alerts(api: MockSlackApi):
    return api.calls_to("chat.postMessage", where=_is_alert)


def test_alert_with_reason_summary_and_link_then_raised_again_until_claimed(stack_factory, slack_api):
    stack = stack_factory(
        env={
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "test-secret",
            "SLACK_API_URL": slack_api.url,
            "SLACK_ALERT_CHANNEL": "C0ALERTS",
            "HANDOFF_ALERT_REPEAT_SECONDS": str(REPEAT),
            "HANDOFF_ALERT_MAX": "3",
            "PUBLIC_URL": "https://support.example.com",
        }
    )
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    assert desk.login("ann@example.com", PASSWORD).status_code == 200  # Ann is online

    chat = Chat(stack.rasa_url)
    chat.text("where is my order?")
    assert "connecting you with a person" in chat.text("I want to talk to a person")
    handoff = desk.handoff_for(chat.sender_id)

    first = slack_api.wait_for("chat.postMessage", where=_is_alert, timeout=30)
    text = first[0].args["text"]
    assert text.startswith("New handoff") and "needs a person" in text
    assert "*Why:* the customer asked for a person" in text
    assert "where an order is" in text  # the summary of what the customer wants
    assert f"https://support.example.com/desk#/handoff/{handoff['id']}" in text

    again = slack_api.wait_for("chat.postMessage", count=2, where=_is_alert, timeout=REPEAT + 20)
    assert again[1].args["text"].startswith("<!here> Still waiting")

    assert desk.post(f"/handoffs/{handoff['id']}/claim").status_code == 200
    sent = len(_alerts(slack_api))
    time.sleep(REPEAT + 3)  # longer than the repeat interval: a claimed handoff is not raised again
    assert len(_alerts(slack_api)) == sent
