"""Build rasa-sdk trackers from plain JSON-like dicts, the way the action server gets them."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "inform",
    entities: Optional[List[Dict[str, Any]]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    sender_id: str = "test-user",
    channel: str = "rest",
    active_loop: Optional[str] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": latest,
        "input_channel": channel,
        "metadata": metadata or {},
    }
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": dict(slots or {}),
            "latest_message": latest,
            "events": list(events or []) + ([] if events and events[-1].get("event") == "user" else [user_event]),
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action: Action, trk: Tracker, domain: Optional[Dict[str, Any]] = None) -> Tuple[List[Dict], List[Dict]]:
    """Run an action; returns (events, messages the dispatcher collected)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain or {}))
    return events, dispatcher.messages


def texts(messages: List[Dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def bot_spoke_while_paused(tracker: dict) -> List[Optional[str]]:
    """Bot utterances between a pause and the following resume that neither an agent wrote
    nor the handoff itself sent (queue updates, "... has joined"): the bot speaking out of turn."""
    paused, offenders = False, []
    for event in tracker["events"]:
        if event["event"] == "pause":
            paused = True
        elif event["event"] == "resume":
            paused = False
        elif event["event"] == "bot" and paused:
            meta = event.get("metadata") or {}
            if not meta.get("agent") and not meta.get("handoff_system"):
                offenders.append(event.get("text"))
    return offenders
