"""Agent accounts and desk sessions.

Passwords are hashed with scrypt (a memory-hard key-derivation function from the standard
library) with a per-password salt; the stored string carries its parameters so they can be
raised later without breaking old hashes. Session cookies are random 256-bit tokens of which
only a SHA-256 digest is stored, so a database leak does not leak live sessions. Sessions
expire after DESK_SESSION_HOURS and after DESK_IDLE_MINUTES without activity.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple, Union

from sqlalchemy import func, select, update

from bot.settings.handoff import IDLE_MINUTES, SESSION_HOURS
from bot.store.db import session_scope
from bot.store.handoff import Agent, AgentRole, AgentSession
from bot.store.models import utcnow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # scrypt's cost grows with the input: no megabyte passwords
MAX_NAME_LENGTH = 200
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,252}\.[^@\s]{2,24}$")


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class AgentView:
    id: int
    email: str
    name: str
    role: str
    active: bool
    away: bool = False
    preferences: Tuple[Tuple[str, bool], ...] = ()
    teams: Tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == AgentRole.admin.value

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "available": not self.away,
            "preferences": {**PREFERENCES, **dict(self.preferences)},
            "teams": list(self.teams),
        }


# What an agent can set for themselves, and the defaults: a browser notification (and a sound)
# when a customer starts waiting, and when a customer replies in a conversation they own.
PREFERENCES = {"notify_waiting": True, "notify_replies": True, "sound": True}


def _preferences(raw: Optional[str]) -> Tuple[Tuple[str, bool], ...]:
    try:
        stored = json.loads(raw) if raw else {}
    except ValueError:
        stored = {}
    if not isinstance(stored, dict):
        return ()
    return tuple((key, bool(stored[key])) for key in PREFERENCES if isinstance(stored.get(key), bool))


def _view(agent: Agent) -> AgentView:
    return AgentView(
        agent.id,
        agent.email,
        agent.name,
        agent.role.value,
        agent.active,
        bool(agent.away),
        _preferences(agent.preferences),
        tuple(team for team in (agent.teams or "").split(",") if team),
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    enc = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt)}${enc(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A real hash to compare against when the email is unknown, so response time does not tell
# an attacker which emails are agents.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def normalize_email(email: str) -> str:
    """The one form an agent's email is stored, looked up, and rate-limited under."""
    return (email or "").strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(f"The password may have at most {MAX_PASSWORD_LENGTH} characters.")


def _check_name(name: str) -> str:
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise AuthError(f"The name may have at most {MAX_NAME_LENGTH} characters.")
    if any(not c.isprintable() for c in name):
        raise AuthError("The name may not contain control characters.")
    return name


def add_agent(email: str, name: str, password: str, role: str = "agent") -> AgentView:
    email = normalize_email(email)
    if not _EMAIL.match(email):
        raise AuthError("An agent needs an email address to log in with.")
    _check_password(password)
    name = _check_name(name)
    if role not in (AgentRole.agent.value, AgentRole.admin.value):
        raise AuthError('The role must be "agent" or "admin".')
    with session_scope() as session:
        if session.execute(select(Agent).where(func.lower(Agent.email) == email)).scalar_one_or_none():
            raise AuthError(f"An agent with the email {email} already exists.")
        agent = Agent(email=email, name=name or email, role=AgentRole(role), password_hash=hash_password(password))
        session.add(agent)
        session.flush()
        return _view(agent)


def _find(session: Any, who: Union[str, int]) -> Agent:
    """An agent by email (the CLI) or id (the desk)."""
    if isinstance(who, int):
        agent = session.get(Agent, who)
    else:
        agent = session.execute(select(Agent).where(func.lower(Agent.email) == who.lower())).scalar_one_or_none()
    if agent is None:
        raise AuthError(f"No agent {'with the email ' + who if isinstance(who, str) else who}.")
    return agent


def set_password(who: Union[str, int], password: str) -> AgentView:
    """A new password; every session of the agent ends (whoever knew the old one is out)."""
    _check_password(password)
    with session_scope() as session:
        agent = _find(session, who)
        agent.password_hash = hash_password(password)
        session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(revoked=True))
        return _view(agent)


