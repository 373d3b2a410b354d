"""Small helpers every customer channel needs: the metadata shape, de-duplication, ordered
background work, message splitting, long button payloads and delivery that never gives up
on the remaining replies.

Kept deliberately small and stable: the Slack, Telegram and web-chat channels import it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

from bot.outbound import DeliveryError
from channels.cards import order_card_of, text_lines, track_button

logger = logging.getLogger(__name__)

# A button whose payload this process no longer knows (kept in memory; see PayloadTable).
EXPIRED_BUTTON = "Sorry, that button has expired. Could you type your answer instead?"


def customer_metadata(
    channel: str,
    user_id: str,
    name: Optional[str] = None,
    email: Optional[str] = None,
    platform: Optional[Dict[str, Any]] = None,
    email_verified: bool = False,
) -> Dict[str, Any]:
    """The UserMessage metadata every channel sends: who wrote, plus platform details.

    `{"customer": {"channel", "id", "name", "email", "email_verified"}, "<channel>": {...}}`; the
    assistant maps `customer` into slots, so its shape is the same on every platform. Only the
    channel's own code builds it, never from what a client sent: `id` is the platform's user id
    (or the widget/REST session), and `email_verified` is True only when the platform itself
    vouches for the email (Slack's users.info). Everything else is display-only.
    """
    metadata: Dict[str, Any] = {
        "customer": {
            "channel": channel,
            "id": str(user_id),
            "name": name or None,
            "email": email or None,
            "email_verified": bool(email_verified and email),
        }
    }
    if platform is not None:
        metadata[channel] = platform
    return metadata


class RecentIds:
    """A bounded memory of ids already handled, so a platform's re-delivery is handled once.

    In-process only: after a restart, or across several server processes, a retry of an
    event handled just before could be handled again.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen (and remember it), False for a repeat."""
        if key in self._ids:
            self._ids.move_to_end(key)
            return False
        self._ids[key] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True

    def seen(self, key: str) -> bool:
        """True if `key` was remembered (without remembering it)."""
        return key in self._ids

    def __len__(self) -> int:
        return len(self._ids)


class ConversationTasks:
    """Background work, in arrival order within a conversation, concurrent across them.

    Platforms want a fast acknowledgement, so channels answer the HTTP request at once and
    hand the message to the assistant here. Keeping references also stops asyncio from
    garbage-collecting running tasks, and lets the channel wait for them on shutdown.
    """

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self._tails: Dict[str, asyncio.Task] = {}
        self._tasks: Set[asyncio.Task] = set()

    def submit(self, key: str, work: Callable[..., Awaitable[Any]], *args: Any) -> asyncio.Task:
        previous = self._tails.get(key)
        task = asyncio.get_running_loop().create_task(self._run(key, previous, work, args))
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    def _forget(self, key: str, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _run(self, key: str, previous: Optional[asyncio.Task], work: Callable, args: tuple) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its outcome is its own business
        try:
            await work(*args)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("%s: handling a message in conversation %s failed", self.channel, key)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 10) -> None:
        """Let in-flight messages finish (up to `timeout` seconds), then cancel the rest."""
        if not self._tasks:
            return
        _, unfinished = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in unfinished:
            task.cancel()
        if unfinished:
            logger.warning("%s: cancelled %d unfinished message(s) at shutdown", self.channel, len(unfinished))
            await asyncio.wait(unfinished)


def utf16_length(text: str) -> int:
    """Length as Telegram and Slack count it (UTF-16 code units: an emoji can count 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> List[str]:
    """Split `text` into chunks of at most `limit`, preferring paragraph, then line, then word
    boundaries; a single word longer than the limit is cut. Joining the chunks with the
    separators they were split at gives the text back (less whitespace at the cuts)."""
    if measure(text) <= limit:
        return [text]
    chunks: List[str] = []
    rest = text
    while measure(rest) > limit:
        cut = _fit(rest, limit, measure)
        head = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            at = head.rfind(separator)
            if at > 0:
                chunks.append(rest[:at].rstrip())
                rest = rest[at + len(separator) :].lstrip("\n")
                break
        else:
            chunks.append(head)
            rest = rest[cut:]
    if rest.strip():
        chunks.append(rest)
    return [chunk for chunk in chunks if chunk.strip()]


def _fit(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length of `text` that measures at most `limit`."""
    if measure is len:
        return limit
    low, high = 1, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


class PayloadTable:
    """Button payloads too long for the platform's limit, kept server-side under a short key.

    Keys are derived from the payload, so the same payload always gets the same key and the
    table only grows with distinct long payloads; the oldest are forgotten beyond `size`. A
    key that is no longer known (after a restart) decodes to None.
    """

    PREFIX = "@p:"

    def __init__(self, size: int = 5_000) -> None:
        self._size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str, max_bytes: int) -> str:
        if len(payload.encode()) <= max_bytes and not payload.startswith(self.PREFIX):
            return payload
        key = hashlib.sha256(payload.encode()).hexdigest()[:24]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        if len(self._payloads) > self._size:
            self._payloads.popitem(last=False)
        return self.PREFIX + key

    def decode(self, data: str) -> Optional[str]:
        if not data.startswith(self.PREFIX):
            return data
        return self._payloads.get(data[len(self.PREFIX) :])


class ReliableOutputChannel(OutputChannel):
    """An OutputChannel whose `send_response` (what Rasa calls for each bot message) logs a
    delivery failure with its context instead of raising, so one failed reply neither breaks
    the conversation's processing nor stops the following replies from being attempted.

    It is also the channel's `Outbound` (bot/outbound.py): `deliver(..., strict=True)` raises
    DeliveryError when the platform refused the message (a person's reply: the agent must know).
    """

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        if not strict:
            await self.send_response(sender_id, message)
            return
        try:
            await self._send_message(sender_id, dict(message))
        except asyncio.CancelledError:
            raise
        except Exception as err:
            raise DeliveryError(self.name(), sender_id, f"{type(err).__name__}: {err}") from err

    async def _send_message(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Rasa's dispatch (text, buttons, image, custom JSON), except that an order card is
        drawn once in the platform's own format instead of as its text plus raw JSON."""
        card = order_card_of(message)
        if card is not None:
            await self.send_order_card(recipient_id, card)
            return
        await OutputChannel.send_response(self, recipient_id, message)

    async def send_order_card(self, recipient_id: str, card: Dict[str, str]) -> None:
        """Default: the card's lines, with a "Track parcel" link button when there is a link."""
        text = "\n".join(text_lines(card))
        buttons = track_button(card)
        if buttons:
            await self.send_text_with_buttons(recipient_id, text, buttons)
        else:
            await self.send_text_message(recipient_id, text)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        try:
            await self._send_message(recipient_id, dict(message))
        except asyncio.CancelledError:
            raise
        except Exception as err:
            # Never the text itself: replies carry order details, addresses and emails.
            logger.error(
                "%s: could not deliver a reply to %s (%s: %s); %d characters lost",
                self.name(),
                recipient_id,
                type(err).__name__,
                err,
                len(message.get("text") or ""),
            )


class PlatformInput(InputChannel):
    """What the Slack and Telegram channels share: one output channel, and a constructor from
    their settings section for plain `rasa run` (`channels.slack.SlackInput:` in credentials.yml,
    settings from the environment like `python -m bot run`'s)."""

    REQUIRED = ""  # the variable that turns the channel on, named when it is missing
    output: OutputChannel

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        from bot.intake import Intake
        from bot.settings import ConfigError
        from bot.settings import load as load_settings

        settings = load_settings()
        section = getattr(settings, cls.name())
        if section is None:
            raise ConfigError(f"{cls.REQUIRED} is not set")
        return cls(section, Intake(settings.security))  # type: ignore[call-arg]

    def get_output_channel(self) -> OutputChannel:
        return self.output

    def hand_over(self, sender_id: str, text: str, deliver: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Queue a customer's message for the assistant (in order per conversation), or answer
        at once, in the conversation, that it is too long to ever be read."""
        refusal = self.intake.length(text)  # type: ignore[attr-defined]
        tasks: ConversationTasks = self.tasks  # type: ignore[attr-defined]
        if refusal is not None:
            tasks.submit(sender_id, self.output.send_response, sender_id, {"text": refusal.message})
            return
        tasks.submit(sender_id, deliver, *args)

    async def to_assistant(
        self, sender_id: str, text: str, message_id: Optional[str], metadata: Dict[str, Any]
    ) -> None:
        """Give one converted customer message to the assistant (through the handoff gate)."""
        on_new_message = getattr(self, "_on_new_message", None)
        if on_new_message is None:
            raise RuntimeError(f"{self.name()}: a message arrived before the channel was registered with the server")
        await on_new_message(
            UserMessage(
                text,
                self.output,
                sender_id,
                input_channel=self.name(),
                message_id=message_id,
                metadata=metadata,
            )
        )
