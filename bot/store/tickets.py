"""Support tickets: opening them (with inferred priority) and looking them up."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import func, select

from bot.store.db import session_scope
from bot.store.models import Customer, Ticket, TicketPriority, TicketStatus, ticket_reference, utcnow
from bot.store.orders import normalize_email

# Not inside a word of Latin letters or digits (Japanese runs straight on: チケットT-000123の件);
# full-width forms are folded first (Ｔ－０００１２３).
TICKET_REF_RE = re.compile(r"(?<![A-Za-z0-9])T\s*[-\u2010]?\s*([0-9]{1,6})(?![0-9])", re.IGNORECASE)

# Words customers use when something cannot wait, strongest first.
_URGENT_WORDS = re.compile(
    r"\b(urgent(ly)?|emergency|asap|a\.s\.a\.p|immediately|right (now|away)|critical|"
    r"can'?t wait|time[- ]sensitive)\b",
    re.IGNORECASE,
)
_HIGH_WORDS = re.compile(
    r"\b(important|soon as possible|quickly|broken|damaged|wrong item|charged twice|"
    r"double charged|fraud|not received|never arrived|missing)\b",
    re.IGNORECASE,
)
_LOW_WORDS = re.compile(r"\b(no rush|not urgent|whenever|low priority|just curious|when you can)\b", re.IGNORECASE)
# The same in Japanese (no word boundaries in Japanese text).
_URGENT_JA = re.compile(r"大至急|至急|緊急|急ぎ(?!では|じゃ|ません)|今すぐ|いますぐ")
_HIGH_JA = re.compile(
    r"重要|早めに|なるべく早く|できるだけ早く|壊れ|破損|違う商品|二重(?:に)?請求|不正|届いていない|届かない"
)
_LOW_JA = re.compile(
    r"急ぎ(?:では|じゃ)(?:ない|ありません)|急ぎません|急いでいません|急いでない|いつでも|お手すき|手が空いた|優先度(?:は)?低"
)


def normalize_reference(raw: object) -> Optional[str]:
    """'t-123', 'T 000123', '#T-000123' -> 'T-000123'."""
    if raw is None:
        return None
    match = TICKET_REF_RE.search(unicodedata.normalize("NFKC", str(raw)))
    return ticket_reference(int(match.group(1))) if match else None


def normalize_priority(raw: object) -> Optional[str]:
    if raw is None:
        return None
    value = str(raw).strip().lower()
    aliases = {
        "medium": "normal",
        "regular": "normal",
        "critical": "urgent",
        "asap": "urgent",
        **{word: "urgent" for word in ("至急", "大至急", "緊急", "急ぎ")},
        "高": "high",
        "低": "low",
        "普通": "normal",
    }
    value = aliases.get(value, value)
    return value if value in TicketPriority.__members__ else None


def infer_priority(*texts: Optional[str]) -> str:
    """Priority from the customer's own words; negations like 'not urgent' win."""
    text = " ".join(t for t in texts if t)
    if _LOW_WORDS.search(text) or _LOW_JA.search(text):
        return TicketPriority.low.value
    if _URGENT_WORDS.search(text) or _URGENT_JA.search(text):
        return TicketPriority.urgent.value
    if _HIGH_WORDS.search(text) or _HIGH_JA.search(text):
        return TicketPriority.high.value
    return TicketPriority.normal.value


@dataclass(frozen=True)
class TicketView:
    reference: str
    subject: str
    description: str
    status: str
    priority: str
    email: Optional[str]
    channel: str
    sender_id: Optional[str]
    created_at: dt.datetime
    updated_at: dt.datetime


def _view(t: Ticket) -> TicketView:
    return TicketView(
        reference=t.reference,
        subject=t.subject,
        description=t.description,
        status=t.status.value,
        priority=t.priority.value,
        email=t.email,
        channel=t.channel,
        sender_id=t.sender_id,
        created_at=t.created_at,
        updated_at=t.updated_at,
    )


def open_ticket(
    subject: str,
    description: str,
    email: Optional[str],
    *,
    priority: Optional[str] = None,
    channel: str = "rest",
    sender_id: Optional[str] = None,
    order_number: Optional[str] = None,
) -> TicketView:
    """Create a ticket; `priority` overrides the one inferred from the customer's words.

    Without an email the answer can only go back on the channel the ticket came from, so
    then the conversation (`sender_id`) is required.
    """
    email_norm = normalize_email(email)
    if email and not email_norm:
        raise ValueError(f"not an email address: {email!r}")
    if not email_norm and not sender_id:
        raise ValueError("a ticket needs an email address or the conversation it came from")
    chosen = normalize_priority(priority) or infer_priority(subject, description)
    with session_scope() as session:
        customer = (
            session.execute(select(Customer).where(func.lower(Customer.email) == email_norm)).scalar_one_or_none()
            if email_norm
            else None
        )
        ticket = Ticket(
            subject=subject.strip()[:200] or "(no subject)",
            description=description.strip(),
            email=email_norm,
            priority=TicketPriority(chosen),
            status=TicketStatus.open,
            channel=channel,
            sender_id=sender_id,
            order_number=order_number,
            customer=customer,
        )
        session.add(ticket)
        session.flush()  # assigns the id the reference is built from
        ticket.reference = ticket_reference(ticket.id)
        session.flush()
        return _view(ticket)


