"""Small fakes for the fast unit tests: a Rasa agent without a model, an outbound that records,
and a throw-away SQLite app database. Rasa is imported lazily, so a test module that only needs
the database (tests/actions) does not pay for loading Rasa's core."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

from bot.outbound import DeliveryError


def app_database(tmp_path: Path) -> Iterator[None]:
    """Bind the process-wide app database to a new SQLite file with the full schema."""
    from bot.store import db

    db.configure(f"sqlite:///{tmp_path / 'app.db'}")
    db.create_schema()
    yield
    db.engine().dispose()


class RecordingOutbound:
    """An `Outbound` (bot/outbound.py) that records each call; `refuse` makes it raise
    DeliveryError (strict or not: a platform that fails hard). `on_deliver` runs first, to look
    at the world as it is at the moment of delivery."""

    def __init__(
        self,
        channel: str = "slack",
        refuse: Optional[str] = None,
        on_deliver: Optional[Callable[[str, Dict[str, Any], bool], Awaitable[None]]] = None,
    ) -> None:
        self.channel = channel
        self.refuse = refuse
        self.on_deliver = on_deliver
        self.calls: List[Tuple[str, Dict[str, Any], bool]] = []

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        if self.on_deliver is not None:
            await self.on_deliver(sender_id, message, strict)
        self.calls.append((sender_id, dict(message), strict))
        if self.refuse:
            raise DeliveryError(self.channel, sender_id, self.refuse)


class FakeProcessor:
    """What the handoff gate uses of Rasa's MessageProcessor: the NLU parse, and running an
    action by name (recorded; `say` is uttered on the output channel like a real action)."""

    def __init__(
        self,
        domain: Any,
        intent: str = "inform",
        say: Optional[str] = None,
        on_execute: Optional[Callable[[str, str], None]] = None,
    ) -> None:
        self.domain = domain
        self.intent = intent
        self.say = say
        self.on_execute = on_execute
        self.parsed: List[str] = []
        self.executed: List[Tuple[str, str]] = []

    async def parse_message(self, message: Any) -> Dict[str, Any]:
        self.parsed.append(message.text)
        return {
            "text": message.text,
            "intent": {"name": self.intent, "confidence": 0.97},
            "entities": [],
            "intent_ranking": [{"name": self.intent, "confidence": 0.97}],
        }

    async def execute_action(self, sender_id: str, action: str, output: Any, nlg: Any, prediction: Any) -> None:
        self.executed.append((sender_id, action))
        if self.on_execute is not None:
            self.on_execute(sender_id, action)
        if self.say:
            await output.send_response(sender_id, {"text": self.say})


class FakeAgent:
    """A Rasa agent without a model: Rasa's in-memory lock and tracker stores, a fake processor,
    and a `handle_message` that records each message (and answers `reply` when set)."""

    def __init__(self, domain: Any = None, intent: str = "inform", reply: Optional[str] = None) -> None:
        from rasa.core.lock_store import InMemoryLockStore
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain

        self.domain = domain if domain is not None else Domain.empty()
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.processor = FakeProcessor(self.domain, intent)
        self.nlg = None
        self.reply = reply
        self.handled: List[Any] = []

    async def handle_message(self, message: Any) -> Optional[List[Dict[str, Any]]]:
        self.handled.append(message)
        if self.reply:
            await message.output_channel.send_response(message.sender_id, {"text": self.reply})
        return None

    async def events(self, sender_id: str) -> List[Any]:
        """The conversation's events as stored ([] when there is no tracker)."""
        tracker = await self.tracker_store.retrieve(sender_id)
        return list(tracker.events) if tracker is not None else []

    async def bot_messages(self, sender_id: str) -> List[Any]:
        from rasa.shared.core.events import BotUttered

        return [e for e in await self.events(sender_id) if isinstance(e, BotUttered)]


def published(queue: asyncio.Queue) -> List[Dict[str, Any]]:
    """Everything an EventBus subscriber has received so far (without waiting)."""
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events


def handoff_config(**overrides: Any):
    """A HandoffConfig that does not depend on the environment: always open, 4 minutes a
    conversation, queue reminders every 120 s, Slack alerts repeated after 120 s up to 5 times."""
    import dataclasses

    from bot.handoff.hours import BusinessHours
    from bot.settings.handoff import HandoffConfig

    config = HandoffConfig(
        after_failed_understandings=2,
        after_unhelpful_answers=2,
        on_frustration=True,
        topics=("billing dispute",),
        order_value=500.0,
        hours=BusinessHours.parse("always"),
        online_window_seconds=90,
        default_handle_minutes=4.0,
        queue_update_seconds=120,
        alert_channel=None,
        alert_repeat_seconds=120,
        alert_max=5,
    )
    return dataclasses.replace(config, **overrides)
