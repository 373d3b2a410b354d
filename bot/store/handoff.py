"""Tables for human handoff and the agent desk: agents and their sessions, handoffs (who owns
a conversation), internal notes, satisfaction ratings, and an outbox for channels that
cannot be pushed to (REST clients collect agent messages with their next request).

Ownership lives here, not in process memory, so it survives restarts and is shared by
every server process.
"""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import relationship

from bot.store import conversations  # noqa: F401 - the table a rating belongs to (its foreign key)
from bot.store.models import Base, enum_column, utcnow


class AgentRole(str, enum.Enum):
    admin = "admin"
    agent = "agent"


class HandoffStatus(str, enum.Enum):
    queued = "queued"  # waiting for an agent; the bot is silent
    assigned = "assigned"  # an agent owns the conversation
    resolved = "resolved"  # handed back to the bot
    ticketed = "ticketed"  # nobody could answer: a ticket carries it
    abandoned = "abandoned"  # the customer stopped waiting


OPEN_STATUSES = (HandoffStatus.queued, HandoffStatus.assigned)


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True, index=True)
    name = Column(String(200), nullable=False)
    role = Column(enum_column(AgentRole), nullable=False, default=AgentRole.agent)
    password_hash = Column(String(300), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime)  # desk activity; "online" means seen very recently
    # The agent's own switch: away agents are not offered new conversations (the queue, the
    # "a person is available" promise) even with the desk open.
    away = Column(Boolean, nullable=False, default=False, server_default=false())
    # The agent's desk preferences as JSON (bot/desk/auth.py PREFERENCES: notifications, sound).
    preferences = Column(Text)
    teams = Column(String(300))  # the teams the agent works in, comma-separated (bot/handoff/teams.py)


class AgentSession(Base):
    __tablename__ = "agent_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True, index=True)  # sha256 of the cookie value
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    last_used_at = Column(DateTime, nullable=False, default=utcnow)
    revoked = Column(Boolean, nullable=False, default=False)

    agent: Agent = relationship("Agent")


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    status = Column(enum_column(HandoffStatus), nullable=False, default=HandoffStatus.queued)
    reason = Column(String(40), nullable=False)  # customer_request, failed_understanding, ...
    reason_detail = Column(Text, nullable=False, default="")
    priority = Column(Integer, nullable=False, default=0)  # higher first
    summary = Column(Text, nullable=False, default="")
    customer_name = Column(String(200))
    customer_email = Column(String(254))
    agent_id = Column(Integer, ForeignKey("agents.id"))
    ticket_reference = Column(String(20))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    alerts_sent = Column(Integer, nullable=False, default=0)
    last_alert_at = Column(DateTime)
    last_queue_update_position = Column(Integer)  # what the customer was last told
    last_queue_update_at = Column(DateTime)  # and when
    # The alert's thread in the agents' Slack channel, where agents can answer too (bot/desk/slack_threads.py).
    slack_channel = Column(String(40))
    slack_thread_ts = Column(String(40))
    team = Column(String(30))  # the team it was routed or assigned to (bot/handoff/teams.py); NULL: anyone

    agent = relationship("Agent")

    __table_args__ = (Index("ix_handoffs_status_created", "status", "created_at"),)


class HandoffNote(Base):
    __tablename__ = "handoff_notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    agent = relationship("Agent")


class CsatStatus(str, enum.Enum):
    asked = "asked"  # the question is out; no answer yet
    rated = "rated"
    skipped = "skipped"  # the customer said no thanks


class SatisfactionRating(Base):
    """One satisfaction question per conversation (CSAT): asked, then rated or skipped, with an
    optional comment. `rating` is empty until the customer answers."""

    __tablename__ = "satisfaction_ratings"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    rating = Column(Integer)  # 1..5
    handoff_id = Column(Integer, ForeignKey("handoffs.id"))
    agent_id = Column(Integer, ForeignKey("agents.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)  # when it was asked
    conversation_id = Column(Integer, ForeignKey("conversations.id", ondelete="CASCADE"))
    status = Column(enum_column(CsatStatus), nullable=False, default=CsatStatus.rated)
    answered_at = Column(DateTime)
    comment = Column(Text)
    person_involved = Column(Boolean, nullable=False, default=False)
    follow_up_ticket = Column(String(20))  # opened for a low rating

    __table_args__ = (Index("ux_satisfaction_ratings_conversation", "conversation_id", unique=True),)


class OutboxMessage(Base):
    """Agent messages for customers on channels without push (REST): delivered with the
    response to their next message."""

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    payload = Column(Text, nullable=False)  # JSON of the message dict
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime)
