"""Slack's formats to and from the assistant's: conversation ids, message text (Slack's
mrkdwn entities and escaping), Block Kit buttons and the order card. Pure functions, no I/O."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from channels import cards
from channels.cards import web_url
from channels.common import PayloadTable

SECTION_LIMIT = 3000  # characters in a section block's text (we also split plain messages there)
BUTTONS_PER_BLOCK = 25  # elements in one actions block
BUTTON_TITLE_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTION_PREFIX = "rasa_button_"
LINK_PREFIX = "link_button_"  # URL buttons: nothing to do on a click but acknowledge it
BLOCK_PREFIX = "rasa_buttons_"
CUSTOMER_SUBTYPES = {None, "file_share", "thread_broadcast"}  # anything else is an edit, a join, a bot...


def sender_id_for(team: str, channel: str, thread_ts: Optional[str] = None) -> str:
    return f"slack:{team}:{channel}:{thread_ts}" if thread_ts else f"slack:{team}:{channel}"


def parse_sender_id(sender_id: str) -> Tuple[str, str, Optional[str]]:
    """(team, channel, thread_ts or None) from a sender id made by `sender_id_for`."""
    parts = sender_id.split(":")
    if parts[0] != "slack" or len(parts) not in (3, 4) or not all(parts[1:]):
        raise ValueError(f"{sender_id!r} is not a Slack conversation id (slack:<team>:<channel>[:<thread_ts>])")
    return parts[1], parts[2], parts[3] if len(parts) == 4 else None


def is_direct_message(channel: str) -> bool:
    return channel.startswith("D")


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters; everything else is left to render as mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strip_mention(text: str, bot_user_id: Optional[str]) -> str:
    """The message without the @-mention(s) of the bot."""
    who = re.escape(bot_user_id) if bot_user_id else r"[UW][A-Z0-9]+"
    # The look-behind makes a match start only where a run of blanks starts: linear time.
    pattern = rf"(?<![ \t])[ \t]*<@{who}(?:\|[^<>]{{0,200}})?>[ \t]*"
    return re.sub(pattern, " ", text or "", count=0 if bot_user_id else 1).strip()


_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain_text(text: str) -> str:
    """What the customer typed, from Slack's message format: Slack turns an email address
    into `<mailto:a@b.com|a@b.com>`, a link into `<https://...|label>`, and escapes &, < and >."""

    def replace(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("mailto:"):
            return target[len("mailto:") :]
        if target.startswith(("@", "#")):
            return target[0] + label if label else target
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return label or target

    return _ENTITY.sub(replace, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_customer_message(event: Dict[str, Any]) -> bool:
    """A message a person wrote: not an edit, deletion, join notice or any bot's message."""
    return (
        event.get("subtype") in CUSTOMER_SUBTYPES
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
    )


def button_blocks(
    text: str, buttons: List[Dict[str, Any]], payloads: PayloadTable, conversation: Optional[str] = None
) -> List[Dict[str, Any]]:
    """Block Kit for a message with buttons: a section with the text, then actions blocks
    whose buttons carry the Rasa payload as their value. The actions blocks' ids carry the
    conversation (sender id) the message belongs to, so a click lands in that conversation
    even where Slack reports the clicking user's workspace rather than ours (Slack Connect)."""
    blocks: List[Dict[str, Any]] = []
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    elements = []
    for index, button in enumerate(buttons):
        if button.get("url") and web_url(str(button["url"])):  # a link: Slack opens it, the click is only acked
            title = str(button.get("title") or button["url"])
            elements.append(
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": title[:BUTTON_TITLE_LIMIT], "emoji": True},
                    "url": str(button["url"])[:3000],
                    "action_id": f"{LINK_PREFIX}{index}",
                }
            )
            continue
        payload = str(button.get("payload") or button.get("title") or "")
        title = str(button.get("title") or payload)
        elements.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": title[:BUTTON_TITLE_LIMIT], "emoji": True},
                "value": payloads.encode(payload, BUTTON_VALUE_LIMIT),
                "action_id": f"{ACTION_PREFIX}{index}",
            }
        )
    for start in range(0, len(elements), BUTTONS_PER_BLOCK):
        blocks.append(
            {
                "type": "actions",
                "block_id": f"{BLOCK_PREFIX}{start // BUTTONS_PER_BLOCK}"
                + (f"|{conversation}" if conversation else ""),
                "elements": elements[start : start + BUTTONS_PER_BLOCK],
            }
        )
    return blocks


def order_card_blocks(card: Dict[str, str]) -> List[Dict[str, Any]]:
    """An order card in Block Kit: the order and its status, the details as fields (two columns),
    and a "Track parcel" link button."""
    status = card.get("status_text") or card.get("status") or ""
    heading = f"*{escape_mrkdwn(cards.title(card))}*" + (f"  ·  {escape_mrkdwn(status)}" if status else "")
    if card.get("note"):
        heading += f"\n{escape_mrkdwn(card['note'])}"
    blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": heading[:SECTION_LIMIT]}}]
    fields = [
        {"type": "mrkdwn", "text": f"*{label}*\n{escape_mrkdwn(value)}"[:2000]} for label, value in cards.details(card)
    ]
    for start in range(0, len(fields), 10):  # Slack allows 10 fields per section
        blocks.append({"type": "section", "fields": fields[start : start + 10]})
    track = cards.track_button(card)
    if track:
        blocks.extend(block for block in button_blocks("", track, PayloadTable()) if block["type"] == "actions")
    return blocks


def conversation_of(block_id: str, channel: str) -> Optional[str]:
    """The conversation `button_blocks` put in a block id, if it is one in `channel`."""
    _, _, conversation = block_id.partition("|")
    try:
        _, in_channel, _ = parse_sender_id(conversation)
    except ValueError:
        return None
    return conversation if in_channel == channel else None


def chosen_blocks(blocks: List[Dict[str, Any]], title: str) -> List[Dict[str, Any]]:
    """The clicked message's blocks with the buttons replaced by what was chosen."""
    kept = [block for block in blocks if block.get("type") != "actions"]
    note = {"type": "mrkdwn", "text": f"You chose: {escape_mrkdwn(title)}"}
    return [*kept, {"type": "context", "elements": [note]}]
