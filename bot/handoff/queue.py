"""Who can answer now, and the queue of conversations waiting for a person.

A conversation is owned by the bot unless it has an open handoff: `queued` (waiting; the
bot is silent) or `assigned` (one agent owns it; see bot.handoff.ownership).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import and_, func, select, update

from bot.handoff.records import HandoffView, update_if, view_of
from bot.handoff.texts import team_available_text, team_away_text
from bot.settings import HandoffConfig
from bot.store.db import session_scope
from bot.store.handoff import OPEN_STATUSES, Agent, Handoff, HandoffStatus
from bot.store.models import utcnow

# ---- who can answer -----------------------------------------------------------------------


def online_agents(config: HandoffConfig, now: Optional[dt.datetime] = None) -> int:
    since = (now or utcnow()) - dt.timedelta(seconds=config.online_window_seconds)
    with session_scope() as session:
        return session.execute(
            select(func.count(Agent.id)).where(
                Agent.active.is_(True), Agent.away.is_(False), Agent.last_seen_at >= since
            )
        ).scalar_one()


def availability(config: HandoffConfig, now: Optional[dt.datetime] = None) -> Optional[str]:
    """None when a person can answer now, otherwise why not ('closed' or 'no_agents')."""
    when = now or utcnow()
    if not config.hours.is_open(when.replace(tzinfo=dt.UTC)):
        return "closed"
    if online_agents(config, when) == 0:
        return "no_agents"
    return None


def team_status(config: HandoffConfig, lang: str = "en") -> Dict[str, Any]:
    """What the widget's header says about the team: whether a person could answer now, and
    how long a new customer would wait for one (or why nobody can), in the visitor's language."""
    unavailable = availability(config)
    if unavailable is not None:
        return {"people_available": False, "text": team_away_text(unavailable, config.hours.describe(), lang)}
    waiting = len(queue(include_assigned=False))
    return {"people_available": True, "text": team_available_text(expected_wait_minutes(waiting + 1, config), lang)}


# ---- the queue ----------------------------------------------------------------------------


def open_handoff_for(sender_id: str) -> Optional[HandoffView]:
    with session_scope() as session:
        row = (
            session.execute(
                select(Handoff)
                .where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
                .order_by(Handoff.id.desc())
            )
            .scalars()
            .first()
        )
        return view_of(row) if row else None


def get(handoff_id: int) -> Optional[HandoffView]:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        return view_of(row) if row else None


def latest_for(sender_id: str) -> Optional[HandoffView]:
    with session_scope() as session:
        row = (
            session.execute(select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc()))
            .scalars()
            .first()
        )
        return view_of(row) if row else None


def create(
    sender_id: str,
    channel: str,
    reason: str,
    *,
    detail: str = "",
    priority: int = 0,
    summary: str = "",
    customer_name: Optional[str] = None,
    customer_email: Optional[str] = None,
    status: HandoffStatus = HandoffStatus.queued,
    agent_id: Optional[int] = None,
    team: Optional[str] = None,
) -> HandoffView:
    """Open a handoff, or return the one already open for this conversation."""
    with session_scope() as session:
        existing = (
            session.execute(
                select(Handoff)
                .where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
                .with_for_update()
            )
            .scalars()
            .first()
        )
        if existing:
            return view_of(existing)
        handoff = Handoff(
            sender_id=sender_id,
            channel=channel,
            reason=reason,
            reason_detail=detail,
            priority=priority,
            summary=summary,
            customer_name=customer_name,
            customer_email=customer_email,
            status=status,
            agent_id=agent_id,
            team=team,
            claimed_at=utcnow() if status == HandoffStatus.assigned else None,
        )
        session.add(handoff)
        session.flush()
        return view_of(handoff)


def queue(include_assigned: bool = True) -> List[HandoffView]:
    statuses = OPEN_STATUSES if include_assigned else (HandoffStatus.queued,)
    with session_scope() as session:
        rows = (
            session.execute(
                select(Handoff)
                .where(Handoff.status.in_(statuses))
                .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
            )
            .scalars()
            .all()
        )
        return [view_of(r) for r in rows]


def position(handoff_id: int) -> Optional[int]:
    """1 for the next conversation an agent will take; None if not waiting."""
    waiting = [h.id for h in queue(include_assigned=False)]
    return waiting.index(handoff_id) + 1 if handoff_id in waiting else None


def average_handle_minutes(config: HandoffConfig, sample: int = 20) -> float:
    with session_scope() as session:
        rows = session.execute(
            select(Handoff.claimed_at, Handoff.closed_at)
            .where(
                Handoff.status == HandoffStatus.resolved, Handoff.claimed_at.isnot(None), Handoff.closed_at.isnot(None)
            )
            .order_by(Handoff.closed_at.desc())
            .limit(sample)
        ).all()
    durations = [(closed - claimed).total_seconds() / 60 for claimed, closed in rows if closed > claimed]
    return sum(durations) / len(durations) if durations else config.default_handle_minutes


