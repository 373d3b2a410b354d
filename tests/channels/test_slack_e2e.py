"""Slack end to end: the real assistant, requests signed and shaped the way Slack sends them,
and the real slack-sdk client answering through a mock Web API."""

from __future__ import annotations

import json
import time
import uuid
from typing import List, Optional
from urllib.parse import quote, urlencode

import httpx
import pytest

from tests.channels.support import log_text, rasa_api, user_events, wait_until
from tests.mocks.slack_api import (
    Call,
    MockSlackApi,
    block_actions,
    channel_message,
    direct_message,
    event_callback,
    mention,
    signed_headers,
)
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

SECRET = "test-signing-secret"
TEAM = "T0001"


@pytest.fixture(scope="module")
def assistant(slack_api: MockSlackApi, tmp_path_factory, model_path):
    """Events API and Socket Mode at once (both are configured)."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-test-token",
        "SLACK_API_URL": slack_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("slack"), model_path, env) as stack:
        yield stack


def unique(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:8].upper()


def post(stack, body: str, headers: dict) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/slack/events", content=body.encode(), headers=headers, timeout=30)


def post_event(
    stack, envelope: dict, *, timestamp: Optional[int] = None, secret: str = SECRET, extra: Optional[dict] = None
):
    body = json.dumps(envelope)
    return post(stack, body, {**signed_headers(secret, body, timestamp), **(extra or {})})


class DirectMessages:
    """A customer writing to the bot in a DM; `say` returns the bot's replies to one message."""

    def __init__(self, stack, slack_api: MockSlackApi, user: Optional[str] = None, channel: Optional[str] = None):
        self.stack, self.slack = stack, slack_api
        self.user = user or unique("U")
        self.channel = channel or unique("D")
        self.sender_id = f"slack:{TEAM}:{self.channel}"

    def user_turns(self) -> int:
        return len(user_events(self.stack.rasa_url, self.sender_id))

    def say(self, text: str, **event_fields) -> List[Call]:
        before, turns = len(self.slack.messages_to(self.channel)), self.user_turns()
        response = post_event(self.stack, event_callback(direct_message(self.channel, self.user, text, **event_fields)))
        assert response.status_code == 200
        self.wait_for_turn(turns + 1)
        return self.slack.messages_to(self.channel)[before:]

    def wait_for_turn(self, turns: int) -> None:
        # Rasa saves the tracker after the turn's replies were sent, so this is "answered".
        wait_until(lambda: self.user_turns() >= turns, what=f"{self.sender_id} to reach {turns} turn(s)")

    def text(self, text: str) -> str:
        return "\n".join(call.args["text"] for call in self.say(text))


def slack_user(slack_api: MockSlackApi, name: str, email: str) -> str:
    """A Slack user whose profile has this name and email (what users.info returns)."""
    user = unique("U")
    profile = {"real_name": name, "display_name": name.split()[0].lower(), "email": email}
    slack_api.users[user] = {"id": user, "team_id": TEAM, "name": profile["display_name"], "profile": profile}
    return user


def test_order_lookup_in_a_direct_message(assistant, slack_api):
    # Alice's Slack profile email is the one she ordered with, so the assistant needn't ask for it.
    chat = DirectMessages(assistant, slack_api, user=slack_user(slack_api, "Alice Martin", "alice@example.com"))
    assert "order number" in chat.text("where is my order?").lower()
    answer = chat.text("100234")
    assert "1Z999AA10123456784" in answer
    posted = slack_api.messages_to(chat.channel)
    # The order as Block Kit: status, details as fields, a "Track parcel" link button.
    blocks = (
        json.loads(posted[-1].args["blocks"])
        if isinstance(posted[-1].args["blocks"], str)
        else posted[-1].args["blocks"]
    )
    assert "*Order 100234*" in blocks[0]["text"]["text"] and "Shipped" in blocks[0]["text"]["text"]
    assert {"type": "mrkdwn", "text": "*Carrier*\nUPS"} in blocks[1]["fields"]
    (link,) = blocks[-1]["elements"]
    assert link["text"]["text"] == "Track parcel" and link["url"].startswith("https://")
    assert all("thread_ts" not in call.args for call in posted)  # a DM is answered in the DM itself
    assert all(call.token == "xoxb-test-token" for call in posted)


