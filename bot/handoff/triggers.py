"""When the assistant should hand a conversation to a person, decided after each bot turn.

Asking for a person (`request_human`) and clear frustration (`frustrated`) are intents with
rules of their own; the triggers here need the conversation's history, so the Rasa server
checks them after every turn the bot handled (see gate.py):

- the assistant failed to understand N turns in a row (fallback, or no knowledge-base answer);
- the customer rated knowledge-base answers unhelpful N times;
- the customer's words mention a configured topic (e.g. "billing dispute");
- the customer reports a problem about a verified order worth at least the configured value.

Only events after the last handoff count, so a conversation handed back is not escalated
again for what happened before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from bot.settings import HandoffConfig

# Turns in which the customer did not get what they came for: not understood, out of scope
# ("that's outside what I can help with" twice in a row should offer a person), or nothing in
# the help centre.
FAILURE_ACTIONS = {"action_default_fallback", "utter_default", "utter_out_of_scope", "action_kb_none"}
HANDOFF_ACTION = "action_handoff"
PROBLEM_INTENTS = {"open_ticket", "frustrated"}


@dataclass(frozen=True)
class Trigger:
    reason: str
    detail: str = ""
    priority: int = 0


def _since_last_handoff(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") in ("resume", "pause", "session_started") or (
            event.get("event") == "action" and event.get("name") == HANDOFF_ACTION
        ):
            return list(events[index + 1 :])
    return list(events)


def _turns(events: Sequence[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """Split into turns, each starting with a (non-external) user message."""
    turns: List[List[Dict[str, Any]]] = []
    for event in events:
        if event.get("event") == "user" and not (event.get("text") or "").startswith("EXTERNAL"):
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    return turns


def _intent(turn: List[Dict[str, Any]]) -> Optional[str]:
    return ((turn[0].get("parse_data") or {}).get("intent") or {}).get("name")


def turn_failed(turn: List[Dict[str, Any]]) -> bool:
    if _intent(turn) == "nlu_fallback":
        return True
    for event in turn[1:]:
        if event.get("event") == "action" and event.get("name") in FAILURE_ACTIONS:
            return True
        if event.get("event") == "slot" and event.get("name") == "kb_outcome" and event.get("value") == "no_answer":
            return True
    return False


def consecutive_failures(turns: List[List[Dict[str, Any]]]) -> int:
    count = 0
    for turn in reversed(turns):
        if not turn_failed(turn):
            break
        count += 1
    return count


def evaluate(events: Sequence[Dict[str, Any]], slots: Dict[str, Any], config: HandoffConfig) -> Optional[Trigger]:
    """The trigger the latest turn fires, if any."""
    turns = _turns(_since_last_handoff(events))
    if not turns:
        return None
    latest = turns[-1]
    if any(e.get("event") == "action" and e.get("name") == HANDOFF_ACTION for e in latest):
        return None  # the turn already handed over (asked for a person, frustration)

    if config.after_failed_understandings > 0:
        failures = consecutive_failures(turns)
        if failures >= config.after_failed_understandings:
            return Trigger("failed_understanding", f"the assistant didn't understand {failures} messages in a row", 1)

    if config.after_unhelpful_answers > 0:
        rated_now = [e for e in latest if e.get("event") == "slot" and e.get("name") == "kb_unhelpful_count"]
        count = float(slots.get("kb_unhelpful_count") or 0)
        if rated_now and count >= config.after_unhelpful_answers:
            return Trigger("unhelpful_answers", f"the customer rated {int(count)} answers unhelpful", 1)

    text = (latest[0].get("text") or "").lower()
    for phrase in config.topics:
        if phrase and phrase in text:
            return Trigger("topic", f"the customer mentioned \u201c{phrase}\u201d", 2)

    value = slots.get("order_value")
    if (
        config.order_value > 0
        and value is not None
        and float(value) >= config.order_value
        and _intent(latest) in PROBLEM_INTENTS
    ):
        return Trigger(
            "high_value_order", f"a problem with order {slots.get('order_number')} worth {float(value):.2f}", 2
        )
    return None
