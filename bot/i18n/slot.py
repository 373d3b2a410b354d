"""Keeps the `language` slot true on every customer message (a patch on Rasa's processor).

Rasa 3.6 fills slots from entities, forms and actions, none of which runs before the dialogue
answers a message; the conversation's language has to be known by then, so the first
response of a Japanese conversation is already Japanese. The patch runs where Rasa logs the
customer's message (`MessageProcessor._handle_message_with_tracker`) and adds a `SlotSet` when
the language changes (bot/i18n/detect.py `choose`: an explicit request, the message's script,
the language already kept, the client's hint in the message metadata, DEFAULT_LANGUAGE).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Optional

from bot.i18n import SLOT
from bot.i18n.detect import choose

logger = logging.getLogger(__name__)

PATCHED = "_language_slot_patched"
# Where a channel leaves the client's language tag in the message metadata: the widget's
# browser language (navigator.language), Telegram's user language_code; REST clients may send
# {"metadata": {"language": "ja"}}. A hint only: what the customer writes decides.
HINTS = (("webchat", "language"), ("telegram", "language_code"), ("rest", "client", "language"), ("language",))


def hint_of(metadata: Any) -> Optional[str]:
    for path in HINTS:
        value = metadata
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def language_after(tracker: Any, text: Optional[str], metadata: Any, default: str) -> str:
    return choose(tracker.get_slot(SLOT), text or "", hint_of(metadata), default)


def install(default: str) -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import SlotSet

    original = MessageProcessor._handle_message_with_tracker
    if getattr(original, PATCHED, False):
        return

    @functools.wraps(original)
    async def handle(self: MessageProcessor, message: Any, tracker: Any) -> None:
        await original(self, message, tracker)
        if not any(slot.name == SLOT for slot in self.domain.slots):
            return
        language = language_after(tracker, message.text, message.metadata, default)
        if language != tracker.get_slot(SLOT):
            logger.debug("conversation %s is now in %s", tracker.sender_id, language)
            tracker.update(SlotSet(SLOT, language), self.domain)

    setattr(handle, PATCHED, True)
    MessageProcessor._handle_message_with_tracker = handle