def test_slack_formatting_reaches_the_assistant_as_typed(assistant, slack_api):
    chat = DirectMessages(assistant, slack_api)
    chat.say(
        "it's <mailto:carol@example.com|carol@example.com>, see <https://shop.example.com/o/1|shop.example.com/o/1> &amp; thanks"
    )
    (event,) = user_events(assistant.rasa_url, chat.sender_id)
    assert event["text"] == "it's carol@example.com, see shop.example.com/o/1 & thanks"


def test_identity_reaches_the_tracker_as_metadata(assistant, slack_api):
    user = slack_user(slack_api, "Carol Jones", "carol@example.com")
    chat = DirectMessages(assistant, slack_api, user=user)
    chat.say("hi")
    chat.say("thanks")
    events = user_events(assistant.rasa_url, chat.sender_id)
    metadata = events[0]["metadata"]
    assert metadata["customer"] == {
        "channel": "slack",
        "id": user,
        "name": "Carol Jones",
        "email": "carol@example.com",
        "email_verified": True,  # Slack's own profile record
    }
    assert metadata["slack"]["team"] == TEAM
    assert metadata["slack"]["channel"] == chat.channel
    assert metadata["slack"]["thread_ts"] is None
    assert events[0]["input_channel"] == "slack"
    assert len(slack_api.calls_to("users.info", lambda c: c.args.get("user") == user)) == 1  # cached


def test_a_button_click_is_sent_as_its_payload(assistant, slack_api):
    chat = DirectMessages(assistant, slack_api)
    (greeting,) = [call for call in chat.say("hi") if "blocks" in call.args]
    buttons = [e for block in greeting.args["blocks"] if block["type"] == "actions" for e in block["elements"]]
    assert [b["text"]["text"] for b in buttons][0] == "Track my order"
    assert buttons[0]["value"] == "/check_order"

    before, turns = len(slack_api.messages_to(chat.channel)), chat.user_turns()
    body = "payload=" + quote(json.dumps(block_actions(greeting, chat.user, action_index=0)))
    started = time.monotonic()
    response = post(assistant, body, signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    assert time.monotonic() - started < 3  # acknowledged within Slack's 3 seconds
    chat.wait_for_turn(turns + 1)
    replies = slack_api.messages_to(chat.channel)[before:]
    assert "order number" in replies[0].args["text"].lower()
    assert user_events(assistant.rasa_url, chat.sender_id)[-1]["text"] == "/check_order"
    (update,) = slack_api.calls_to("chat.update", lambda c: c.args.get("ts") == greeting.result["ts"])
    assert not [b for b in update.args["blocks"] if b["type"] == "actions"]
    assert "Track my order" in json.dumps(update.args["blocks"])


def test_a_mention_in_a_channel_is_answered_in_its_thread(assistant, slack_api):
    channel, user = unique("C"), slack_user(slack_api, "Alice Martin", "alice@example.com")
    first = mention(channel, user, "where is my order?")
    assert post_event(assistant, event_callback(first)).status_code == 200
    sender_id = f"slack:{TEAM}:{channel}:{first['ts']}"
    wait_until(lambda: user_events(assistant.rasa_url, sender_id), what="the mention to reach the assistant")
    (reply,) = slack_api.messages_to(channel)
    assert reply.args["thread_ts"] == first["ts"]
    assert "order number" in reply.args["text"].lower()
    assert user_events(assistant.rasa_url, sender_id)[0]["text"] == "where is my order?"  # mention stripped

    # The next mention in the same thread continues the same conversation.
    second = mention(channel, user, "100234", thread_ts=first["ts"])
    assert post_event(assistant, event_callback(second)).status_code == 200
    wait_until(lambda: len(user_events(assistant.rasa_url, sender_id)) == 2, what="the second mention")
    replies = slack_api.messages_to(channel, thread_ts=first["ts"])
    assert len(replies) == len(slack_api.messages_to(channel))  # everything went to the thread
    assert "1Z999AA10123456784" in replies[-1].args["text"]


def test_replies_in_a_thread_the_app_is_in_need_no_mention(assistant, slack_api):
    channel, user = unique("C"), unique("U")
    first = mention(channel, user, "where is my order?")
    assert post_event(assistant, event_callback(first)).status_code == 200
    sender_id = f"slack:{TEAM}:{channel}:{first['ts']}"
    slack_api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == channel)

    # Slack sends a mention in a channel twice (app_mention and message.channels): handled once.
    again = mention(channel, user, "100234", thread_ts=first["ts"])
    copy = {**again, "type": "message", "channel_type": "channel"}
    assert post_event(assistant, event_callback(copy)).status_code == 200
    assert post_event(assistant, event_callback(again)).status_code == 200
    wait_until(lambda: len(user_events(assistant.rasa_url, sender_id)) == 2, what="the mention in the thread")

    reply = channel_message(channel, user, "alice@example.com", thread_ts=first["ts"])
    assert post_event(assistant, event_callback(reply)).status_code == 200
    wait_until(lambda: len(user_events(assistant.rasa_url, sender_id)) == 3, what="the reply without a mention")
    answered = slack_api.messages_to(channel, thread_ts=first["ts"])
    assert "1Z999AA10123456784" in answered[-1].args["text"]

    # Other people's threads and plain channel chatter are not ours.
    posted = len(slack_api.messages_to(channel))
    stranger = channel_message(channel, user, "anyone know a good pizza place?", thread_ts="1700000000.000100")
    chatter = channel_message(channel, user, "morning all")
    assert post_event(assistant, event_callback(stranger)).status_code == 200
    assert post_event(assistant, event_callback(chatter)).status_code == 200
    time.sleep(1.5)
    assert len(slack_api.messages_to(channel)) == posted
    assert user_events(assistant.rasa_url, f"slack:{TEAM}:{channel}:1700000000.000100") == []
    assert len(user_events(assistant.rasa_url, sender_id)) == 3


