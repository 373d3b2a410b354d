"""What every action shares: error handling at the boundary and the customer's context."""

from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import Settings
from bot.settings import load as load_settings

logger = logging.getLogger(__name__)

RunFn = Callable[..., Awaitable[List[Dict[str, Any]]]]


def apologise_on_error(run: RunFn) -> RunFn:
    """Turn an unexpected failure (database down, bug) into an apology with a way forward.

    The customer never sees a stack trace and is never left in silence; the log gets the
    full context to debug with.
    """

    @functools.wraps(run)
    async def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict[str, Any]]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception:  # noqa: BLE001 - this is the boundary
            logger.exception(
                "action %s failed (conversation %s, last message %r)",
                self.name(),
                tracker.sender_id,
                tracker.latest_message.get("text"),
            )
            dispatcher.utter_message(response="utter_something_went_wrong")
            return []

    return wrapper


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    """The action server's settings, read from the environment once per process."""
    return load_settings()
