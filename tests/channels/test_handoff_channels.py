"""Human handoff end to end on each customer channel: the website widget (Socket.IO), Slack (a
direct message, and a thread in a channel) and Telegram, against one real assistant.

The customer is handed over, an agent claims the conversation in the desk, they exchange
messages, the agent hands back, the bot resumes on that channel and asks for a rating, and
the rating (a button click, sent the way each platform sends it) is recorded. At no point
does the bot reply while the agent owns the conversation: every message that reached the
customer's channel in between is accounted for, and so is every bot event in the tracker.

Each customer is an adapter over the same script (`handoff_loop`), so the three channels
are held to exactly the same story.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import re
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import quote

import httpx
import pytest

from bot.desk import auth
from tests.channels.support import tracker, user_events, wait_until
from tests.channels.webchat_client import WidgetClient
from tests.handoff.desk_client import Desk
from tests.mocks.slack_api import (
    MockSlackApi,
    block_actions,
    channel_message,
    direct_message,
    event_callback,
    mention,
    signed_headers,
)
from tests.mocks.telegram_api import MockTelegramApi, callback_update, message_update, user
from tests.stack import running_assistant
from tests.trackers import bot_spoke_while_paused

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PASSWORD = "correct horse battery staple"
SLACK_SECRET = "test-signing-secret"
TELEGRAM_SECRET = "test-webhook-secret_1"
TEAM = "T0001"
SETTLE = 1.5  # seconds: how long "the bot sent nothing" is watched for
_chat_ids = itertools.count(int(time.time()) % 100_000 * 100 + 50)


@pytest.fixture(scope="module")
def assistant(slack_api: MockSlackApi, telegram_api: MockTelegramApi, tmp_path_factory, model_path):
    """One assistant with all three push channels: the widget (on by default), Slack over the
    Events API and Telegram over its webhook."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": slack_api.url,
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("handoff-channels"), model_path, env) as stack:
        yield stack


# ---- what a customer sees, whatever the channel ------------------------------------------


@dataclasses.dataclass
class Message:
    """One bot message as it reached the customer's channel."""

    text: str
    buttons: List[str]
    raw: Any  # the recorded API call (Slack, Telegram) or (payload, meta) (widget)


class Customer:
    """A customer on one channel. `say` and `click` return the bot's replies to that turn;
    `received` is everything the channel delivered so far, pushed messages included."""

    channel: str
    sender_id: str

    def say(self, text: str) -> List[Message]:
        raise NotImplementedError

    def click(self, message: Message, title: str) -> List[Message]:
        raise NotImplementedError

    def received(self) -> List[Message]:
        raise NotImplementedError

    def check_placement(self, message: Message) -> None:
        """The message went to this conversation's place on the platform (chat, thread)."""

    def wait_for(self, start: int, predicate: Callable[[Message], bool], what: str, timeout: float = 30) -> Message:
        def found() -> Optional[Message]:
            return next((m for m in self.received()[start:] if predicate(m)), None)

        return wait_until(found, timeout, what=f"{what} on {self.channel}")  # type: ignore[return-value]

    def turns(self, stack) -> int:
        return len(user_events(stack.rasa_url, self.sender_id))

    def close(self) -> None:
        pass