def expected_wait_minutes(place: int, config: HandoffConfig, agents: Optional[int] = None) -> int:
    """Everyone ahead, plus this customer, shared among the agents online."""
    agents = max(1, agents if agents is not None else online_agents(config))
    return max(1, math.ceil(place * average_handle_minutes(config) / agents))


# ---- keeping waiting customers and agents informed -----------------------------------------


def set_queue_position_told(handoff_id: int, place: int) -> None:
    with session_scope() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id)
            .values(last_queue_update_position=place, last_queue_update_at=utcnow())
        )


def claim_queue_update(handoff_id: int, told: Optional[int], told_at: Optional[dt.datetime], place: int) -> bool:
    """Record that the customer is being told `place`, if nobody else recorded anything since
    (`told`, `told_at` as read): with several servers, exactly one of them tells the customer."""
    unchanged = and_(
        Handoff.last_queue_update_position.is_(None) if told is None else Handoff.last_queue_update_position == told,
        Handoff.last_queue_update_at.is_(None) if told_at is None else Handoff.last_queue_update_at == told_at,
    )
    return update_if(handoff_id, unchanged, {"last_queue_update_position": place, "last_queue_update_at": utcnow()})


def position_told(handoff_id: int) -> Tuple[Optional[int], Optional[dt.datetime]]:
    """What place the customer was last told, and when (None, None: never)."""
    with session_scope() as session:
        row = session.execute(
            select(Handoff.last_queue_update_position, Handoff.last_queue_update_at).where(Handoff.id == handoff_id)
        ).first()
    return (row[0], row[1]) if row else (None, None)


def record_alert(handoff_id: int, alerts_seen: int) -> bool:
    """Count an alert once even with several server processes racing for it."""
    return update_if(
        handoff_id,
        and_(Handoff.alerts_sent == alerts_seen, Handoff.status == HandoffStatus.queued),
        {"alerts_sent": alerts_seen + 1, "last_alert_at": utcnow()},
    )


def alerts_due(config: HandoffConfig, now: Optional[dt.datetime] = None) -> List[HandoffView]:
    now = now or utcnow()
    due = []
    with session_scope() as session:
        rows = session.execute(select(Handoff).where(Handoff.status == HandoffStatus.queued)).scalars().all()
        for row in rows:
            if row.alerts_sent == 0 or (
                row.alerts_sent < config.alert_max
                and row.last_alert_at is not None
                and (now - row.last_alert_at).total_seconds() >= config.alert_repeat_seconds
            ):
                due.append(view_of(row))
    return due


def history_for(sender_id: str, email: Optional[str] = None, limit: int = 10) -> List[HandoffView]:
    with session_scope() as session:
        stmt = select(Handoff).where(Handoff.status.notin_(OPEN_STATUSES))
        stmt = (
            stmt.where((Handoff.sender_id == sender_id) | (Handoff.customer_email == email))
            if email
            else stmt.where(Handoff.sender_id == sender_id)
        )
        rows = session.execute(stmt.order_by(Handoff.id.desc()).limit(limit)).scalars().all()
        return [view_of(r) for r in rows]


# ---- the alert's thread in the agents' Slack channel --------------------------------------


def set_slack_thread(handoff_id: int, channel: str, thread_ts: str) -> bool:
    """Remember where a handoff's alert thread is (the first alert only)."""
    return update_if(
        handoff_id,
        Handoff.slack_thread_ts.is_(None),
        {"slack_channel": channel[:40], "slack_thread_ts": thread_ts[:40]},
    )


def slack_thread(handoff_id: int) -> Optional[Tuple[str, str]]:
    with session_scope() as session:
        row = session.execute(
            select(Handoff.slack_channel, Handoff.slack_thread_ts).where(Handoff.id == handoff_id)
        ).first()
    return (row[0], row[1]) if row and row[1] else None


def handoff_for_slack_thread(channel: str, thread_ts: str) -> Optional[HandoffView]:
    with session_scope() as session:
        row = session.execute(
            select(Handoff).where(Handoff.slack_channel == channel, Handoff.slack_thread_ts == thread_ts)
        ).scalar_one_or_none()
        return view_of(row) if row is not None else None


def assign_team(handoff_id: int, team: Optional[str]) -> bool:
    """Give an open handoff to a team (None: to everyone)."""
    return update_if(handoff_id, Handoff.status.in_(OPEN_STATUSES), {"team": team})
