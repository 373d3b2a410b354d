"""The context package an agent sees next to a conversation: who the customer is, their
orders and tickets, earlier conversations, why the bot handed over, what the knowledge base
tried and how it was rated, and a short summary. Everything the customer should not have to
repeat."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.handoff.queue import history_for
from bot.handoff.records import HandoffView
from bot.handoff.transcript import summarize, transcript
from bot.store import conversations
from bot.store.db import session_scope
from bot.store.orders import customer_name_for, orders_for_email
from bot.store.tickets import tickets_for_email, tickets_for_sender


def _iso(value) -> Optional[str]:
    return value.isoformat() + "Z" if value else None


def knowledge_activity(sender_id: str, limit: int = 20) -> List[Dict[str, Any]]:
    """Knowledge-base questions in this conversation, with the article tried and its rating."""
    from bot.store.knowledge import KBFeedback, KBQuery

    with session_scope() as session:
        queries = (
            session.execute(
                select(KBQuery).where(KBQuery.sender_id == sender_id).order_by(KBQuery.id.desc()).limit(limit)
            )
            .scalars()
            .all()
        )
        feedback = session.execute(select(KBFeedback).where(KBFeedback.sender_id == sender_id)).scalars().all()
        rated = {f.query_id: f.helpful for f in feedback if f.query_id is not None}
        return [
            {
                "query": q.query,
                "outcome": q.outcome,
                "doc_id": q.doc_id,
                "score": round(q.score, 3) if q.score is not None else None,
                "helpful": rated.get(q.id),
                "at": _iso(q.created_at),
            }
            for q in reversed(queries)
        ]


def _order(o) -> Dict[str, Any]:
    return {
        "number": o.number,
        "status": o.status,
        "total": f"{o.total:.2f} {o.currency}",
        "placed_at": _iso(o.placed_at),
        "carrier": o.carrier,
        "tracking_number": o.tracking_number,
        "items": [f"{i.quantity} × {i.name}" for i in o.items],
    }


def ticket_view(t) -> Dict[str, Any]:
    return {
        "reference": t.reference,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "channel": t.channel,
        "created_at": _iso(t.created_at),
        "updated_at": _iso(t.updated_at),
    }


def identity(slots: Dict[str, Any], channel: Optional[str]) -> Dict[str, Any]:
    """Who the customer is, and how sure we are.

    `email` is the verified one when there is one (a channel vouched for it, or an order lookup
    matched it); otherwise an email the customer typed or the website/REST client passed, which
    is display-only: `email_verified` is False and `email_source` says where it came from.
    """
    verified = slots.get("verified_email")
    if verified:
        by = slots.get("verified_by") or ""
        source = (
            f"verified by {by.title()}" if by in ("slack", "telegram") else f"checked with {by}" if by else "verified"
        )
        return {"email": verified, "email_verified": True, "email_source": source}
    if slots.get("email"):
        return {
            "email": slots["email"],
            "email_verified": False,
            "email_source": "typed by the customer (not verified)",
        }
    if slots.get("customer_email"):
        where = {"webchat": "the website", "rest": "the REST client"}.get(channel or "", "the client")
        return {
            "email": slots["customer_email"],
            "email_verified": False,
            "email_source": f"given by {where} (not verified)",
        }
    return {"email": None, "email_verified": False, "email_source": None}


def build(
    handoff: Optional[HandoffView], sender_id: str, events: List[Dict[str, Any]], slots: Dict[str, Any], sessions: int
) -> Dict[str, Any]:
    channel = slots.get("customer_channel") or (handoff.channel if handoff else None)
    who = identity(slots, channel)
    verified = who["email"] if who["email_verified"] else None
    # Orders, tickets and earlier conversations are looked up by a verified email only: an
    # email anyone can type must never put someone else's records in front of an agent.
    tickets = {t.reference: t for t in tickets_for_sender(sender_id)}
    if verified:
        tickets.update({t.reference: t for t in tickets_for_email(verified)})
    earlier = [h for h in history_for(sender_id, verified) if not handoff or h.id != handoff.id]
    # The name: the shop account's, once an order lookup verified its email; else what the
    # channel says (verified by Slack and Telegram, typed into the widget's page otherwise).
    account_name = customer_name_for(verified) if verified else None
    return {
        "customer": {
            "channel": channel,
            "platform_id": slots.get("customer_id"),
            "name": account_name or slots.get("customer_name"),
            "name_verified": bool(account_name) or channel in ("slack", "telegram"),
            # The conversation's language (bot/i18n): agents see it; their replies go out as written.
            "language": slots.get("language"),
            **who,
        },
        "reason": handoff.reason_text if handoff else None,
        "summary": summarize(events, slots, handoff.reason_text if handoff else ""),
        "orders": [_order(o) for o in orders_for_email(verified)] if verified else [],
        "tickets": [ticket_view(t) for t in sorted(tickets.values(), key=lambda t: t.created_at, reverse=True)],
        "earlier_handoffs": [h.as_dict() for h in earlier],
        "earlier_sessions": max(0, sessions - 1),
        # Conversations this customer had before this one, on any channel (verified identities only).
        "earlier_conversations": max(0, conversations.count_for_customer(sender_id, slots) - 1)
        if verified or channel in ("slack", "telegram")
        else 0,
        "knowledge": knowledge_activity(sender_id),
        "verified_order": slots.get("order_number") if verified and slots.get("order_result") else None,
    }


def transcript_entries(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [entry.as_dict() for entry in transcript(events)]
