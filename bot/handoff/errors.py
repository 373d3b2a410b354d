"""What can go wrong when changing who owns a conversation, as domain errors.

They say what rule was broken, not how to answer it: the desk API maps them to HTTP
statuses in one place (bot/desk/api/web.py).
"""

from __future__ import annotations


class HandoffError(Exception):
    """A handoff rule was broken."""


class HandoffNotFound(HandoffError):
    """There is no such handoff."""


class NotTheOwner(HandoffError):
    """Another agent owns the conversation."""


class WrongState(HandoffError):
    """The handoff is not in a state that allows this (already claimed, not assigned, closed)."""
