"""Messages that do not come from the bot's own turn (an agent's reply, a queue update, a
ticket answer) go out through the customer's own channel and into the same Rasa tracker,
so the transcript stays one story.

The channel is reached only through the registry (bot/outbound.py) that the composition root
filled: `Delivery` never knows which platforms exist. Runs in the Rasa server process, where
the channels and the tracker store live.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.shared.core.events import BotUttered, Event

from bot.handoff import outbox
from bot.outbound import ChannelRegistry, DeliveryError, Outbound
from bot.store.db import run_sync

logger = logging.getLogger(__name__)

# What a REST client gets back of a bot message (Rasa's REST reply shape).
OUTBOX_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")


class Outbox:
    """The `Outbound` of channels that cannot push (REST): the message waits in the database
    and goes out with the answer to the customer's next request."""

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        await run_sync(outbox.push_outbox, sender_id, outbox_message(message))


class Unavailable:
    """The `Outbound` of a platform this server does not run (its credentials are not set)."""

    def __init__(self, channel: str, why: str) -> None:
        self.channel, self.why = channel, why

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        if strict:
            raise DeliveryError(self.channel, sender_id, self.why)
        logger.error("handoff: no output for %s on %s: %s", sender_id, self.channel, self.why)


class OutboundChannel(OutputChannel):
    """An `Outbound` as Rasa's OutputChannel, for a bot turn run outside a customer's request
    (the bot resuming after a hand-back): each message is delivered leniently."""

    def __init__(self, channel: str, outbound: Outbound) -> None:
        self._channel, self._outbound = channel, outbound

    def name(self) -> str:  # type: ignore[override]
        return self._channel

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self._outbound.deliver(recipient_id, message, strict=False)


def outbox_message(message: Dict[str, Any]) -> Dict[str, Any]:
    """The shape the REST channel returns for a bot message."""
    out: Dict[str, Any] = {"recipient_id": message.get("recipient_id")}
    out.update({key: message[key] for key in OUTBOX_KEYS if message.get(key)})
    agent = message.get("agent") or (message.get("metadata") or {}).get("agent")
    if agent:  # BotUttered.message() merges the event's metadata in
        out["metadata"] = {"agent": agent}
    return {k: v for k, v in out.items() if v is not None}


class Delivery:
    """Writes messages into a conversation's tracker and delivers them on its channel."""

    def __init__(self, agent_of: Callable[[], Any], registry: ChannelRegistry) -> None:
        self._agent_of = agent_of  # the loaded Rasa agent (a PUT /model replaces it)
        self.registry = registry

    @property
    def agent(self) -> Any:
        return self._agent_of()

    async def append_events(self, sender_id: str, events: List[Event]) -> None:
        """Add events to a conversation's tracker under its lock (so no bot turn interleaves)."""
        agent = self.agent
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.get_or_create_tracker(sender_id)
            for event in events:
                tracker.update(event)
            await agent.tracker_store.save(tracker)

    async def send(
        self,
        sender_id: str,
        channel: str,
        text: str,
        *,
        buttons: Optional[List[Dict[str, str]]] = None,
        author: Optional[Dict[str, Any]] = None,
        strict: bool = False,
        deliver: bool = True,
        system: bool = True,
        response: Optional[str] = None,
    ) -> BotUttered:
        """Write the message to the tracker and deliver it on `channel`.

        `author` marks an agent's message ({"id", "name"}); `strict` raises DeliveryError when the
        platform refused it (the agent must know), and then the message is not written to the
        transcript either, so nobody reads a message as sent that the customer never got.
        Otherwise it is recorded first and a failure is only logged.
        `deliver=False` only records it (the caller sends it on the request's own output channel).
        `system=False`: the assistant's own words (not a handoff notice); `response` names the
        domain response they are (as Rasa marks its own, `utter_action`: analytics read it).
        """
        data: Dict[str, Any] = {"buttons": buttons} if buttons else {}
        metadata: Dict[str, Any] = {"agent": author} if author else ({"handoff_system": True} if system else {})
        if response and not author:
            metadata["utter_action"] = response
        event = BotUttered(text=text, data=data, metadata=metadata)
        if not strict:
            await self.append_events(sender_id, [event])
        if not deliver:
            return event
        try:
            await self.registry.outbound_for(channel).deliver(sender_id, event.message(), strict=strict)
        except DeliveryError as err:
            logger.error("handoff: could not deliver to %s on %s: %s", sender_id, channel, err.reason)
            if strict:
                raise
            return event
        except Exception as err:  # noqa: BLE001 - e.g. the outbox's database: never lost silently
            logger.error("handoff: could not deliver to %s on %s: %s", sender_id, channel, err)
            if strict:
                raise DeliveryError(channel, sender_id, str(err)) from err
            return event
        if strict:  # delivered (or queued for the customer's next request): now it is part of the story
            await self.append_events(sender_id, [event])
        return event

    def output_for(self, channel: str) -> OutputChannel:
        """An OutputChannel reaching the conversation's customer, for a bot turn run by us."""
        return OutboundChannel(channel, self.registry.outbound_for(channel))


def drain_outbox_into(output_channel: OutputChannel, sender_id: str) -> None:
    """Give a REST client the agent messages waiting for it, before this turn's replies."""
    if isinstance(output_channel, CollectingOutputChannel):
        pending = outbox.pop_outbox(sender_id)
        if pending:
            output_channel.messages[:0] = [{**m, "recipient_id": sender_id} for m in pending]