class _LoopThread:
    """An event loop in a thread of its own: the widget's socket keeps reading while the test
    blocks on the desk's HTTP calls (a socket.io client on the test's own loop would not)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="widget-client", daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class WebchatCustomer(Customer):
    channel = "webchat"

    def __init__(self, stack, name: str, session_id: Optional[str] = None) -> None:
        self.name = name
        self.runner = _LoopThread()

        async def connect() -> WidgetClient:
            client = WidgetClient(stack.rasa_url)
            await client.connect(session_id=session_id, metadata=self._metadata())
            return client

        self.client: WidgetClient = self.runner.run(connect())
        self.sender_id = self.client.session_id  # type: ignore[assignment]

    def _metadata(self) -> Dict[str, Any]:
        return {"customer": {"name": self.name}, "webchat": {"page_url": "https://shop.example.com/orders"}}

    @staticmethod
    def _message(payload: Dict[str, Any], meta: Dict[str, Any]) -> Message:
        return Message(payload.get("text", ""), [q["title"] for q in payload.get("quick_replies", [])], (payload, meta))

    def received(self) -> List[Message]:
        return [self._message(payload, meta) for payload, meta in list(self.client.bot_messages)]

    def _send(self, text: str, **fields: Any) -> List[Message]:
        turn = self.runner.run(self.client.say(text, metadata=self._metadata(), **fields))
        return [self._message(payload, meta) for payload, meta in turn.replies]

    def say(self, text: str) -> List[Message]:
        return self._send(text)

    def click(self, message: Message, title: str) -> List[Message]:
        payload = next(q["payload"] for q in message.raw[0]["quick_replies"] if q["title"] == title)
        return self._send(payload, display_text=title)

    def check_placement(self, message: Message) -> None:
        payload, meta = message.raw
        assert set(payload) <= {"text", "quick_replies"} and meta["id"].startswith("b-")

    def close(self) -> None:
        try:
            self.runner.run(self.client.close(), timeout=30)
        finally:
            self.runner.stop()


def unique(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:8].upper()


class SlackCustomer(Customer):
    """A direct message with the app, or (in_thread) a thread started by an @-mention in a
    channel, where the customer then simply replies in the thread, as people do."""

    channel = "slack"

    def __init__(self, stack, api: MockSlackApi, name: str, in_thread: bool) -> None:
        self.stack, self.api, self.in_thread = stack, api, in_thread
        self.user = unique("U")
        profile = {
            "real_name": name,
            "display_name": name.split()[0].lower(),
            "email": f"{self.user.lower()}@example.net",
        }
        api.users[self.user] = {"id": self.user, "team_id": TEAM, "name": profile["display_name"], "profile": profile}
        self.slack_channel = unique("C" if in_thread else "D")
        self.thread_ts: Optional[str] = None

    @property
    def sender_id(self) -> str:  # type: ignore[override]
        base = f"slack:{TEAM}:{self.slack_channel}"
        return f"{base}:{self.thread_ts}" if self.in_thread else base

    @staticmethod
    def _message(call) -> Message:
        titles = [
            element["text"]["text"]
            for block in call.args.get("blocks") or []
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        return Message(call.args.get("text", ""), titles, call)

    def received(self) -> List[Message]:
        return [self._message(call) for call in self.api.messages_to(self.slack_channel)]

    def _post(self, body: str, content_type: str) -> None:
        headers = signed_headers(SLACK_SECRET, body, content_type=content_type)
        response = httpx.post(
            f"{self.stack.rasa_url}/webhooks/slack/events", content=body.encode(), headers=headers, timeout=30
        )
        assert response.status_code == 200, response.text

    def _turn(self, send: Callable[[], None]) -> List[Message]:
        before, turns = len(self.received()), self.turns(self.stack)
        send()
        wait_until(lambda: self.turns(self.stack) >= turns + 1, what=f"{self.sender_id} to reach {turns + 1} turn(s)")
        return self.received()[before:]

    def say(self, text: str) -> List[Message]:
        if self.in_thread and self.thread_ts:
            event = channel_message(self.slack_channel, self.user, text, thread_ts=self.thread_ts)
        elif self.in_thread:
            event = mention(self.slack_channel, self.user, text)
            self.thread_ts = event["ts"]
        else:
            event = direct_message(self.slack_channel, self.user, text)
        return self._turn(lambda: self._post(json.dumps(event_callback(event)), "application/json"))

    def click(self, message: Message, title: str) -> List[Message]:
        interaction = block_actions(message.raw, self.user, action_index=message.buttons.index(title))
        body = "payload=" + quote(json.dumps(interaction))
        replies = self._turn(lambda: self._post(body, "application/x-www-form-urlencoded"))
        # The clicked message shows the choice instead of its buttons.
        ts = message.raw.result["ts"]
        (update,) = self.api.wait_for("chat.update", where=lambda c: c.args.get("ts") == ts)
        assert f"You chose: {title}" in json.dumps(update.args["blocks"], ensure_ascii=False)
        return replies

    def check_placement(self, message: Message) -> None:
        call = message.raw
        assert call.args["channel"] == self.slack_channel
        assert call.token == "xoxb-test-token"
        if self.in_thread:
            assert call.args.get("thread_ts") == self.thread_ts
        else:
            assert "thread_ts" not in call.args  # a DM is answered in the DM itself


class TelegramCustomer(Customer):
    channel = "telegram"

    def __init__(self, stack, api: MockTelegramApi, first_name: str, last_name: str) -> None:
        self.stack, self.api = stack, api
        self.chat_id = next(_chat_ids)
        self.sender = user(self.chat_id, first_name, last_name, first_name.lower())
        self.sender_id = f"telegram:{self.chat_id}"
        self.message_ids = itertools.count(1)

    @staticmethod
    def _message(call) -> Message:
        rows = (call.args.get("reply_markup") or {}).get("inline_keyboard") or []
        return Message(call.args.get("text", ""), [b["text"] for row in rows for b in row], call)

    def received(self) -> List[Message]:
        return [self._message(call) for call in self.api.messages_to(self.chat_id)]

    def _turn(self, update: dict) -> List[Message]:
        before, turns = len(self.received()), self.turns(self.stack)
        response = httpx.post(
            f"{self.stack.rasa_url}/webhooks/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        wait_until(lambda: self.turns(self.stack) >= turns + 1, what=f"{self.sender_id} to reach {turns + 1} turn(s)")
        return self.received()[before:]

    def say(self, text: str) -> List[Message]:
        return self._turn(message_update(self.chat_id, text, sender=self.sender, message_id=next(self.message_ids)))

    def click(self, message: Message, title: str) -> List[Message]:
        rows = message.raw.args["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in rows for b in row if b["text"] == title)
        click = callback_update(self.chat_id, data, message=message.raw.result, sender=self.sender)
        replies = self._turn(click)
        query_id = click["callback_query"]["id"]
        self.api.wait_for("answerCallbackQuery", where=lambda c: c.args["callback_query_id"] == query_id)
        return replies

    def check_placement(self, message: Message) -> None:
        assert message.raw.args["chat_id"] == self.chat_id
        assert "parse_mode" not in message.raw.args


# ---- the script ---------------------------------------------------------------------------


def _texts(messages: List[Message]) -> str:
    return "\n".join(m.text for m in messages)


def _ratings(sender_id: str) -> List[Dict[str, Any]]:
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.handoff import SatisfactionRating

    with session_scope() as session:
        rows = session.execute(select(SatisfactionRating).where(SatisfactionRating.sender_id == sender_id)).scalars()
        keys = ("rating", "channel", "handoff_id", "agent_id", "person_involved", "comment", "follow_up_ticket")
        return [{key: getattr(r, key) for key in keys} for r in rows]


def _assert_silent(customer: Customer, since: int) -> None:
    """Nothing more reaches the customer's channel within the settle window."""
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        extra = customer.received()[since:]
        assert not extra, f"the bot wrote on {customer.channel} while the agent owned the conversation: {extra}"
        time.sleep(0.1)


