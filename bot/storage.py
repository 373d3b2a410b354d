"""Shared storage faults: telling an outage from a bug, and a tracker store that reconnects.

With several servers the conversations live in PostgreSQL (trackers, app data) and Redis (locks,
widget fan-out, desk events). When one of them is briefly gone, a customer's message cannot be
processed: the channel answers "try again in a moment" (REST: 503 with Retry-After) instead of
a generic failure, the conversation's tracker is not half-written (Rasa saves a turn's events in
one transaction at its end), and the next message after the service is back works without a
restart. What a turn's actions already did elsewhere (a ticket opened before the save failed)
is not undone: a retry may repeat it.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _outage_types() -> tuple:
    import redis.exceptions
    import sqlalchemy.exc
    from rasa.core.lock_store import LockError

    return (
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        sqlalchemy.exc.OperationalError,
        sqlalchemy.exc.InterfaceError,
        sqlalchemy.exc.TimeoutError,
        LockError,  # the conversation's lock could not be had in time
        ConnectionError,
        TimeoutError,
    )


def storage_outage(err: BaseException) -> Optional[BaseException]:
    """The storage fault behind `err` (itself, or what caused it), or None for anything else."""
    types = _outage_types()
    seen = set()
    current: Optional[BaseException] = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, types):
            return current
        current = current.__cause__ or current.__context__
    return None


def reconnecting_postgres_tracker_store(tracker_store: Any) -> bool:
    """Rasa's SQL tracker store on PostgreSQL, rebuilt with `pool_pre_ping`: a connection the
    server dropped (a restart, a failover, pg_terminate_backend) is replaced before it is used
    instead of failing the next customer's message. True if the store is one."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import create_engine_kwargs

    store = getattr(tracker_store, "_tracker_store", tracker_store)  # Rasa wraps it in FailSafeTrackerStore
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "postgresql" or not hasattr(store, "sessionmaker"):
        return False
    kwargs = create_engine_kwargs(engine.url)
    # hide_parameters: event data (what customers wrote) stays out of error messages and logs.
    reconnecting = sa.create_engine(engine.url, pool_pre_ping=True, hide_parameters=True, **kwargs)
    engine.dispose()
    store.engine = reconnecting
    store.sessionmaker = sa.orm.session.sessionmaker(bind=reconnecting)
    return True


def no_silent_fallback(tracker_store: Any) -> bool:
    """Rasa wraps the tracker store in FailSafeTrackerStore, which on an error answers "no such
    conversation" (retrieve) or keeps the turn in this process's memory (save): the customer
    would silently start over, and a turn saved only here is lost to every other server. Call
    the real store instead, so an outage fails the message (retryable, nothing kept) and the
    conversation is intact when the database is back. True if the store was wrapped."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    if not isinstance(tracker_store, FailSafeTrackerStore):
        return False
    inner = tracker_store._tracker_store
    for name in ("retrieve", "retrieve_full_tracker", "save", "keys"):
        setattr(tracker_store, name, getattr(inner, name))
    return True


def tracker_engine(tracker_store: Any) -> Any:
    """The SQLAlchemy engine of an SQL tracker store, or None."""
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    return getattr(store, "engine", None)
