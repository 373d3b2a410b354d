"""What happened in one conversation, read from its events: who wrote when, whether the
assistant answered, whether the customer confirmed it or needed more, whether a person was
asked for and when one replied.

A pure function over Rasa event dicts (`tracker.events` as_dict, or the action server's
`tracker.events`), so the Rasa server (which stores the result, bot/analytics/recorder.py) and
the action server (which decides whether to ask for a rating, actions/csat.py) read a
conversation the same way. docs/ANALYTICS.md defines each figure built on these facts.

- An **answer** is a reply that settled what was asked: a help-centre article, an order's status,
  a cancellation done or explained, a ticket's status. A greeting or a question back is not.
- The customer **confirms** by thanking, saying goodbye or "that's all" (the wrap-up,
  actions/csat.py), or "yes" to "Was this helpful?".
- The customer **needs more** when a later turn fails: "I didn't get that", nothing in the help
  centre, "No" to "Was this helpful?", "None of these", a lookup that found nothing.
- An **escalation** is a handoff to a person (queued, or a ticket when nobody could answer), an
  agent taking the conversation over, or a ticket the customer opened for the team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

# An action that answered, if the slot it set says so (slot name, values that mean "answered";
# None: the action always answers).
ANSWERS: Dict[str, Optional[tuple]] = {
    "action_answer_from_kb": ("kb_outcome", ("answered",)),
    "action_lookup_order": ("order_result", ("found",)),
    "action_prepare_cancellation": ("order_result", ("not_cancellable",)),
    "action_cancel_order": ("order_result", ("cancelled", "not_cancellable")),
    "action_keep_order": None,
    "action_check_ticket": ("ticket_reference", None),  # any reference: the ticket was found
}
# Replies that mean the assistant could not help with what the customer just said.
FAILED_RESPONSES = frozenset(
    {
        "utter_default",
        "utter_out_of_scope",
        "utter_something_went_wrong",
        "utter_order_not_found",
        "utter_offer_ticket_after_failures",
        "utter_ticket_not_found",
    }
)
FAILED_ACTIONS = frozenset({"action_kb_none", "action_default_fallback"})
WRAP_UP = "action_wrap_up"
KB_FEEDBACK = "action_kb_feedback"
HANDED_BACK = "action_handed_back"
HANDOFF = "action_handoff"
OPEN_TICKET = "action_open_ticket"


def _intent(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def _entity(event: Dict[str, Any], name: str) -> Optional[str]:
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"]).strip().lower()
    return None


def _preview(text: str, limit: int = 200) -> str:
    """One line of a message, for a list."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def session_events(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events of the last session (from its `session_started`), or all of them."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return list(events[index:])
    return list(events)


def session_start(events: Sequence[Dict[str, Any]]) -> float:
    """The conversation's key (with its sender): when its session started."""
    session = session_events(events)
    return float(session[0].get("timestamp") or 0.0) if session else 0.0


def received_at(event: Dict[str, Any]) -> float:
    """When a customer message reached the server: the gate stamps it before NLU and any
    queueing in the model thread (bot/handoff/runtime.py); Rasa's own timestamp is later."""
    stamped = (event.get("metadata") or {}).get("received_ts")
    if isinstance(stamped, (int, float)) and 0 < stamped <= float(event.get("timestamp") or stamped):
        return float(stamped)
    return float(event.get("timestamp") or 0.0)