def test_a_button_click_in_a_thread_continues_that_thread(assistant, slack_api):
    channel, user = unique("C"), unique("U")
    first = mention(channel, user, "hi")
    assert post_event(assistant, event_callback(first)).status_code == 200
    sender_id = f"slack:{TEAM}:{channel}:{first['ts']}"
    (greeting,) = slack_api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == channel)
    assert greeting.args["thread_ts"] == first["ts"]
    body = "payload=" + quote(json.dumps(block_actions(greeting, user, action_index=0)))
    response = post(assistant, body, signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    wait_until(lambda: len(user_events(assistant.rasa_url, sender_id)) == 2, what="the click in the thread")
    assert user_events(assistant.rasa_url, sender_id)[-1]["text"] == "/check_order"
    replies = slack_api.messages_to(channel)
    assert "order number" in replies[-1].args["text"].lower() and replies[-1].args["thread_ts"] == first["ts"]


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no signature"])
def test_forged_or_stale_requests_are_refused(assistant, slack_api, forgery):
    chat = DirectMessages(assistant, slack_api)
    body = json.dumps(event_callback(direct_message(chat.channel, chat.user, "where is my order?")))
    if forgery == "wrong secret":
        headers = signed_headers("not-the-secret", body)
    elif forgery == "stale timestamp":
        headers = signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = {"Content-Type": "application/json"}
    assert post(assistant, body, headers).status_code == 401
    # A real message afterwards is answered; the refused one never reached the assistant.
    chat.say("hi")
    assert [e["text"] for e in user_events(assistant.rasa_url, chat.sender_id)] == ["hi"]


def test_a_retried_event_is_handled_once(assistant, slack_api):
    chat = DirectMessages(assistant, slack_api)
    envelope = event_callback(direct_message(chat.channel, chat.user, "where is my order?"))
    assert post_event(assistant, envelope).status_code == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post_event(assistant, envelope, extra=retry).status_code == 200
    assert post_event(assistant, envelope, extra={**retry, "X-Slack-Retry-Num": "2"}).status_code == 200
    chat.wait_for_turn(1)
    # Messages of one conversation are handled in order: once the next one is answered, a
    # duplicate of the first would have been too.
    chat.say("100234")
    assert [e["text"] for e in user_events(assistant.rasa_url, chat.sender_id)] == ["where is my order?", "100234"]
    texts = [c.args["text"] for c in slack_api.messages_to(chat.channel)]
    assert sum("what's your order number" in t.lower() for t in texts) == 1


def test_edits_bots_own_messages_and_other_events_are_acknowledged_and_ignored(assistant, slack_api):
    chat = DirectMessages(assistant, slack_api)
    ignored = [
        direct_message(chat.channel, chat.user, "edited", subtype="message_changed"),
        direct_message(chat.channel, "UOTHERBOT", "I am a bot", bot_id="B0099"),
        direct_message(chat.channel, "UBOT", "my own reply", bot_id="B0001"),
        direct_message(chat.channel, chat.user, "hidden", subtype="channel_join"),
        direct_message(chat.channel, chat.user, "", subtype="file_share", files=[{"id": "F1"}]),
        {
            "type": "reaction_added",
            "user": chat.user,
            "reaction": "tada",
            "item": {"type": "message", "channel": chat.channel},
        },
    ]
    for event in ignored:
        assert post_event(assistant, event_callback(event)).status_code == 200
    chat.say("hi")
    assert [e["text"] for e in user_events(assistant.rasa_url, chat.sender_id)] == ["hi"]


def test_url_verification_challenge(assistant):
    response = post_event(assistant, {"type": "url_verification", "challenge": "c-123", "token": "t"})
    assert response.status_code == 200
    assert "c-123" in response.text


def test_a_failed_delivery_is_logged_and_the_server_carries_on(assistant, slack_api):
    chat = DirectMessages(assistant, slack_api)
    slack_api.fail("chat.postMessage", "channel_not_found", where=lambda c: c.args.get("channel") == chat.channel)
    assert chat.say("hi")  # the attempt was made (and failed)
    assert "order number" in chat.text("where is my order?").lower()
    log = log_text(assistant)
    assert f"slack: could not deliver a reply to {chat.sender_id} (SlackApiError" in log
    assert "channel_not_found" in log


def test_messages_from_outside_a_request_reach_the_conversation(assistant, slack_api):
    """What human handoff does: the server delivers to a conversation it only knows by sender
    id (here through Rasa's HTTP API, which uses the channel's output channel); a failed
    message doesn't stop the next."""
    chat = DirectMessages(assistant, slack_api)
    chat.say("hi")
    before = len(slack_api.messages_to(chat.channel))
    slack_api.fail("chat.postMessage", "ratelimited", where=lambda c: c.args.get("text") == "lost")
    events = [
        {"event": "bot", "text": "lost", "timestamp": time.time()},
        {"event": "bot", "text": "Hi, I'm Sam from the support team.", "timestamp": time.time()},
    ]
    query = urlencode({"output_channel": "latest", "execute_side_effects": "true"})
    rasa_api(assistant.rasa_url, f"/conversations/{quote(chat.sender_id, safe=':')}/tracker/events?{query}", events)
    texts = [c.args["text"] for c in slack_api.messages_to(chat.channel)[before:]]
    assert texts == ["lost", "Hi, I'm Sam from the support team."]


def test_socket_mode_receives_events_and_answers(assistant, slack_api):
    wait_until(lambda: slack_api.socket_connected, what="the Socket Mode connection")
    (opened, *_) = slack_api.calls_to("apps.connections.open")
    assert opened.token == "xapp-test-token"
    channel, user = unique("D"), unique("U")
    envelope_id = slack_api.send_socket_event(event_callback(direct_message(channel, user, "where is my order?")))
    wait_until(lambda: any(a.get("envelope_id") == envelope_id for a in slack_api.socket_acks), what="the ack")
    (reply,) = slack_api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == channel)
    assert "order number" in reply.args["text"].lower()