def get_ticket(reference: object) -> Optional[TicketView]:
    ref = normalize_reference(reference)
    if not ref:
        return None
    with session_scope() as session:
        ticket = session.execute(select(Ticket).where(Ticket.reference == ref)).scalar_one_or_none()
        return _view(ticket) if ticket else None


def set_status(reference: str, status: str) -> Optional[TicketView]:
    with session_scope() as session:
        ticket = session.execute(select(Ticket).where(Ticket.reference == reference)).scalar_one_or_none()
        if ticket is None:
            return None
        ticket.status = TicketStatus(status)
        ticket.updated_at = utcnow()
        if ticket.status in (TicketStatus.resolved, TicketStatus.closed):
            ticket.resolved_at = ticket.updated_at
        session.flush()
        return _view(ticket)


def tickets_for_email(email: object, limit: int = 10) -> List[TicketView]:
    email = normalize_email(email)
    if not email:
        return []
    with session_scope() as session:
        rows = session.execute(
            select(Ticket).where(Ticket.email == email).order_by(Ticket.created_at.desc()).limit(limit)
        ).scalars()
        return [_view(t) for t in rows]


def list_tickets(status: Optional[str] = None, limit: int = 100) -> List[TicketView]:
    with session_scope() as session:
        stmt = select(Ticket)
        if status:
            stmt = stmt.where(Ticket.status == TicketStatus(status))
        rows = session.execute(stmt.order_by(Ticket.updated_at.desc()).limit(limit)).scalars()
        return [_view(t) for t in rows]


def tickets_for_sender(sender_id: str, limit: int = 10) -> List[TicketView]:
    with session_scope() as session:
        rows = session.execute(
            select(Ticket).where(Ticket.sender_id == sender_id).order_by(Ticket.created_at.desc()).limit(limit)
        ).scalars()
        return [_view(t) for t in rows]


def add_message(
    reference: str, author: str, text: str, *, agent_id: Optional[int] = None, agent_name: Optional[str] = None
) -> int:
    """Record a reply on a ticket; agent replies move it to 'pending' (waiting on the customer)."""
    from bot.store.models import TicketMessage

    with session_scope() as session:
        ticket = session.execute(select(Ticket).where(Ticket.reference == reference)).scalar_one_or_none()
        if ticket is None:
            raise LookupError(reference)
        message = TicketMessage(
            ticket=ticket, author=author, text=text.strip(), agent_id=agent_id, agent_name=agent_name
        )
        session.add(message)
        if author == "agent" and ticket.status == TicketStatus.open:
            ticket.status = TicketStatus.pending
        ticket.updated_at = utcnow()
        session.flush()
        return message.id


def mark_delivered(message_id: int, error: Optional[str] = None) -> None:
    """The chat delivery of an agent's reply: done, or why not."""
    from bot.store.models import TicketMessage

    with session_scope() as session:
        message = session.get(TicketMessage, message_id)
        if message is not None:
            message.delivered = error is None
            message.delivery_error = error


def mark_emailed(message_id: int, address: str, error: Optional[str] = None) -> None:
    """The email of an agent's reply: sent to `address`, or why not."""
    from bot.store.models import TicketMessage

    with session_scope() as session:
        message = session.get(TicketMessage, message_id)
        if message is not None:
            message.emailed_to = address if error is None else None
            message.email_error = error


def ticket_messages(reference: str) -> List[dict]:
    from bot.store.models import TicketMessage

    with session_scope() as session:
        rows = session.execute(
            select(TicketMessage).join(Ticket).where(Ticket.reference == reference).order_by(TicketMessage.id)
        ).scalars()
        return [
            {
                "id": m.id,
                "author": m.author,
                "agent": m.agent_name,
                "text": m.text,
                "delivered": m.delivered,
                "delivery_error": m.delivery_error,
                "emailed_to": m.emailed_to,
                "email_error": m.email_error,
                "created_at": m.created_at.isoformat() + "Z",
            }
            for m in rows
        ]
