"""Conversions between Rasa and the web widget's Socket.IO messages; no I/O here.

Bot messages use exactly the payload shapes of Rasa's own `socketio` channel (`{"text"}`,
`{"text", "quick_replies"}`, `{"attachment": {"type": "image", ...}}`), because existing Rasa web
clients (rasa-webchat and its forks) pick a renderer by the payload's exact set of keys. What our
widget needs on top (a stable message id and the server timestamp, used to order messages and to
drop duplicates after a reconnect) travels as a second Socket.IO argument, which those clients ignore.

A bot message's id is derived from the timestamp of its `BotUttered` event, so a message delivered
live and the same message restored from the tracker later carry the same id.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Dict, Iterable, List, Optional
from urllib.parse import urlparse

from rasa.shared.core.events import BotUttered, Event, UserUttered

from channels.cards import order_card_of, text_lines, track_button
from channels.common import customer_metadata

CHANNEL_NAME = "webchat"
MAX_TEXT_LENGTH = 4000
HISTORY_LIMIT = 200
# Our clients only resume ids that look like ones we issue (uuid4 hex); the bound is loose so other
# Rasa clients' ids (rasa-webchat sends uuid4 hex too) work, and tight enough to keep out garbage.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")


def new_session_id() -> str:
    return uuid.uuid4().hex


def valid_session_id(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and _SESSION_ID.match(value) else None


def message_id_from(value: Any) -> str:
    """The client's id for its message (so it can recognise it in the history), or a new one."""
    return value if isinstance(value, str) and _MESSAGE_ID.match(value) else uuid.uuid4().hex


def clean_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return value.strip()[:MAX_TEXT_LENGTH]


# --- bot messages -------------------------------------------------------------------------------