@dataclass
class Summary:
    """The facts of one conversation (epoch seconds, UTC). `row()` is what gets stored."""

    session_start: float = 0.0
    channel: str = "rest"
    started_ts: Optional[float] = None
    last_activity_ts: float = 0.0
    events_seen: int = 0
    customer_messages: int = 0
    bot_messages: int = 0
    agent_messages: int = 0
    first_bot_reply_ts: Optional[float] = None
    answers: int = 0
    last_answer_ts: Optional[float] = None
    confirmed_ts: Optional[float] = None
    unresolved_ts: Optional[float] = None
    escalated_ts: Optional[float] = None
    escalation: Optional[str] = None
    first_agent_reply_ts: Optional[float] = None
    handed_back_ts: Optional[float] = None
    ticket_reference: Optional[str] = None
    slots: Dict[str, Any] = field(default_factory=dict)
    ticket_email: Optional[str] = None
    csat_asked: bool = False
    # For the desk's conversation list: the last message and who wrote it, and when the
    # customer last wrote (waiting for an answer while nothing came after it).
    last_message: Optional[str] = None
    last_message_from: Optional[str] = None  # "customer" | "bot" | "agent"
    last_customer_ts: Optional[float] = None

    @property
    def resolved_by_bot_so_far(self) -> bool:
        """Something was answered and nothing failed after the last answer."""
        return self.last_answer_ts is not None and (
            self.unresolved_ts is None or self.unresolved_ts < self.last_answer_ts
        )

    def customer_key(self, sender_id: str) -> str:
        """Who the customer is, for repeat contacts across conversations and channels."""
        email = self.slots.get("verified_email") or self.ticket_email
        if isinstance(email, str) and "@" in email:
            return f"email:{email.strip().lower()}"[:300]
        channel, who = self.slots.get("customer_channel"), self.slots.get("customer_id")
        if channel and who:
            return f"{channel}:{who}"[:300]
        return f"sender:{sender_id}"[:300]

    @property
    def language(self) -> Optional[str]:
        value = self.slots.get("language")
        return value if value in ("en", "ja") else None

    @property
    def customer_name(self) -> Optional[str]:
        name = self.slots.get("customer_name")
        return str(name)[:200] if name else None

    @property
    def customer_email(self) -> Optional[str]:
        for slot in ("verified_email", "contact_email", "email", "customer_email"):
            value = self.slots.get(slot)
            if isinstance(value, str) and "@" in value:
                return value.strip().lower()[:254]
        return self.ticket_email

    def row(self, sender_id: str) -> Dict[str, Any]:
        started = self.started_ts if self.started_ts is not None else self.session_start
        return {
            "channel": self.channel,
            "customer_key": self.customer_key(sender_id),
            "started_ts": started,
            "last_activity_ts": max(self.last_activity_ts, started),
            "events_seen": self.events_seen,
            "customer_messages": self.customer_messages,
            "bot_messages": self.bot_messages,
            "agent_messages": self.agent_messages,
            "first_bot_reply_ts": self.first_bot_reply_ts,
            "answers": self.answers,
            "last_answer_ts": self.last_answer_ts,
            "confirmed_ts": self.confirmed_ts,
            "unresolved_ts": self.unresolved_ts,
            "escalated_ts": self.escalated_ts,
            "escalation": self.escalation,
            "first_agent_reply_ts": self.first_agent_reply_ts,
            "handed_back_ts": self.handed_back_ts,
            "ticket_reference": self.ticket_reference,
            "customer_name": self.customer_name,
            "customer_email": self.customer_email,
            "last_message": self.last_message,
            "last_message_from": self.last_message_from,
            "last_customer_ts": self.last_customer_ts,
            "language": self.language,
        }


