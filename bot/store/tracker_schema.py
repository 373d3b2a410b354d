"""What Rasa's SQL tracker table needs from us: an index on `events.sender_id`.

Used by migration 0002 (the tracker in the app database) and at the Rasa server's start (a
tracker database of its own). Creating it is idempotent and safe with several servers.
"""

from __future__ import annotations

import logging

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

logger = logging.getLogger(__name__)

TABLE = "events"
INDEX = "ix_events_sender_id"


def has_sender_index(bind: Connection) -> bool:
    indexes = inspect(bind).get_indexes(TABLE)
    return any(list(index["column_names"])[:1] == ["sender_id"] for index in indexes)


def ensure_sender_index(bind: Connection) -> bool:
    """Add the index when the events table exists without one; True when it was added."""
    if not inspect(bind).has_table(TABLE) or has_sender_index(bind):
        return False
    bind.execute(text(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (sender_id)"))
    logger.info("tracker store: added the missing index %s on %s(sender_id)", INDEX, TABLE)
    return True
