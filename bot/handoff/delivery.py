"""Messages that do not come from the bot's own turn (an agent's reply, a queue update, a
ticket answer) go out through the customer's own channel and into the same Rasa tracker,
so the transcript stays one story.

Runs in the Rasa server process, where the channels and the tracker store live.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.shared.core.events import BotUttered, Event

from bot.handoff import service

logger = logging.getLogger(__name__)

# Channels that can push to the customer at any time; the others (REST, the terminal) get
# agent messages from the outbox with the answer to their next message.
PUSH_CHANNELS = {"webchat": "channels.webchat", "slack": "channels.slack", "telegram": "channels.telegram"}


class DeliveryError(Exception):
    pass


def output_channel_for(channel: str, sender_id: str) -> Optional[OutputChannel]:
    module = PUSH_CHANNELS.get(channel)
    if module is None:
        return None
    return importlib.import_module(module).output_channel_for(sender_id)


async def append_events(agent: Any, sender_id: str, events: List[Event]) -> None:
    """Add events to a conversation's tracker under its lock (so no bot turn interleaves)."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.get_or_create_tracker(sender_id)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


async def send(
    agent: Any,
    sender_id: str,
    channel: str,
    text: str,
    *,
    buttons: Optional[List[Dict[str, str]]] = None,
    author: Optional[Dict[str, Any]] = None,
    strict: bool = False,
    deliver: bool = True,
    system: bool = True,
) -> BotUttered:
    """Write the message to the tracker and deliver it on `channel`.

    `author` marks an agent's message ({"id", "name"}); `strict` raises DeliveryError when the
    platform refused it (the agent must know), and then the message is not written to the
    transcript either, so nobody reads a message as sent that the customer never got.
    Otherwise it is recorded first and a failure is only logged.
    `deliver=False` only records it (the caller sends it on the request's own output channel).
    `system=False`: the assistant's own words (not a handoff notice).
    """
    data: Dict[str, Any] = {"buttons": buttons} if buttons else {}
    metadata: Dict[str, Any] = {"agent": author} if author else ({"handoff_system": True} if system else {})
    event = BotUttered(text=text, data=data, metadata=metadata)
    message = event.message()
    if not strict:
        await append_events(agent, sender_id, [event])
    if not deliver:
        return event
    try:
        output = output_channel_for(channel, sender_id)
    except Exception as err:  # noqa: BLE001 - a channel that is not configured any more
        logger.error("handoff: no output for %s on %s: %s", sender_id, channel, err)
        if strict:
            raise DeliveryError(f"The {channel} channel can't reach this customer: {err}") from err
        return event
    if output is None:
        service.push_outbox(sender_id, _outbox_message(message))
    else:
        try:
            if strict and hasattr(output, "send_text_message") and not buttons and channel != "webchat":
                await output.send_text_message(sender_id, text)  # raises on failure
            else:
                await output.send_response(sender_id, message)
        except Exception as err:  # noqa: BLE001
            logger.error("handoff: could not deliver to %s on %s: %s", sender_id, channel, err)
            if strict:
                raise DeliveryError(f"{channel} refused the message: {err}") from err
    if strict:  # delivered (or queued for the customer's next request): now it is part of the story
        await append_events(agent, sender_id, [event])
    return event


def _outbox_message(message: Dict[str, Any]) -> Dict[str, Any]:
    """The shape the REST channel returns for a bot message."""
    out: Dict[str, Any] = {"recipient_id": message.get("recipient_id")}
    if message.get("text"):
        out["text"] = message["text"]
    if message.get("buttons"):
        out["buttons"] = message["buttons"]
    agent = message.get("agent")  # BotUttered.message() merges the event's metadata in
    if agent:
        out["metadata"] = {"agent": agent}
    return {k: v for k, v in out.items() if v is not None}


def drain_outbox_into(output_channel: OutputChannel, sender_id: str) -> None:
    """Give a REST client the agent messages waiting for it, before this turn's replies."""
    if isinstance(output_channel, CollectingOutputChannel):
        pending = service.pop_outbox(sender_id)
        if pending:
            output_channel.messages[:0] = [{**m, "recipient_id": sender_id} for m in pending]
