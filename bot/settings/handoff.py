"""Settings for the people side: when to hand over, who can answer and when, Slack alerts,
and the desk's sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from bot.handoff.hours import BusinessHours
from bot.handoff.teams import DEFAULT_TEAMS, Team, parse_teams
from bot.settings.env import env, env_bool


def _phrases(raw: Optional[str]) -> Tuple[str, ...]:
    return tuple(p.strip().lower() for p in (raw or "").split(",") if p.strip())


@dataclass(frozen=True)
class HandoffConfig:
    # Triggers. Asking for a person always works; the others can be switched off or tuned.
    after_failed_understandings: int = field(default_factory=lambda: env("HANDOFF_AFTER_FAILURES", int, 2))
    after_unhelpful_answers: int = field(default_factory=lambda: env("HANDOFF_AFTER_UNHELPFUL", int, 2))
    on_frustration: bool = field(default_factory=lambda: env_bool("HANDOFF_ON_FRUSTRATION", True))
    topics: Tuple[str, ...] = field(
        default_factory=lambda: _phrases(
            env("HANDOFF_TOPICS", str, "billing dispute,chargeback,dispute a charge,lawyer,legal action,fraud")
        )
    )
    order_value: float = field(default_factory=lambda: env("HANDOFF_ORDER_VALUE", float, 500.0))
    # Who can answer, and when.
    hours: BusinessHours = field(
        default_factory=lambda: BusinessHours.parse(
            env("BUSINESS_HOURS", str, "always"), env("BUSINESS_TIMEZONE", str, "UTC")
        )
    )
    online_window_seconds: int = field(default_factory=lambda: env("AGENT_ONLINE_WINDOW", int, 90))
    default_handle_minutes: float = field(default_factory=lambda: env("HANDOFF_DEFAULT_HANDLE_MINUTES", float, 4.0))
    queue_update_seconds: int = field(default_factory=lambda: env("HANDOFF_QUEUE_UPDATE_SECONDS", int, 120))
    # Alerts in Slack for agents (posted with SLACK_BOT_TOKEN).
    alert_channel: Optional[str] = field(default_factory=lambda: env("SLACK_ALERT_CHANNEL"))
    alert_repeat_seconds: int = field(default_factory=lambda: env("HANDOFF_ALERT_REPEAT_SECONDS", int, 120))
    alert_max: int = field(default_factory=lambda: env("HANDOFF_ALERT_MAX", int, 5))
    # Teams and the words that route a conversation to each (bot/handoff/teams.py); "none" for none.
    teams: Tuple[Team, ...] = field(default_factory=lambda: env("DESK_TEAMS", parse_teams, parse_teams(DEFAULT_TEAMS)))


SESSION_HOURS, IDLE_MINUTES = 12.0, 60.0


@dataclass(frozen=True)
class DeskConfig:
    """Agent sessions in the desk: how long a login lasts, and how long it may sit idle."""

    session_hours: float = field(default_factory=lambda: env("DESK_SESSION_HOURS", float, SESSION_HOURS))
    idle_minutes: float = field(default_factory=lambda: env("DESK_IDLE_MINUTES", float, IDLE_MINUTES))
