"""Transcripts and summaries from tracker events (plain dicts, as the action server gets them
and as `event.as_dict()` gives them), so an agent starts with the context, not from zero."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Optional

# What each intent tells an agent about what the customer wants.
INTENT_TOPICS = {
    "check_order": "where an order is",
    "cancel_order": "cancelling an order",
    "open_ticket": "reporting a problem",
    "ticket_status": "the status of a ticket",
    "faq": "a help-centre question",
    "request_human": "talking to a person",
    "frustrated": "is frustrated",
    "out_of_scope": "something outside the assistant's scope",
    "nlu_fallback": "something the assistant didn't understand",
}


@dataclass
class Entry:
    who: str  # customer | bot | agent | system
    text: str
    timestamp: float
    agent: Optional[str] = None
    buttons: Optional[List[str]] = None

    def as_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _is_external(event: Dict[str, Any]) -> bool:
    """Messages Rasa injects itself (reminders, external triggers), not typed by anyone."""
    return (event.get("text") or "").startswith("EXTERNAL")


def transcript(events: Iterable[Dict[str, Any]]) -> List[Entry]:
    entries: List[Entry] = []
    for event in events:
        kind, ts = event.get("event"), float(event.get("timestamp") or 0)
        if kind == "user" and not _is_external(event):
            text = event.get("text") or ""
            if text.startswith("/"):
                text = f"[clicked {text}]"
            entries.append(Entry("customer", text, ts))
        elif kind == "bot":
            meta = event.get("metadata") or {}
            buttons = [b.get("title", "") for b in ((event.get("data") or {}).get("buttons") or [])] or None
            agent = (meta.get("agent") or {}).get("name") if isinstance(meta.get("agent"), dict) else None
            entries.append(
                Entry("agent" if agent else "bot", event.get("text") or "", ts, agent=agent, buttons=buttons)
            )
        elif kind == "pause":
            entries.append(Entry("system", "Handed over to a person; the assistant is paused.", ts))
        elif kind == "resume":
            entries.append(Entry("system", "Handed back to the assistant.", ts))
    return entries


def as_text(entries: Iterable[Entry]) -> str:
    lines = []
    for entry in entries:
        when = (
            dt.datetime.fromtimestamp(entry.timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if entry.timestamp else ""
        )
        who = {"customer": "Customer", "bot": "Assistant", "system": "--"}.get(
            entry.who, f"Agent {entry.agent or ''}".strip()
        )
        lines.append(f"[{when}] {who}: {entry.text}")
    return "\n".join(lines)


def _intents(events: Iterable[Dict[str, Any]]) -> List[str]:
    names = []
    for event in events:
        if event.get("event") == "user" and not _is_external(event):
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name:
                names.append(name)
    return names


def summarize(events: List[Dict[str, Any]], slots: Dict[str, Any], reason_text: str = "") -> str:
    """A few lines an agent can read in five seconds: what, which order, what was tried."""
    parts: List[str] = []
    topics: List[str] = []
    for name in _intents(events):
        topic = INTENT_TOPICS.get(name)
        if topic and topic not in topics:
            topics.append(topic)
    if topics:
        parts.append("Asked about: " + ", ".join(topics) + ".")
    if slots.get("order_number") and slots.get("order_result") not in (None, "not_found", "too_many_failures"):
        parts.append(f"Verified order {slots['order_number']} ({slots.get('order_result')}).")
    elif slots.get("order_lookup_failures"):
        parts.append(f"{int(slots['order_lookup_failures'])} failed order look-up(s).")
    kb = slots.get("kb_last_answer")
    if isinstance(kb, dict) and kb.get("title"):
        parts.append(f"Knowledge base answer tried: {kb['title']}.")
    if slots.get("kb_unhelpful_count"):
        parts.append(f"Rated {int(slots['kb_unhelpful_count'])} answer(s) unhelpful.")
    said = [
        e.get("text")
        for e in events
        if e.get("event") == "user" and not _is_external(e) and not (e.get("text") or "").startswith("/")
    ]
    if said:
        parts.append(f'Last said: "{said[-1][:200]}"')
    if reason_text:
        parts.append(f"Handed over because: {reason_text}.")
    return " ".join(parts) or "No messages yet."