class _Reader:
    """Walks the events once; an action's outcome is known from the events right after it."""

    def __init__(self) -> None:
        self.summary = Summary()
        self.action: Optional[str] = None  # the action whose results (slots, replies) follow
        self.action_ts = 0.0
        self.user: Optional[Dict[str, Any]] = None  # the customer message of the current turn

    def _answered(self, when: float) -> None:
        s = self.summary
        s.answers += 1
        s.last_answer_ts = when

    def _failed(self, when: float) -> None:
        s = self.summary
        if s.last_answer_ts is not None and (s.unresolved_ts is None or s.unresolved_ts < when):
            s.unresolved_ts = when

    def _escalated(self, when: float, kind: str) -> None:
        s = self.summary
        if s.escalated_ts is None:
            s.escalated_ts, s.escalation = when, kind

    def _confirmed(self, when: float) -> None:
        self.summary.confirmed_ts = when

    def action_done(self, name: str, when: float) -> None:
        self.action, self.action_ts = name, when
        if name in FAILED_ACTIONS:
            self._failed(when)
        elif name == WRAP_UP:
            self._confirmed(when)
        elif name == KB_FEEDBACK and self.user is not None:
            helpful = _entity(self.user, "kb_helpful")
            if helpful is None:  # typed: "yes" / "no, not really" (actions/knowledge.py reads it so)
                helpful = {"affirm": "yes", "deny": "no"}.get(
                    ((self.user.get("parse_data") or {}).get("intent") or {}).get("name")
                )
            if helpful in ("yes", "y", "true", "1", "helpful", "yep", "yeah"):
                self._confirmed(when)
            elif helpful in ("no", "n", "false", "0", "unhelpful", "nope"):
                self._failed(when)
        elif name == HANDED_BACK:
            self.summary.handed_back_ts = when
        elif name in ANSWERS and ANSWERS[name] is None:
            self._answered(when)

    def slot_set(self, name: str, value: Any, when: float) -> None:
        s = self.summary
        s.slots[name] = value
        rule = ANSWERS.get(self.action or "")
        if rule is not None and rule[0] == name and (value in rule[1] if rule[1] is not None else bool(value)):
            self._answered(self.action_ts)
        if self.action == "action_answer_from_kb" and name == "kb_outcome" and value == "no_answer":
            self._failed(self.action_ts)
        if name == "ticket_reference" and value:
            if self.action == HANDOFF:
                self._escalated(self.action_ts, "handoff")
            elif self.action == OPEN_TICKET:
                self._escalated(self.action_ts, "ticket")
                s.ticket_email = s.slots.get("email")
            if self.action in (HANDOFF, OPEN_TICKET) and s.ticket_reference is None:
                s.ticket_reference = str(value)[:20]
        if name == "csat_asked" and value:
            s.csat_asked = True

    def bot_said(self, event: Dict[str, Any], when: float) -> None:
        s = self.summary
        metadata = event.get("metadata") or {}
        if event.get("text"):
            s.last_message = _preview(event["text"])
            s.last_message_from = "agent" if metadata.get("agent") else "bot"
        if metadata.get("agent"):
            s.agent_messages += 1
            if s.first_agent_reply_ts is None and s.escalated_ts is not None:
                s.first_agent_reply_ts = when
            return
        if metadata.get("handoff_system"):
            return  # queue positions, "Ann has joined": the service's notices, not answers
        s.bot_messages += 1
        if s.first_bot_reply_ts is None and s.started_ts is not None:
            s.first_bot_reply_ts = when
        if metadata.get("utter_action") in FAILED_RESPONSES:
            self._failed(when)

    def read(self, event: Dict[str, Any]) -> None:
        kind = event.get("event")
        when = float(event.get("timestamp") or 0.0)
        s = self.summary
        if kind in ("user", "bot"):
            s.last_activity_ts = max(s.last_activity_ts, when)
        if kind == "user":
            arrived = received_at(event)
            self.user, self.action = event, None
            s.customer_messages += 1
            s.last_customer_ts = arrived
            shown = ((event.get("metadata") or {}).get("webchat") or {}).get("display_text")
            s.last_message, s.last_message_from = _preview(shown or event.get("text") or ""), "customer"
            s.channel = event.get("input_channel") or s.channel
            if s.started_ts is None:
                s.started_ts = arrived
        elif kind == "bot":
            self.bot_said(event, when)
        elif kind == "action":
            name = event.get("name") or ""
            if name != "action_listen":
                self.action_done(name, when)
        elif kind == "slot":
            self.slot_set(event.get("name") or "", event.get("value"), when)
        elif kind == "pause" and self.action != HANDOFF:
            self._escalated(when, "handoff")  # an agent took the conversation over
        elif kind == "pause":
            self._escalated(self.action_ts, "handoff")


def summarize(events: Iterable[Dict[str, Any]], channel: Optional[str] = None) -> Summary:
    """The summary of the last session in `events` (all of a tracker's events, or one session's)."""
    session = session_events(list(events))
    reader = _Reader()
    reader.summary.session_start = float(session[0].get("timestamp") or 0.0) if session else 0.0
    if channel:
        reader.summary.channel = channel
    for event in session:
        reader.read(event)
    reader.summary.events_seen = len(session)
    return reader.summary
