"""The seam between the core and the channels for messages the bot's own turn did not send.

An agent's reply, a queue update or a ticket answer reaches the customer through one call:
`registry.outbound_for(channel).deliver(sender_id, message, strict=...)`. Each channel
implements `Outbound`; the composition root (bot/app.py) fills the registry with the channels
it built, so nothing here imports a channel and no channel imports the handoff.

`message` is what Rasa's `BotUttered.message()` returns (`text`, `buttons`, `timestamp`...).
`strict=True` (a person's message: the agent must know) raises `DeliveryError` when the
platform refused it; `strict=False` (a notice from the assistant) logs a failure and returns.
A channel that cannot push to the customer at any time (REST) is served by the `fallback`:
the outbox, which hands the messages over with the answer to the customer's next request.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Protocol, runtime_checkable


class DeliveryError(Exception):
    """The customer's channel refused or could not take a message."""

    def __init__(self, channel: str, sender_id: str, reason: str) -> None:
        super().__init__(f"The {channel} channel could not deliver the message: {reason}")
        self.channel, self.sender_id, self.reason = channel, sender_id, reason


@runtime_checkable
class Outbound(Protocol):
    """Delivers messages to conversations of one channel, outside the customer's own turn."""

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None: ...


class ChannelRegistry:
    """Which `Outbound` serves which channel name; `fallback` for channels without one."""

    def __init__(self, fallback: Optional[Outbound] = None) -> None:
        self._outbound: Dict[str, Outbound] = {}
        self.fallback = fallback

    def register(self, channel: str, outbound: Outbound) -> None:
        if not isinstance(outbound, Outbound):
            raise TypeError(f"{outbound!r} does not implement Outbound.deliver")
        self._outbound[channel] = outbound

    def outbound_for(self, channel: str) -> Outbound:
        outbound = self._outbound.get(channel) or self.fallback
        if outbound is None:
            raise DeliveryError(channel, "", "no such channel is running")
        return outbound

    def pushes(self, channel: str) -> bool:
        """True when `channel` reaches its customers at any time (not only in a reply)."""
        return channel in self._outbound

    @property
    def channels(self) -> Iterable[str]:
        return tuple(self._outbound)
