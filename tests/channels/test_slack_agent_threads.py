"""Agents answering from Slack: a customer on the REST channel asks for a person; the alert in the
agents' channel (SLACK_ALERT_CHANNEL) gets a thread with the context; Ann replies in the thread,
which claims the conversation and reaches the customer; the customer's reply appears in the
thread; Bob (another agent) is refused; a Slack user who is no agent is told so; "handback" hands
the conversation back to the assistant. The desk shows the same transcript."""

from __future__ import annotations

import pytest

from bot.desk import auth
from tests.channels.support import wait_until
from tests.channels.test_slack_e2e import TEAM, post_event, slack_user
from tests.conftest import Chat
from tests.handoff.desk_client import Desk
from tests.mocks.slack_api import FAKE_BOT_TOKEN, MockSlackApi, channel_message, event_callback
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

AGENTS = "C0AGENTS"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def assistant(slack_api: MockSlackApi, tmp_path_factory, model_path):
    env = {
        "SLACK_BOT_TOKEN": FAKE_BOT_TOKEN,  # the mock accepts any token; never a real-looking one
        "SLACK_SIGNING_SECRET": "test-signing-secret",
        "SLACK_API_URL": slack_api.url,
        "SLACK_ALERT_CHANNEL": AGENTS,
    }
    with running_assistant(tmp_path_factory.mktemp("slack-threads"), model_path, env) as stack:
        yield stack


def thread_posts(slack_api: MockSlackApi, thread_ts: str):
    return [c.args.get("text") or "" for c in slack_api.messages_to(AGENTS, thread_ts)]


def test_an_agent_answers_from_the_alert_thread(assistant, slack_api):
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    auth.add_agent("bob@example.com", "Bob", PASSWORD)
    ann = slack_user(slack_api, "Ann Agent", "ann@example.com")
    bob = slack_user(slack_api, "Bob Agent", "bob@example.com")
    stranger = slack_user(slack_api, "Sam Sales", "sam@example.com")
    desk = Desk(assistant.rasa_url)
    assert desk.login("bob@example.com", PASSWORD).status_code == 200  # someone is online: a queue, not a ticket

    customer = Chat(assistant.rasa_url)
    assert "connecting you with a person" in customer.text("I'd like to talk to a person about my parcel")

    # The alert opens a thread with the context and how to answer from Slack.
    wait_until(lambda: any(c.args.get("thread_ts") for c in slack_api.messages_to(AGENTS)), what="the alert's thread")
    alert = next(c for c in slack_api.messages_to(AGENTS) if not c.args.get("thread_ts"))
    thread = next(c for c in slack_api.messages_to(AGENTS) if c.args.get("thread_ts"))
    assert "New handoff" in alert.args["text"] and "Open in the desk" in alert.args["text"]
    thread_ts = thread.args["thread_ts"]
    assert "your first reply in this thread claims the conversation" in thread.args["text"]

    def say_in_thread(user: str, text: str) -> None:
        response = post_event(
            assistant, event_callback(channel_message(AGENTS, user, text, thread_ts=thread_ts), team_id=TEAM)
        )
        assert response.status_code == 200

    # Someone who is not an agent: told so, nothing reaches the customer.
    say_in_thread(stranger, "I can take this one")
    wait_until(lambda: any("Only agents" in t for t in thread_posts(slack_api, thread_ts)), what="the refusal")

    # Ann answers: she claims the conversation, the customer gets it on their channel.
    say_in_thread(ann, "Hi, I'm Ann. Checking your parcel now.")
    handoff = desk.handoff_for(customer.sender_id)
    wait_until(
        lambda: desk.get(f"/handoffs/{handoff['id']}").json()["handoff"]["agent_name"] == "Ann", what="Ann's claim"
    )
    later = customer.text("ok thanks")
    assert "Hi, I'm Ann. Checking your parcel now." in later
    assert "I can take this one" not in later
    # The customer's message appears in the thread.
    wait_until(lambda: any("*Customer:* ok thanks" in t for t in thread_posts(slack_api, thread_ts)), what="the mirror")

    # Bob cannot write in Ann's conversation from Slack either.
    say_in_thread(bob, "Me too!")
    wait_until(
        lambda: any("Not sent to the customer" in t for t in thread_posts(slack_api, thread_ts)), what="Bob refused"
    )

    # What Ann writes in the desk shows in the thread; the desk's transcript has the Slack reply.
    ann_desk = Desk(assistant.rasa_url)
    assert ann_desk.login("ann@example.com", PASSWORD).status_code == 200
    assert (
        ann_desk.post(f"/handoffs/{handoff['id']}/messages", {"text": "Found it: it arrives tomorrow."}).status_code
        == 201
    )
    wait_until(
        lambda: any("*Ann (desk):* Found it" in t for t in thread_posts(slack_api, thread_ts)), what="the desk's reply"
    )
    transcript = [
        e["text"] for e in ann_desk.get(f"/handoffs/{handoff['id']}").json()["transcript"] if e["who"] == "agent"
    ]
    assert "Hi, I'm Ann. Checking your parcel now." in transcript and "Me too!" not in transcript

    # "handback" in the thread: the assistant has the conversation again.
    say_in_thread(ann, "handback")
    wait_until(
        lambda: ann_desk.get(f"/handoffs/{handoff['id']}").json()["handoff"]["status"] == "resolved",
        what="the hand-back",
    )
    assert "Ann has handed you back to me" in customer.text("great")
