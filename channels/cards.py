"""The order card: one order's status as a structured message every channel draws its own way
(the widget a card, Slack Block Kit, Telegram text with an inline keyboard). Pure functions.

An action sends the card as the `order_card` key of its custom JSON, next to a plain-text
version of the same facts (`text`), which is what REST clients, the desk's transcript and
clients that do not know cards read. Only known fields of the card are used, each as text;
the tracking link only when it is an http(s) URL. The card's `lang` (the conversation's language,
set by the action) chooses the labels drawn around the values; English without one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlparse

from bot.i18n import t
from bot.i18n.detect import EN, from_hint

ORDER_CARD = "order_card"
# The card key of each detail line, in the order they are shown (its label: card.label.<key>
# in bot/i18n/messages/cards.py).
DETAIL_KEYS: Tuple[str, ...] = (
    "items",
    "total",
    "placed",
    "carrier",
    "tracking_number",
    "estimated_delivery",
    "delivered",
    "ship_to",
)
_KEYS = {"number", "status", "status_text", "note", "tracking_url", "lang", *DETAIL_KEYS}
MAX_FIELD = 500


def order_card_of(message: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """The order card a Rasa bot message carries, cleaned (text fields only), or None."""
    custom = message.get("custom")
    card = custom.get(ORDER_CARD) if isinstance(custom, dict) else None
    if not isinstance(card, dict) or not card.get("number"):
        return None
    clean = {key: str(value)[:MAX_FIELD] for key, value in card.items() if key in _KEYS and value not in (None, "")}
    if "tracking_url" in clean and not web_url(clean["tracking_url"]):
        del clean["tracking_url"]
    return clean


def web_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def language(card: Dict[str, str]) -> str:
    """The language of the card's labels: its `lang`, or English."""
    return from_hint(card.get("lang")) or EN


def title(card: Dict[str, str]) -> str:
    return t("card.title", language(card), number=card["number"])


def details(card: Dict[str, str]) -> List[Tuple[str, str]]:
    """(label, value) for each detail the card has."""
    lang = language(card)
    return [(t(f"card.label.{key}", lang), card[key]) for key in DETAIL_KEYS if card.get(key)]


def track_button(card: Dict[str, str]) -> List[Dict[str, str]]:
    """The "Track parcel" link button, when the card has a tracking link."""
    url = card.get("tracking_url")
    return [{"title": t("card.track", language(card)), "url": url}] if url else []


def text_lines(card: Dict[str, str]) -> List[str]:
    """The card as plain lines (no raw link: the button carries it)."""
    lang = language(card)
    status = card.get("status_text") or card.get("status") or ""
    lines = [t("card.line", lang, label=title(card), value=status).rstrip(":： ")]
    if card.get("note"):
        lines.append(card["note"])
    lines.extend(t("card.line", lang, label=label, value=value) for label, value in details(card))
    return lines
