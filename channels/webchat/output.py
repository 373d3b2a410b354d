"""The assistant's messages to a widget session: `bot_uttered` events to the session's room."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import OutputChannel

from channels.webchat import messages as wm

logger = logging.getLogger("channels.webchat")

BOT_EVENT = "bot_uttered"

Emit = Callable[[str, Any, str], Awaitable[Any]]


class WebchatOutput(OutputChannel):
    """Sends bot messages to every socket of a session (its room), in order, never raising."""

    @classmethod
    def name(cls) -> str:
        return wm.CHANNEL_NAME

    def __init__(self, emit: Emit) -> None:
        self._emit = emit

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """One Rasa bot message (a `BotUttered.message()`, with its timestamp) → `bot_uttered` events.

        Code pushing a message that is also written to the tracker (handoff) should call this with
        the event's `message()`, so the live copy and the history copy share an id.
        """
        for index, payload in enumerate(wm.socket_payloads(message)):
            meta = wm.message_meta(message, index)
            try:
                # One argument, as Rasa's socketio protocol has: the id, time and agent name ride in
                # the payload's `metadata` (clients written for Rasa's protocol ignore what they
                # do not know; rasa-webchat reads only its own metadata keys).
                await self._emit(BOT_EVENT, wm.with_meta(payload, meta), recipient_id)
            except Exception:
                # The message is in the tracker: the client gets it from the history when it reconnects.
                logger.exception("webchat: could not deliver bot message %s to session %s", meta["id"], recipient_id)

    async def deliver(self, sender_id: str, message: Dict[str, Any], *, strict: bool = False) -> None:
        """The handoff's `Outbound`. Strict or not, a message that could not be emitted is not
        lost: the widget catches up from the tracker's history when it (re)connects."""
        await self.send_response(sender_id, message)

    async def indicate_typing(self, recipient_id: str, name: str) -> None:
        """A person from the team is writing: the widget shows "<name> is typing…" for a few seconds."""
        await self._emit("typing", {"typing": True, "agent": name}, recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {**kwargs, "text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {**kwargs, "text": text, "buttons": buttons})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {**kwargs, "text": text, "quick_replies": quick_replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {**kwargs, "image": image})

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:  # type: ignore[override]
        await self.send_response(recipient_id, {**kwargs, "attachment": attachment})

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {**kwargs, "elements": list(elements)})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {**kwargs, "custom": json_message})
