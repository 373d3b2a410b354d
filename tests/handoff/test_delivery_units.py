"""Delivery (bot/handoff/delivery.py) and the channel registry (bot/outbound.py) without servers:
a fake Rasa agent with Rasa's in-memory tracker and lock stores, and outbounds that record."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.handoff.delivery import Delivery, OutboundChannel, Outbox, Unavailable, drain_outbox_into
from bot.outbound import ChannelRegistry, DeliveryError, Outbound
from tests.fakes import FakeAgent, RecordingOutbound, app_database

ANN = {"id": 7, "name": "Ann"}
BUTTONS = [{"title": "Stop waiting", "payload": "/stop_waiting"}]


@pytest.fixture
def app_db(tmp_path):
    yield from app_database(tmp_path)


def delivery_with(agent: FakeAgent, **outbounds: Outbound) -> Delivery:
    registry = ChannelRegistry(fallback=Outbox())
    for name, outbound in outbounds.items():
        registry.register(name, outbound)
    return Delivery(lambda: agent, registry)


async def texts_in_tracker(agent: FakeAgent, sender_id: str) -> List[str]:
    return [e.text for e in await agent.bot_messages(sender_id)]


# ---- Delivery.send -------------------------------------------------------------------------


async def test_lenient_send_records_before_delivering_and_a_refusal_does_not_raise():
    agent = FakeAgent()
    in_tracker_at_delivery: List[List[str]] = []

    async def look(sender_id: str, _message: Dict[str, Any], _strict: bool) -> None:
        in_tracker_at_delivery.append(await texts_in_tracker(agent, sender_id))

    slack = RecordingOutbound("slack", refuse="channel_not_found", on_deliver=look)
    event = await delivery_with(agent, slack=slack).send("conv-1", "slack", "You're next in line.")

    assert in_tracker_at_delivery == [["You're next in line."]]  # written first, then delivered
    assert [(sender, message["text"], strict) for sender, message, strict in slack.calls] == [
        ("conv-1", "You're next in line.", False)
    ]
    assert await texts_in_tracker(agent, "conv-1") == ["You're next in line."]  # once, despite the refusal
    assert event.metadata == {"handoff_system": True}


async def test_strict_send_raises_on_refusal_and_leaves_the_transcript_alone():
    agent = FakeAgent()
    slack = RecordingOutbound("slack", refuse="is_archived")
    with pytest.raises(DeliveryError) as raised:
        await delivery_with(agent, slack=slack).send("conv-1", "slack", "Hi, Ann here", author=ANN, strict=True)

    assert (raised.value.channel, raised.value.sender_id, raised.value.reason) == ("slack", "conv-1", "is_archived")
    assert len(slack.calls) == 1 and slack.calls[0][2] is True
    assert await texts_in_tracker(agent, "conv-1") == []  # the customer never got it


async def test_strict_send_records_after_a_successful_delivery_with_the_agent_as_author():
    agent = FakeAgent()
    in_tracker_at_delivery: List[List[str]] = []

    async def look(sender_id: str, _message: Dict[str, Any], _strict: bool) -> None:
        in_tracker_at_delivery.append(await texts_in_tracker(agent, sender_id))

    slack = RecordingOutbound("slack", on_deliver=look)
    event = await delivery_with(agent, slack=slack).send(
        "conv-1", "slack", "Hi, Ann here", buttons=BUTTONS, author=ANN, strict=True
    )

    assert in_tracker_at_delivery == [[]]  # not yet part of the story while it is being delivered
    [stored] = await agent.bot_messages("conv-1")
    assert stored.text == "Hi, Ann here"
    assert stored.metadata == {"agent": ANN}  # an agent's message is not a handoff notice
    assert stored.data == {"buttons": BUTTONS}
    sent = slack.calls[0][1]
    assert (sent["text"], sent["agent"], sent["buttons"]) == ("Hi, Ann here", ANN, BUTTONS)
    assert "handoff_system" not in sent
    assert event.metadata == {"agent": ANN}


async def test_deliver_false_only_records():
    agent = FakeAgent()
    slack = RecordingOutbound("slack")
    delivery = delivery_with(agent, slack=slack)
    notice = await delivery.send("conv-1", "slack", "Thanks, I've passed that on.", deliver=False)
    own_words = await delivery.send("conv-1", "slack", "Sorry, I didn't get that.", deliver=False, system=False)

    assert slack.calls == []
    stored = await agent.bot_messages("conv-1")
    assert [(e.text, e.metadata) for e in stored] == [
        ("Thanks, I've passed that on.", {"handoff_system": True}),
        ("Sorry, I didn't get that.", {}),
    ]
    assert (notice.metadata, own_words.metadata) == ({"handoff_system": True}, {})


async def test_appended_events_go_to_the_right_conversation_only():
    agent = FakeAgent()
    delivery = delivery_with(agent, slack=RecordingOutbound("slack"))
    await delivery.send("conv-1", "slack", "one")
    await delivery.send("conv-2", "slack", "two")
    await delivery.send("conv-1", "slack", "three")
    assert await texts_in_tracker(agent, "conv-1") == ["one", "three"]
    assert await texts_in_tracker(agent, "conv-2") == ["two"]


# ---- Unavailable ---------------------------------------------------------------------------


async def test_unavailable_raises_only_when_strict():
    telegram = Unavailable("telegram", "TELEGRAM_BOT_TOKEN is not set")
    assert await telegram.deliver("conv-1", {"text": "a notice"}, strict=False) is None
    with pytest.raises(DeliveryError) as raised:
        await telegram.deliver("conv-1", {"text": "an agent's reply"}, strict=True)
    assert (raised.value.channel, raised.value.reason) == ("telegram", "TELEGRAM_BOT_TOKEN is not set")
    assert "TELEGRAM_BOT_TOKEN is not set" in str(raised.value)


async def test_send_to_an_unavailable_platform_records_a_notice_but_refuses_an_agent_reply():
    agent = FakeAgent()
    delivery = delivery_with(agent, telegram=Unavailable("telegram", "not configured"))
    await delivery.send("conv-1", "telegram", "Your place changed.")
    with pytest.raises(DeliveryError):
        await delivery.send("conv-1", "telegram", "Hi, Ann here", author=ANN, strict=True)
    assert await texts_in_tracker(agent, "conv-1") == ["Your place changed."]


# ---- the outbox (REST) -----------------------------------------------------------------------


async def test_outbox_round_trip_gives_the_rest_reply_shape_before_this_turns_replies(app_db):
    agent = FakeAgent()
    delivery = delivery_with(agent)  # "rest" is not registered: the fallback, the outbox
    assert not delivery.registry.pushes("rest")
    await delivery.send("rest:c1", "rest", "Hi, Ann here", buttons=BUTTONS, author=ANN, strict=True)
    await delivery.send("rest:c1", "rest", "You're next in line.")
    await delivery.send("rest:someone-else", "rest", "not yours")

    output = CollectingOutputChannel()
    await output.send_response("rest:c1", {"text": "this turn's answer"})
    drain_outbox_into(output, "rest:c1")

    assert output.messages == [
        {"recipient_id": "rest:c1", "text": "Hi, Ann here", "buttons": BUTTONS, "metadata": {"agent": ANN}},
        {"recipient_id": "rest:c1", "text": "You're next in line."},  # a notice: no agent, no timestamp
        {"recipient_id": "rest:c1", "text": "this turn's answer"},
    ]
    assert await texts_in_tracker(agent, "rest:c1") == ["Hi, Ann here", "You're next in line."]

    again = CollectingOutputChannel()
    drain_outbox_into(again, "rest:c1")
    assert again.messages == []  # handed over once
    other = CollectingOutputChannel()
    drain_outbox_into(other, "rest:someone-else")
    assert [m["text"] for m in other.messages] == ["not yours"]


async def test_outbox_keeps_messages_for_a_channel_that_cannot_collect_them(app_db):
    await Outbox().deliver("rest:c1", {"text": "waiting for you", "timestamp": 1.0})

    class Pushing(OutputChannel):
        @classmethod
        def name(cls) -> str:
            return "pushing"

    drain_outbox_into(Pushing(), "rest:c1")  # nothing to hand them to: they stay in the outbox
    output = CollectingOutputChannel()
    drain_outbox_into(output, "rest:c1")
    assert output.messages == [{"recipient_id": "rest:c1", "text": "waiting for you"}]


# ---- the registry and OutboundChannel ------------------------------------------------------


def test_registry_refuses_an_object_without_deliver_and_falls_back():
    fallback, slack = RecordingOutbound("rest"), RecordingOutbound("slack")
    registry = ChannelRegistry(fallback=fallback)
    with pytest.raises(TypeError, match="does not implement Outbound.deliver"):
        registry.register("telegram", object())  # type: ignore[arg-type]
    registry.register("slack", slack)

    assert registry.outbound_for("slack") is slack
    assert registry.outbound_for("rest") is fallback
    assert registry.outbound_for("telegram") is fallback  # the refused registration left no trace
    assert registry.pushes("slack") and not registry.pushes("rest") and not registry.pushes("telegram")
    assert tuple(registry.channels) == ("slack",)


def test_registry_without_fallback_refuses_an_unknown_channel():
    with pytest.raises(DeliveryError) as raised:
        ChannelRegistry().outbound_for("whatsapp")
    assert raised.value.channel == "whatsapp" and "no such channel" in raised.value.reason


async def test_outbound_channel_delivers_leniently():
    telegram = RecordingOutbound("telegram")
    output = OutboundChannel("telegram", telegram)
    await output.send_response("conv-1", {"text": "Anything else?", "buttons": BUTTONS})
    assert output.name() == "telegram"
    assert telegram.calls == [("conv-1", {"text": "Anything else?", "buttons": BUTTONS}, False)]


async def test_output_for_reaches_the_channels_outbound():
    agent = FakeAgent()
    telegram = RecordingOutbound("telegram")
    delivery = delivery_with(agent, telegram=telegram)
    output = delivery.output_for("telegram")
    assert isinstance(output, OutboundChannel) and output.name() == "telegram"
    await output.send_response("conv-1", {"text": "Back with the assistant."})
    assert telegram.calls == [("conv-1", {"text": "Back with the assistant."}, False)]
    assert await texts_in_tracker(agent, "conv-1") == []  # the bot turn records its own words


class Broken:
    """An outbound failing the way a database or a library does, not with DeliveryError."""

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        raise RuntimeError("database is locked")


async def test_any_failure_is_logged_when_lenient_and_a_delivery_error_when_strict():
    agent = FakeAgent()
    delivery = delivery_with(agent, slack=Broken())
    await delivery.send("conv-1", "slack", "You're next in line.")  # recorded, the failure only logged
    assert await texts_in_tracker(agent, "conv-1") == ["You're next in line."]
    with pytest.raises(DeliveryError, match="database is locked"):
        await delivery.send("conv-1", "slack", "Hi, Ann here", author=ANN, strict=True)
    assert await texts_in_tracker(agent, "conv-1") == ["You're next in line."]