def handoff_loop(
    stack, customer: Customer, agent_name: str, customer_name: str, rating: int, comment: Optional[str] = None
) -> str:
    """The whole story on `customer`'s channel; returns the agent's reply."""
    email = f"{agent_name.lower()}-{uuid.uuid4().hex[:6]}@example.com"
    agent = auth.add_agent(email, agent_name, PASSWORD)
    desk = Desk(stack.rasa_url)
    assert desk.login(email, PASSWORD).status_code == 200  # and so the agent is online

    # 1. An ordinary question, then the customer asks for a person.
    assert "order number" in _texts(customer.say("where is my order?")).lower()
    asked_at = len(customer.received())
    (handed,) = customer.say("I want to talk to a person")
    assert "connecting you with a person" in handed.text and "in line" in handed.text
    assert handed.buttons == ["Stop waiting"]
    customer.check_placement(handed)

    # 2. The agent sees it in the queue, on the right channel, and claims it.
    handoff = desk.handoff_for(customer.sender_id)
    assert handoff["status"] == "queued" and handoff["reason"] == "customer_request"
    assert handoff["channel"] == customer.channel
    assert handoff["customer_name"] == customer_name
    path = f"/handoffs/{handoff['id']}"
    assert desk.post(f"{path}/claim").status_code == 200
    joined = customer.wait_for(asked_at, lambda m: f"{agent_name} from our support team has joined" in m.text, "join")
    customer.check_placement(joined)

    # 3. The customer writes: the agent reads it in the desk, the bot stays silent.
    quiet_from = len(customer.received())
    assert customer.say("my parcel never arrived, can you check?") == []
    _assert_silent(customer, quiet_from)
    detail = desk.get(path).json()
    assert detail["owner"] == "agent" and detail["handoff"]["agent_name"] == agent_name
    said = [e["text"] for e in detail["transcript"] if e["who"] == "customer"]
    assert said[-1] == "my parcel never arrived, can you check?"
    assert bot_spoke_while_paused(tracker(stack.rasa_url, customer.sender_id)) == []

    # 4. The agent answers: exactly that text reaches the customer, in the conversation.
    reply = f"Hi, this is {agent_name}. I'm checking your parcel with the carrier now."
    assert desk.post(f"{path}/messages", {"text": reply}).status_code == 201
    got = customer.wait_for(quiet_from, lambda m: m.text == reply, "the agent's reply")
    customer.check_placement(got)
    assert [m.text for m in customer.received()[quiet_from:]] == [reply]
    quiet_from = len(customer.received())
    assert customer.say("thank you!") == []  # to the agent, not a cue for the bot's "you're welcome"
    _assert_silent(customer, quiet_from)
    agent_entries = [e for e in desk.get(path).json()["transcript"] if e["who"] == "agent"]
    assert [(e["text"], e["agent"]) for e in agent_entries] == [(reply, agent_name)]

    # Everything the channel delivered while a person owned the conversation.
    owned = customer.received()[asked_at:]
    assert [m.text for m in owned] == [handed.text, joined.text, reply]

    # 5. The agent hands back: the bot resumes here, checks nothing is left, asks for a rating.
    back_from = len(customer.received())
    assert desk.post(f"{path}/handback").status_code == 200
    back = customer.wait_for(back_from, lambda m: "handed you back" in m.text, "the hand-back")
    customer.check_placement(back)
    assert back.text == (
        f"{agent_name} has handed you back to me, the virtual assistant. Is there anything else I can help you with?"
    )
    assert back.buttons == ["Yes", "No, that's all"]
    assert [m.text for m in customer.received()[back_from:]] == [back.text]  # once, and nothing else
    assert desk.get(path).json()["handoff"]["status"] == "resolved"

    (question,) = customer.click(back, "No, that's all")
    assert question.text == (
        "Alright! Before you go: How would you rate the help you got today, from 1 (very poor) to 5 (excellent)?"
    )
    assert question.buttons == ["5 – Excellent", "4 – Good", "3 – OK", "2 – Poor", "1 – Very poor", "Skip"]
    customer.check_placement(question)
    (prompt,) = customer.click(question, next(b for b in question.buttons if b.startswith(f"{rating} –")))
    customer.check_placement(prompt)
    assert prompt.buttons == ["Skip"]
    follow_up = None
    if rating <= 2:  # a low rating opens a follow-up ticket, and the comment goes into it
        follow_up = re.search(r"ticket (T-\d+)", prompt.text).group(1)
        assert "A team lead will review this conversation" in prompt.text
    else:
        assert prompt.text.startswith("Thank you! Is there anything you'd like to tell us")
    if comment is None:
        assert "have a great day" in _texts(customer.click(prompt, "Skip"))
    else:
        (thanks,) = customer.say(comment)  # the thanks only: the assistant then waits
        customer.check_placement(thanks)
        assert (f"added that to ticket {follow_up}" if follow_up else "passed that on to the team") in thanks.text

    # The rating is stored with the conversation, the handoff's agent and "a person took part",
    # and the desk's numbers show it.
    assert _ratings(customer.sender_id) == [
        {
            "rating": rating,
            "channel": customer.channel,
            "handoff_id": handoff["id"],
            "agent_id": agent.id,
            "person_involved": True,
            "comment": comment,
            "follow_up_ticket": follow_up,
        }
    ]
    if follow_up:
        messages = desk.get(f"/tickets/{follow_up}").json()["messages"]
        assert [m["text"] for m in messages if m["author"] == "customer"][-1:] == [comment]
    by_agent = desk.get("/stats").json()["satisfaction"]["by_agent"]
    assert by_agent[agent_name] == {"count": 1, "average": float(rating)}

    # The whole conversation, as Rasa stored it: paused once, resumed once, and no bot message
    # in between that an agent did not write or the handoff itself did not send.
    events = tracker(stack.rasa_url, customer.sender_id)["events"]
    assert [e["event"] for e in events if e["event"] in ("pause", "resume")] == ["pause", "resume"]
    assert bot_spoke_while_paused({"events": events}) == []
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert user_texts[-3:] == ["/deny", f'/rate{{"rating": "{rating}"}}', comment or "/deny"]
    assert all(e.get("input_channel") == customer.channel for e in events if e["event"] == "user")
    return reply