def set_active(who: Union[str, int], active: bool, keep_an_admin: bool = False) -> AgentView:
    """Enable or disable an account; disabling ends its sessions. With `keep_an_admin` (the
    desk), the last active admin cannot be disabled (the command line can; it can also enable)."""
    with session_scope() as session:
        agent = _find(session, who)
        if keep_an_admin and not active and agent.role == AgentRole.admin and agent.active:
            admins = session.execute(
                select(func.count(Agent.id)).where(Agent.role == AgentRole.admin, Agent.active.is_(True))
            ).scalar_one()
            if admins <= 1:
                raise AuthError("This is the last active admin: make another admin before disabling this one.")
        agent.active = active
        if not active:
            session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id).values(revoked=True))
        return _view(agent)


def set_preferences(agent_id: int, changes: dict) -> AgentView:
    """Change some of the agent's own preferences (known keys, true/false only)."""
    unknown = [key for key in changes if key not in PREFERENCES]
    if unknown or not all(isinstance(value, bool) for value in changes.values()):
        raise AuthError(f"Preferences are {', '.join(PREFERENCES)}, each true or false.")
    with session_scope() as session:
        agent = _find(session, agent_id)
        merged = {**dict(_preferences(agent.preferences)), **changes}
        agent.preferences = json.dumps(merged, sort_keys=True)
        return _view(agent)


def set_teams(agent_id: int, teams: List[str], known: List[str]) -> AgentView:
    """The teams an agent works in (each one of `known`: DESK_TEAMS)."""
    unknown = [t for t in teams if t not in known]
    if unknown:
        raise AuthError(f"No such team: {', '.join(unknown)} (teams: {', '.join(known) or 'none'}).")
    with session_scope() as session:
        agent = _find(session, agent_id)
        agent.teams = ",".join(sorted(set(teams))) or None
        return _view(agent)


def set_away(agent_id: int, away: bool) -> AgentView:
    """The agent's available/away switch."""
    with session_scope() as session:
        agent = _find(session, agent_id)
        agent.away = away
        return _view(agent)


def active_agent_by_email(email: Optional[str]) -> Optional[AgentView]:
    """The enabled agent with this (verified) email, e.g. the one Slack says a user has."""
    if not email:
        return None
    with session_scope() as session:
        agent = session.execute(
            select(Agent).where(func.lower(Agent.email) == normalize_email(email))
        ).scalar_one_or_none()
        return _view(agent) if agent is not None and agent.active else None


def list_agents() -> List[AgentView]:
    with session_scope() as session:
        return [_view(a) for a in session.execute(select(Agent).order_by(Agent.name)).scalars()]


def authenticate(email: str, password: str) -> Optional[AgentView]:
    if len(password or "") > MAX_PASSWORD_LENGTH:
        return None
    with session_scope() as session:
        agent = session.execute(
            select(Agent).where(func.lower(Agent.email) == normalize_email(email))
        ).scalar_one_or_none()
        if agent is None or not agent.active:
            verify_password(password or "", _DUMMY_HASH)
            return None
        return _view(agent) if verify_password(password or "", agent.password_hash) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(agent_id: int, hours: float = SESSION_HOURS) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with session_scope() as session:
        session.add(
            AgentSession(
                token_hash=_digest(token),
                agent_id=agent_id,
                created_at=now,
                last_used_at=now,
                expires_at=now + dt.timedelta(hours=hours),
            )
        )
        session.execute(update(Agent).where(Agent.id == agent_id).values(last_seen_at=now))
    return token


def agent_for_session(
    token: Optional[str], touch: bool = True, idle_minutes: float = IDLE_MINUTES
) -> Optional[AgentView]:
    """The agent behind a session cookie, or None if missing, expired, idle or revoked."""
    if not token:
        return None
    now = utcnow()
    with session_scope() as session:
        row = session.execute(
            select(AgentSession).where(AgentSession.token_hash == _digest(token))
        ).scalar_one_or_none()
        if row is None or row.revoked or row.expires_at <= now or not row.agent.active:
            return None
        if now - row.last_used_at > dt.timedelta(minutes=idle_minutes):
            row.revoked = True
            return None
        if touch:
            row.last_used_at = now
            row.agent.last_seen_at = now
        return _view(row.agent)


def end_session(token: Optional[str]) -> None:
    if token:
        with session_scope() as session:
            session.execute(update(AgentSession).where(AgentSession.token_hash == _digest(token)).values(revoked=True))


def mark_seen(agent_id: int) -> None:
    with session_scope() as session:
        session.execute(update(Agent).where(Agent.id == agent_id).values(last_seen_at=utcnow()))
