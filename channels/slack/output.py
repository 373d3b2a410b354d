"""The assistant's messages to a Slack conversation (a DM, or a thread in a channel)."""

from __future__ import annotations

from typing import Any, Dict, List

from slack_sdk.web.async_client import AsyncWebClient

from channels.cards import text_lines
from channels.common import PayloadTable, ReliableOutputChannel, split_text
from channels.slack.convert import SECTION_LIMIT, button_blocks, escape_mrkdwn, order_card_blocks, parse_sender_id

# One per process: button payloads over Slack's 2,000-character value limit.
PAYLOADS = PayloadTable()


class SlackOutput(ReliableOutputChannel):
    """Sends the assistant's messages to the conversation named by the recipient (sender) id."""

    def __init__(self, client: AsyncWebClient, payloads: PayloadTable = PAYLOADS) -> None:
        self.client = client
        self.payloads = payloads

    @classmethod
    def name(cls) -> str:
        return "slack"

    async def _post(self, recipient_id: str, text: str, **extra: Any) -> None:
        _, channel, thread_ts = parse_sender_id(recipient_id)
        if thread_ts:
            extra["thread_ts"] = thread_ts
        await self.client.chat_postMessage(channel=channel, text=text, **extra)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(escape_mrkdwn(text), SECTION_LIMIT):
            await self._post(recipient_id, chunk)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        chunks = split_text(escape_mrkdwn(text or ""), SECTION_LIMIT)
        for chunk in chunks[:-1]:
            await self._post(recipient_id, chunk)
        last = chunks[-1] if chunks else ""
        fallback = last or escape_mrkdwn(" / ".join(str(b.get("title", "")) for b in buttons))
        await self._post(recipient_id, fallback, blocks=button_blocks(last, buttons, self.payloads, recipient_id))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        block = {"type": "image", "image_url": image, "alt_text": "image"}
        await self._post(recipient_id, image, blocks=[block])

    async def send_order_card(self, recipient_id: str, card: Dict[str, str]) -> None:
        """Block Kit: the order, its details as fields, a "Track parcel" link button."""
        fallback = escape_mrkdwn("\n".join(text_lines(card)))  # notifications and screen readers
        await self._post(recipient_id, fallback, blocks=order_card_blocks(card))

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A response's `custom` payload is passed to chat.postMessage (e.g. `blocks`, `text`)."""
        message = dict(json_message)
        await self._post(recipient_id, message.pop("text", ""), **message)