def _quick_replies(buttons: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    replies = []
    for button in buttons or []:
        if not isinstance(button, dict) or not button.get("title"):
            continue
        reply = {"content_type": "text", "title": str(button["title"]), "payload": str(button.get("payload") or "")}
        if button.get("url"):
            reply["url"] = str(button["url"])
            reply["type"] = "web_url"  # how rasa-webchat knows a link button
        replies.append(reply)
    return replies


def socket_payloads(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A Rasa bot message (`BotUttered.message()`) as Rasa-socketio `bot_uttered` payloads, in order."""
    payloads: List[Dict[str, Any]] = []
    card = order_card_of(message)
    if card is not None:
        # One payload: the widget draws the card; other clients show the text and the link button.
        payload: Dict[str, Any] = {"text": "\n".join(text_lines(card)), "order_card": card}
        if track_button(card):
            payload["quick_replies"] = _quick_replies(track_button(card))
        return [payload]
    text = message.get("text")
    buttons = message.get("quick_replies") or message.get("buttons")
    if buttons:
        payloads.append({"text": text or "", "quick_replies": _quick_replies(buttons)})
    elif text:
        payloads.append({"text": text})
    custom = message.get("custom")
    if custom:
        # Rasa's socketio channel emits custom JSON's "data" as the payload.
        payloads.append(custom["data"] if isinstance(custom, dict) and "data" in custom else {"custom": custom})
    if message.get("image"):
        payloads.append({"attachment": {"type": "image", "payload": {"src": message["image"]}}})
    if message.get("attachment"):
        payloads.append({"attachment": message["attachment"]})
    for element in message.get("elements") or []:
        payloads.append(
            {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": element}}}
        )
    return payloads


def message_meta(message: Dict[str, Any], index: int) -> Dict[str, Any]:
    """The id and server time of the `index`-th payload of a bot message, and the name of the
    person who wrote it when a support agent did (the widget labels those messages)."""
    timestamp = message.get("timestamp")
    if isinstance(timestamp, (int, float)):
        meta: Dict[str, Any] = {"id": f"b-{timestamp:.6f}-{index}", "ts": float(timestamp)}
    else:
        meta = {"id": f"b-{uuid.uuid4().hex}", "ts": time.time()}
    # BotUttered.message() merges the event's metadata into the message itself.
    agent = message.get("agent") or (message.get("metadata") or {}).get("agent")
    if isinstance(agent, dict) and isinstance(agent.get("name"), str) and agent["name"]:
        meta["agent"] = agent["name"]
    return meta


_SINGLE_BREAK = re.compile(r"(?<![\n ])\n(?!\n)")


def markdown_breaks(payload: Dict[str, Any]) -> Dict[str, Any]:
    """For clients that render text as Markdown (rasa-webchat): a single line break becomes a
    Markdown hard break ("  \n"), so an address or a list of options keeps its lines."""
    text = payload.get("text")
    if not isinstance(text, str) or "\n" not in text:
        return payload
    return {**payload, "text": _SINGLE_BREAK.sub("  \n", text)}


def bot_messages_since(events: Iterable[Event], since: float) -> List[Dict[str, Any]]:
    """The bot's messages after `since`, as (payload with meta) pairs, oldest first."""
    out: List[Dict[str, Any]] = []
    for event in events:
        if isinstance(event, BotUttered) and (event.timestamp or 0) > since:
            message = event.message()
            for index, payload in enumerate(socket_payloads(message)):
                out.append(with_meta(payload, message_meta(message, index)))
    return out[-HISTORY_LIMIT:]


def split_card(payload: Dict[str, Any]) -> tuple:
    """(the payload as Rasa's protocol shapes it, the order card it carries or None). Clients of
    that protocol tell a message's kind by its keys (rasa-webchat: exactly text and quick_replies
    for buttons), so the card travels with the metadata, which they set aside."""
    if "order_card" not in payload:
        return payload, None
    rest = dict(payload)
    return rest, rest.pop("order_card")


def with_meta(payload: Dict[str, Any], meta: Dict[str, Any]) -> Dict[str, Any]:
    """A `bot_uttered` payload carrying its id, server time, agent name (and an order card) in `metadata`."""
    payload, card = split_card(payload)
    existing = payload.get("metadata")
    extra = {"order_card": card} if card is not None else {}
    return {**payload, "metadata": {**(existing if isinstance(existing, dict) else {}), **meta, **extra}}


# --- history --------------------------------------------------------------------------------------


def display_text(event: UserUttered) -> str:
    """What the customer saw themselves send: a button's title rather than its `/intent` payload."""
    webchat = (event.metadata or {}).get(CHANNEL_NAME) or {}
    shown = webchat.get("display_text") if isinstance(webchat, dict) else None
    return shown if isinstance(shown, str) and shown else (event.text or "")


def history_entries(events: Iterable[Event], since: Optional[float] = None) -> List[Dict[str, Any]]:
    """The conversation's messages as `{id, ts, from, message}` entries, oldest first.

    `since` (the newest server time the client has) limits the answer to what the client may have
    missed; a two-second overlap guards against timestamps that tie, the client drops duplicates by id.
    """
    floor = since - 2.0 if isinstance(since, (int, float)) else None
    entries: List[Dict[str, Any]] = []
    for event in events:
        if floor is not None and (event.timestamp or 0) < floor:
            continue
        if isinstance(event, UserUttered):
            text = display_text(event)
            if not text:
                continue
            entries.append(
                {
                    "id": event.message_id or f"u-{event.timestamp:.6f}",
                    "ts": event.timestamp,
                    "from": "user",
                    "message": {"text": text},
                }
            )
        elif isinstance(event, BotUttered):
            message = event.message()
            for index, payload in enumerate(socket_payloads(message)):
                payload, card = split_card(payload)
                entry = {**message_meta(message, index), "from": "bot", "message": payload}
                if card is not None:
                    entry["order_card"] = card
                entries.append(entry)
    return entries[-HISTORY_LIMIT:]


def foreign_channel(events: Iterable[Event]) -> Optional[str]:
    """The first channel other than ours that a customer used in this conversation, if any.

    A browser may only resume conversations of this channel: a session id that names a Slack or
    Telegram conversation must not show (or inject into) that conversation.
    """
    for event in events:
        if isinstance(event, UserUttered) and event.input_channel not in (None, CHANNEL_NAME):
            return event.input_channel
    return None


# --- identity ---------------------------------------------------------------------------------------


def client_metadata(data: Dict[str, Any]) -> Dict[str, Any]:
    """The free-form metadata a client sent: our widget's `metadata`, rasa-webchat's `customData`."""
    for key in ("metadata", "customData"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        if isinstance(value, dict):
            return value
    return {}


def _short_string(value: Any, limit: int) -> Optional[str]:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


def _http_url(value: Any) -> Optional[str]:
    url = _short_string(value, 2000)
    if url and urlparse(url).scheme in ("http", "https"):
        return url
    return None


def customer_profile(client: Dict[str, Any]) -> Dict[str, Optional[str]]:
    """Name and email the embedding page passed (widget options). Unverified: display/contact only."""
    customer = client.get("customer") if isinstance(client.get("customer"), dict) else client
    email = _short_string(customer.get("email"), 320)
    return {
        "name": _short_string(customer.get("name"), 200),
        "email": email if email and _EMAIL.match(email) else None,
    }


def page_info(client: Dict[str, Any]) -> Dict[str, Optional[str]]:
    page = client.get(CHANNEL_NAME) if isinstance(client.get(CHANNEL_NAME), dict) else client
    return {
        "page_url": _http_url(page.get("page_url")),
        "page_title": _short_string(page.get("page_title"), 300),
        "language": _short_string(page.get("language"), 35),
    }


def user_metadata(
    session_id: str,
    profile: Dict[str, Optional[str]],
    page: Dict[str, Optional[str]],
    user_agent: Optional[str],
    shown_text: Optional[str] = None,
    address_key: Optional[str] = None,
) -> Dict[str, Any]:
    """The `UserMessage.metadata` every channel of this project produces, for the web widget.
    The name and email the embedding page passed are display-only (never verified)."""
    webchat: Dict[str, Any] = {**page, "user_agent": _short_string(user_agent, 500)}
    if shown_text:
        webchat["display_text"] = shown_text[:300]
    metadata = customer_metadata(CHANNEL_NAME, session_id, profile.get("name"), profile.get("email"), platform=webchat)
    if address_key:
        metadata["customer"]["address_key"] = address_key
    return metadata
