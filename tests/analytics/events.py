"""Rasa event dicts for the analytics tests, the way a tracker's `as_dict` writes them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


def session(t: float, slots: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """A new session at `t`, with the slots carried over into it."""
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": t},
        {"event": "session_started", "timestamp": t},
    ]
    events += [slot(name, value, t) for name, value in (slots or {}).items()]
    return events + [{"event": "action", "name": "action_listen", "timestamp": t}]


def user(
    text: str,
    intent: str,
    t: float,
    entities: Optional[List[Dict[str, Any]]] = None,
    channel: str = "rest",
    received: Optional[float] = None,
) -> Dict[str, Any]:
    metadata = {"received_ts": received} if received is not None else {}
    return {
        "event": "user",
        "timestamp": t,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
        "input_channel": channel,
        "metadata": metadata,
    }


def bot(text: str, t: float, response: Optional[str] = None, agent: Optional[dict] = None, system: bool = False):
    metadata: Dict[str, Any] = {}
    if response:
        metadata["utter_action"] = response
    if agent:
        metadata["agent"] = agent
    if system:
        metadata["handoff_system"] = True
    return {"event": "bot", "timestamp": t, "text": text, "data": {}, "metadata": metadata}


def action(name: str, t: float) -> Dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": t}


def slot(name: str, value: Any, t: float) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": t}


def listen(t: float) -> Dict[str, Any]:
    return action("action_listen", t)


def kb_answer(question: str, t: float, channel: str = "rest") -> List[Dict[str, Any]]:
    """A help-centre question answered from an article."""
    return [
        user(question, "faq", t, channel=channel),
        action("action_answer_from_kb", t + 1),
        bot("Refunds take 5-10 business days.", t + 1),
        bot("Was this helpful?", t + 1),
        slot("kb_outcome", "answered", t + 1),
        listen(t + 1),
    ]


def order_found(t: float, email: str = "alice@example.com", channel: str = "rest") -> List[Dict[str, Any]]:
    """An order lookup that found the order (number and email in one message)."""
    return [
        user("where is order 100234, alice@example.com", "check_order", t, channel=channel),
        action("order_status_form", t + 1),
        {"event": "active_loop", "name": "order_status_form", "timestamp": t + 1},
        {"event": "active_loop", "name": None, "timestamp": t + 1},
        action("action_lookup_order", t + 2),
        bot("Order 100234 has shipped.", t + 2),
        slot("order_result", "found", t + 2),
        slot("verified_email", email, t + 2),
        listen(t + 2),
    ]


def thanks(t: float) -> List[Dict[str, Any]]:
    return [user("thanks!", "thank", t), action("action_wrap_up", t + 1), bot("You're welcome!", t + 1), listen(t + 1)]


def not_understood(text: str, t: float, channel: str = "rest") -> List[Dict[str, Any]]:
    return [
        user(text, "nlu_fallback", t, channel=channel),
        action("utter_default", t + 1),
        bot("Sorry, I didn't quite get that.", t + 1, response="utter_default"),
        listen(t + 1),
    ]


def handoff(t: float, queued: bool = True, reference: Optional[str] = None) -> List[Dict[str, Any]]:
    events = [user("I want a person", "request_human", t), action("action_handoff", t + 1)]
    events.append(bot("I'm connecting you with a person.", t + 1))
    if reference:
        events.append(slot("ticket_reference", reference, t + 1))
    events += [slot("handoff_reason", None, t + 1)]
    if queued:
        events.append({"event": "pause", "timestamp": t + 1})
    else:
        events.append(listen(t + 1))
    return events