# ---- one test per channel -----------------------------------------------------------------


def test_handoff_over_the_web_widget(assistant):
    customer = WebchatCustomer(assistant, "Wendy Walker")
    try:
        reply = handoff_loop(assistant, customer, agent_name="Ann", customer_name="Wendy Walker", rating=5)
        live = {m.raw[1]["id"]: m.text for m in customer.received()}
    finally:
        customer.close()

    # A reload restores the conversation: the agent's messages have the ids they had live, so
    # the widget shows each once.
    again = WebchatCustomer(assistant, "Wendy Walker", session_id=customer.sender_id)
    try:
        history = again.client.history["messages"]
    finally:
        again.close()
    restored = {m["id"]: m["message"].get("text") for m in history if m["from"] == "bot"}
    assert restored == live
    assert reply in restored.values()
    said = [m["message"]["text"] for m in history if m["from"] == "user"]
    assert "my parcel never arrived, can you check?" in said and said[-3:] == [
        "No, that's all",
        "5 – Excellent",
        "Skip",
    ]


@pytest.mark.parametrize("in_thread", [False, True], ids=["direct message", "channel thread"])
def test_handoff_over_slack(assistant, slack_api, in_thread):
    customer = SlackCustomer(assistant, slack_api, "Sara Lund", in_thread=in_thread)
    agent_name = "Tom" if in_thread else "Sam"
    handoff_loop(
        assistant, customer, agent_name=agent_name, customer_name="Sara Lund", rating=4, comment="Quick and kind"
    )


