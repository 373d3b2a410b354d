"""The index Rasa's tracker table needs: every turn loads a conversation's events by sender_id.

Rasa's SQL tracker store creates `events` with this index when it creates the table; a table
made another way (an older Rasa, a restore, a hand-made schema) may lack it, and then every
message scans the whole table. When the tracker lives in this database, add the index if it is
missing; the Rasa server checks its own tracker database at start the same way
(bot/store/tracker_schema.py), for a tracker store kept elsewhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from bot.store import tracker_schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tracker_schema.ensure_sender_index(op.get_bind())


def downgrade() -> None:
    pass  # the index is Rasa's as much as ours: never dropped
