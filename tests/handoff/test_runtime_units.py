"""The handoff gate and agent operations (bot/handoff/runtime.py) without servers or a model:
a fake Rasa agent (Rasa's in-memory tracker and lock stores, a fake processor) on a throw-away
SQLite app database."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.desk import auth
from bot.desk.events import EventBus
from bot.handoff import ownership, queue
from bot.handoff.delivery import Delivery, Outbox
from bot.handoff.runtime import HandoffRuntime
from bot.handoff.texts import STOP_WAITING_BUTTON, queue_update, ticket_instead_of_wait
from bot.intake import Intake, too_long_text
from bot.outbound import ChannelRegistry, DeliveryError
from bot.settings import PROJECT_ROOT, Settings
from bot.store.handoff import HandoffStatus
from bot.store.tickets import get_ticket
from tests.fakes import FakeAgent, RecordingOutbound, app_database, handoff_config, published

SENDER = "slack:T1:C1:1700000000.000100"
CONFIG = handoff_config()


@pytest.fixture
def app_db(tmp_path):
    yield from app_database(tmp_path)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


class Gate:
    """A runtime wired like bot/app.py does it, with fakes around it."""

    def __init__(self, agent: FakeAgent, outbound: Optional[RecordingOutbound] = None, intake: Any = None) -> None:
        self.agent = agent
        self.slack = outbound or RecordingOutbound("slack")
        registry = ChannelRegistry(fallback=Outbox())
        registry.register("slack", self.slack)
        self.bus = EventBus()
        self.events = self.bus.subscribe()
        self.runtime = HandoffRuntime(lambda: agent, CONFIG, self.bus, Delivery(lambda: agent, registry), intake)

    async def say(self, text: str, sender_id: str = SENDER, **kwargs: Any) -> Optional[List[Dict[str, Any]]]:
        message = UserMessage(
            text,
            CollectingOutputChannel(),
            sender_id,
            input_channel="slack",
            message_id=kwargs.pop("message_id", "m-1"),
            metadata=kwargs.pop("metadata", {"customer": {"channel": "slack", "id": "U1"}}),
        )
        return await self.runtime.handle_message(message)


def kinds(events: List[Dict[str, Any]]) -> List[str]:
    return [e["type"] for e in events]


# ---- the gate: to the bot, or to the person who owns the conversation ------------------------


async def test_without_an_open_handoff_the_message_goes_to_the_bot(app_db):
    agent = FakeAgent(reply="Hello! How can I help?")
    gate = Gate(agent)
    replies = await gate.say("hello")

    assert [m.text for m in agent.handled] == ["hello"]
    assert agent.processor.parsed == []  # the bot's own turn parses it, not the gate
    assert replies == [{"recipient_id": SENDER, "text": "Hello! How can I help?"}]
    assert published(gate.events) == []  # nothing for the desk


async def test_with_an_open_handoff_the_bot_is_not_asked_and_the_desk_is_told(app_db):
    agent = FakeAgent(intent="inform", reply="the bot must not say this")
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "customer_request")

    replies = await gate.say("my parcel never came", message_id="m-42", metadata={"customer": {"id": "U1"}})

    assert agent.handled == []
    assert agent.processor.parsed == ["my parcel never came"]  # parsed so the agent sees the intent
    events = await agent.events(SENDER)
    [said] = [e for e in events if isinstance(e, UserUttered)]
    received = said.metadata.pop("received_ts")  # stamped by the gate on arrival (first-response times)
    assert said.timestamp - 5 < received <= said.timestamp
    assert (said.text, said.intent["name"], said.input_channel, said.message_id, said.metadata) == (
        "my parcel never came",
        "inform",
        "slack",
        "m-42",
        {"customer": {"id": "U1"}},
    )
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert tracker.is_paused()

    [event] = published(gate.events)
    assert (event["type"], event["handoff_id"], event["sender_id"]) == ("message", handoff.id, SENDER)
    assert (event["entry"]["who"], event["entry"]["text"]) == ("customer", "my parcel never came")

    # A waiting customer hears their place (recorded as a handoff notice, not the bot's words).
    expected = "Thanks, I've passed that on. " + queue_update(1, 4)
    assert replies == [{"recipient_id": SENDER, "text": expected, "buttons": [STOP_WAITING_BUTTON]}]
    [notice] = [e for e in events if isinstance(e, BotUttered)]
    assert (notice.text, notice.metadata) == (expected, {"handoff_system": True})
    assert gate.slack.calls == []  # answered in the customer's own request


async def test_a_waiting_customer_hears_their_place_at_most_once_a_minute_and_pause_is_not_repeated(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    queue.create(SENDER, "slack", "customer_request")
    first = await gate.say("hello?")
    second = await gate.say("anyone there?", message_id="m-2")

    assert len(first) == 1 and second == []
    events = await agent.events(SENDER)
    assert [e.text for e in events if isinstance(e, UserUttered)] == ["hello?", "anyone there?"]
    assert sum(isinstance(e, ConversationPaused) for e in events) == 1
    assert kinds(published(gate.events)) == ["message", "message"]
    assert agent.handled == []


async def test_a_waiting_customer_is_answered_on_a_host_booted_seconds_ago(app_db, monkeypatch):
    import time

    clock = SimpleNamespace(monotonic=lambda: 5.0, time=time.time)  # the monotonic clock starts near 0
    monkeypatch.setattr("bot.handoff.runtime.time", clock)
    gate = Gate(FakeAgent())
    queue.create(SENDER, "slack", "customer_request")
    assert len(await gate.say("hello?")) == 1


async def test_an_assigned_conversation_gets_no_bot_reply_at_all(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    ann = auth.add_agent("ann@example.com", "Ann", "a long enough password")
    queue.create(SENDER, "slack", "customer_request", status=HandoffStatus.assigned, agent_id=ann.id)

    assert await gate.say("are you a person?") == []
    assert agent.handled == [] and await agent.bot_messages(SENDER) == []
    assert kinds(published(gate.events)) == ["message"]


@pytest.mark.parametrize("intent, text", [("stop_waiting", "I'll stop waiting"), ("inform", "/stop_waiting")])
async def test_a_waiting_customer_can_stop_waiting(app_db, domain, intent, text):
    agent = FakeAgent(domain, intent=intent)
    agent.processor.say = "Okay, you're out of the queue."
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "customer_request")

    replies = await gate.say(text)

    assert queue.get(handoff.id).status == "abandoned" and queue.open_handoff_for(SENDER) is None
    assert agent.processor.executed == [(SENDER, "action_stopped_waiting")]
    assert replies == [{"recipient_id": SENDER, "text": "Okay, you're out of the queue."}]  # no place in line
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert not tracker.is_paused()
    assert isinstance(tracker.events[-1], ActionExecuted) and tracker.events[-1].action_name == "action_listen"
    events = published(gate.events)
    assert kinds(events) == ["message", "queue"] and events[1]["handoff"]["status"] == "abandoned"
    assert agent.handled == []


async def test_an_over_long_message_is_refused_with_the_intakes_text(app_db):
    agent = FakeAgent(reply="must not be asked")
    intake = Intake(Settings().security)
    gate = Gate(agent, intake=intake)
    text = "x" * (intake.max_chars + 1)

    replies = await gate.say(text)

    assert replies == [{"recipient_id": SENDER, "text": too_long_text(len(text), intake.max_chars)}]
    assert agent.handled == [] and agent.processor.parsed == []
    assert await agent.tracker_store.retrieve(SENDER) is None  # not recorded anywhere
    assert published(gate.events) == []

    longest = "y" * intake.max_chars  # the limit itself is fine
    assert await gate.say(longest) == [{"recipient_id": SENDER, "text": "must not be asked"}]
    assert [m.text for m in agent.handled] == [longest]


async def test_an_over_long_message_is_refused_even_while_a_person_owns_the_conversation(app_db):
    agent = FakeAgent()
    intake = Intake(Settings().security)
    gate = Gate(agent, intake=intake)
    queue.create(SENDER, "slack", "customer_request")
    replies = await gate.say("z" * (intake.max_chars + 5))
    assert [r["text"] for r in replies] == [too_long_text(intake.max_chars + 5, intake.max_chars)]
    assert agent.processor.parsed == [] and published(gate.events) == []


async def test_a_rest_customer_gets_waiting_agent_messages_first(app_db):
    agent = FakeAgent(reply="And here is my answer.")
    gate = Gate(agent)
    handoff = queue.create("rest:c1", "rest", "customer_request")
    await gate.runtime.agent_message(handoff, {"id": 1, "name": "Ann"}, "Ann here; I've refunded you.")
    ownership.close(handoff.id, HandoffStatus.resolved, admin=True)

    replies = await gate.say("thanks", sender_id="rest:c1")
    assert replies == [
        {
            "recipient_id": "rest:c1",
            "text": "Ann here; I've refunded you.",
            "metadata": {"agent": {"id": 1, "name": "Ann"}},
        },
        {"recipient_id": "rest:c1", "text": "And here is my answer."},
    ]


async def test_a_bot_turn_that_handed_over_tells_the_desk(app_db):
    class HandingOver(FakeAgent):
        async def handle_message(self, message: Any) -> None:
            await super().handle_message(message)
            queue.create(message.sender_id, "slack", "customer_request")  # what action_handoff does

    gate = Gate(HandingOver())
    await gate.say("a person please")
    [event] = published(gate.events)
    assert event["type"] == "queue" and (event["handoff"]["sender_id"], event["handoff"]["status"]) == (
        SENDER,
        "queued",
    )


async def test_the_assistant_is_never_silent(app_db, domain):
    agent = FakeAgent(domain)
    gate = Gate(agent)
    # What the patched tracker store hands the runtime after the bot's turn: a "yes" to no
    # question, and the policies predicted nothing to say.
    turn = DialogueStateTracker.from_events(
        SENDER, [ActionExecuted("action_listen"), UserUttered("yes", {"name": "affirm", "confidence": 0.9})]
    )
    gate.runtime.remember(turn)

    replies = await gate.say("yes")

    # the response's variation without a condition: this conversation has no language yet
    [default] = [r for r in domain.responses["utter_default"] if not r.get("condition")]
    assert replies == [{"recipient_id": SENDER, "text": default["text"], "buttons": default["buttons"]}]
    [stored] = await agent.bot_messages(SENDER)
    # the assistant's own words (not a handoff notice), marked as the response they are
    assert (stored.text, stored.metadata) == (default["text"], {"utter_action": "utter_default"})
    assert agent.processor.executed == []


async def test_the_never_silent_answer_is_in_the_conversations_language(app_db, domain):
    agent = FakeAgent(domain)
    gate = Gate(agent)
    turn = DialogueStateTracker.from_events(
        SENDER,
        [
            ActionExecuted("action_listen"),
            SlotSet("language", "ja"),
            UserUttered("はい", {"name": "affirm", "confidence": 0.9}),
        ],
        slots=domain.slots,
    )
    gate.runtime.remember(turn)

    [reply] = await gate.say("はい")

    variations = domain.responses["utter_default"]
    japanese = [
        r for r in variations if {(c["name"], c["value"]) for c in r.get("condition") or []} == {("language", "ja")}
    ]
    english = [r for r in variations if not r.get("condition")]
    assert reply["text"] == (japanese or english)[0]["text"]  # English while domain.yml has no Japanese one


async def test_a_turn_with_an_answer_gets_no_extra_reply(app_db, domain):
    agent = FakeAgent(domain, reply="Sure!")
    gate = Gate(agent)
    gate.runtime.remember(
        DialogueStateTracker.from_events(
            SENDER, [UserUttered("yes", {"name": "affirm", "confidence": 0.9}), BotUttered("Sure!")]
        )
    )
    assert await gate.say("yes") == [{"recipient_id": SENDER, "text": "Sure!"}]
    assert await agent.bot_messages(SENDER) == []


async def test_a_trigger_after_the_bots_turn_runs_action_handoff(app_db, domain):
    agent = FakeAgent(domain, reply="I can help with billing.")
    agent.processor.on_execute = lambda sender, action: queue.create(sender, "slack", "topic", priority=2)
    gate = Gate(agent)
    gate.runtime.remember(
        DialogueStateTracker.from_events(
            SENDER,
            [
                UserUttered("I want to open a billing dispute", {"name": "inform"}),
                BotUttered("I can help with billing."),
            ],
        )
    )

    await gate.say("I want to open a billing dispute")

    assert agent.processor.executed == [(SENDER, "action_handoff")]
    tracker = await agent.tracker_store.retrieve(SENDER)
    slots = [e for e in tracker.events if isinstance(e, SlotSet)]
    assert [(s.key, s.value) for s in slots] == [
        ("handoff_reason", "topic"),
        ("handoff_detail", "the customer mentioned \u201cbilling dispute\u201d"),
    ]
    assert isinstance(tracker.events[-1], ActionExecuted) and tracker.events[-1].action_name == "action_listen"
    [event] = published(gate.events)
    assert event["type"] == "queue" and event["handoff"]["reason"] == "topic"


# ---- agents --------------------------------------------------------------------------------


async def test_agent_message_is_delivered_strictly_recorded_and_published(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "customer_request")
    ann = {"id": 3, "name": "Ann"}

    entry = await gate.runtime.agent_message(handoff, ann, "Hi, I'm Ann. Let me look.")

    [stored] = await agent.bot_messages(SENDER)
    assert entry == {"who": "agent", "text": "Hi, I'm Ann. Let me look.", "timestamp": stored.timestamp, "agent": "Ann"}
    assert stored.metadata == {"agent": ann}
    [(sender, message, strict)] = gate.slack.calls
    assert (sender, message["text"], message["agent"], strict) == (SENDER, "Hi, I'm Ann. Let me look.", ann, True)
    assert published(gate.events) == [
        {"type": "message", "handoff_id": handoff.id, "sender_id": SENDER, "entry": entry}
    ]


async def test_a_refused_agent_message_raises_and_is_neither_recorded_nor_published(app_db):
    agent = FakeAgent()
    gate = Gate(agent, RecordingOutbound("slack", refuse="channel_not_found"))
    handoff = queue.create(SENDER, "slack", "customer_request")
    with pytest.raises(DeliveryError):
        await gate.runtime.agent_message(handoff, {"id": 3, "name": "Ann"}, "Hello?")
    assert await agent.bot_messages(SENDER) == []
    assert published(gate.events) == []


async def test_took_over_pauses_and_announces_the_agent(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "agent_takeover")
    await gate.runtime.took_over(handoff, "Ann")
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert tracker.is_paused()
    [(_, message, strict)] = gate.slack.calls
    assert message["text"].startswith("Ann from our support team has joined") and strict is False
    assert kinds(published(gate.events)) == ["queue"]


async def test_ticket_instead_turns_the_wait_into_a_ticket(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "customer_request")
    await gate.runtime.delivery.append_events(
        SENDER, [UserUttered("my order arrived broken", {"name": "inform"}), ConversationPaused()]
    )

    await gate.runtime.ticket_instead(handoff, "no one from our team is available right now")

    closed = queue.get(handoff.id)
    assert closed.status == "ticketed" and closed.ticket_reference
    ticket = get_ticket(closed.ticket_reference)
    assert (ticket.priority, ticket.channel, ticket.sender_id) == ("high", "slack", SENDER)
    assert "Transcript:" in ticket.description and "my order arrived broken" in ticket.description
    [(_, message, strict)] = gate.slack.calls
    assert message["text"] == ticket_instead_of_wait("no one from our team is available right now", ticket.reference)
    assert strict is False
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert not tracker.is_paused()
    [event] = published(gate.events)
    assert event["type"] == "queue" and event["handoff"]["status"] == "ticketed"


async def test_tell_queue_position_pushes_the_place_with_the_stop_button(app_db):
    agent = FakeAgent()
    gate = Gate(agent)
    handoff = queue.create(SENDER, "slack", "customer_request")
    await gate.runtime.tell_queue_position(handoff, 2, 8)
    [(sender, message, strict)] = gate.slack.calls
    assert (sender, message["text"], message["buttons"], strict) == (
        SENDER,
        queue_update(2, 8),
        [STOP_WAITING_BUTTON],
        False,
    )


async def test_what_the_server_says_is_in_the_conversations_language(app_db, domain):
    agent = FakeAgent(domain)
    gate = Gate(agent)
    japanese = DialogueStateTracker.from_events(SENDER, [SlotSet("language", "ja")], slots=domain.slots)
    await agent.tracker_store.save(japanese)
    handoff = queue.create(SENDER, "slack", "customer_request")

    replies = await gate.say("荷物がまだ届きません")  # waiting: the place in line
    assert replies[0]["text"] == (
        "ありがとうございます。担当者にお伝えしました。次の順番でご案内いたします。お待ち時間は約4分の見込みです。"
        "こちらにご入力いただいた内容は、すべて担当者に届きます。"
    )
    assert replies[0]["buttons"] == [{"title": "待つのをやめる", "payload": "/stop_waiting"}]
    await gate.runtime.tell_queue_position(handoff, 2, 8)
    await gate.runtime.claimed(handoff, "Ann")
    await gate.runtime.ticket_instead(handoff, "no one from our team is available right now")
    said = [message["text"] for _, message, _ in gate.slack.calls]
    assert said[0].startswith("現在2番目にお待ちいただいています。お待ち時間は約8分の見込みです。")
    assert said[1] == "サポート担当のAnnが会話に参加しました。これまでのやり取りはすべて担当者に共有されています。"
    reference = queue.get(handoff.id).ticket_reference
    assert said[2] == ticket_instead_of_wait("ただいま対応できる担当者がおりません", reference, "ja")
    assert said[2].startswith(
        f"申し訳ございません。ただいま対応できる担当者がおりません。これまでの会話内容を添えてチケット {reference} を"
    )


# ---- the trackers the tracker store saved ---------------------------------------------------


def test_remember_keeps_the_latest_1000_trackers():
    runtime = HandoffRuntime(lambda: None, CONFIG, EventBus(), Delivery(lambda: None, ChannelRegistry()))
    trackers = [SimpleNamespace(sender_id=f"conv-{i}") for i in range(1001)]
    for tracker in trackers[:1000]:
        runtime.remember(tracker)
    assert len(runtime._saved) == 1000 and "conv-0" in runtime._saved

    runtime.remember(trackers[1000])
    assert len(runtime._saved) == 1000
    assert "conv-0" not in runtime._saved  # the oldest aged out
    assert runtime._saved["conv-1000"] is trackers[1000] and runtime._saved["conv-1"] is trackers[1]

    newer = SimpleNamespace(sender_id="conv-500")
    runtime.remember(newer)  # the same conversation again: replaced, not added
    assert len(runtime._saved) == 1000 and runtime._saved["conv-500"] is newer


async def test_tracker_store_patches_are_installed_once_per_store():
    """The root patches the store at start and, through its agent accessor, a store a
    `PUT /model` brought: each store once, so a save is remembered once."""
    from bot import patches

    class Store:
        def __init__(self) -> None:
            self.saved = []

        async def save(self, tracker) -> None:
            self.saved.append(tracker)

    remembered = []
    store = Store()
    assert patches.install_tracker_store_patches(store, remembered.append) is True
    assert patches.install_tracker_store_patches(store, remembered.append) is False
    await store.save("t1")
    assert store.saved == ["t1"] and remembered == ["t1"]
    fresh = Store()  # the next model's agent
    assert patches.install_tracker_store_patches(fresh, remembered.append) is True