def test_handoff_over_telegram(assistant, telegram_api):
    customer = TelegramCustomer(assistant, telegram_api, "Tomasz", "Nowak")
    handoff_loop(assistant, customer, agent_name="Kim", customer_name="Tomasz Nowak", rating=2, comment="Took two days")


def test_a_reply_the_platform_refuses_is_reported_to_the_agent_and_not_recorded_as_sent(assistant, telegram_api):
    customer = TelegramCustomer(assistant, telegram_api, "Lena", "Berg")
    email = f"rui-{uuid.uuid4().hex[:6]}@example.com"
    auth.add_agent(email, "Rui", PASSWORD)
    desk = Desk(assistant.rasa_url)
    assert desk.login(email, PASSWORD).status_code == 200
    customer.say("I want to talk to a person")
    path = f"/handoffs/{desk.handoff_for(customer.sender_id)['id']}"
    assert desk.post(f"{path}/claim").status_code == 200

    telegram_api.fail("sendMessage", "Forbidden: bot was blocked by the user", error_code=403)
    refused = desk.post(f"{path}/messages", {"text": "Are you still there?"})
    assert refused.status_code == 502 and "telegram" in refused.json()["error"]
    transcript = desk.get(path).json()["transcript"]
    assert "Are you still there?" not in [e["text"] for e in transcript]

    assert desk.post(f"{path}/messages", {"text": "Trying again: are you there?"}).status_code == 201
    customer.wait_for(0, lambda m: m.text == "Trying again: are you there?", "the second reply")
    assert [e["text"] for e in desk.get(path).json()["transcript"] if e["who"] == "agent"] == [
        "Trying again: are you there?"
    ]
    assert desk.post(f"{path}/handback").status_code == 200
