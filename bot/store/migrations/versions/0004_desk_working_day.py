"""The desk for a working day: ticket answers also sent by email, agents' away switch.

`ticket_messages.emailed_to` / `email_error`: where an agent's answer was emailed, or why it
could not be (the chat delivery keeps its own `delivered` / `delivery_error`).
`agents.away`: the agent's own available/away switch (the queue offers work only to available ones);
`agents.preferences`: their notification settings.
`canned_replies`: the desk's canned replies, shared (owner_id NULL) or an agent's own.
`conversations.customer_name` … `last_customer_ts`: what the desk's conversation list shows.
`labels`: labels on conversations and tickets.
`handoffs.slack_channel` / `slack_thread_ts`: the alert's thread in the agents' Slack channel.
`handoffs.team`, `agents.teams`: teams, and the team a conversation was routed or assigned to.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TICKET_MESSAGE_COLUMNS = (
    ("emailed_to", lambda: sa.Column("emailed_to", sa.String(length=320), nullable=True)),
    ("email_error", lambda: sa.Column("email_error", sa.Text(), nullable=True)),
)

CONVERSATION_COLUMNS = (
    ("customer_name", lambda: sa.Column("customer_name", sa.String(length=200), nullable=True)),
    ("customer_email", lambda: sa.Column("customer_email", sa.String(length=254), nullable=True)),
    ("last_message", lambda: sa.Column("last_message", sa.String(length=200), nullable=True)),
    ("last_message_from", lambda: sa.Column("last_message_from", sa.String(length=10), nullable=True)),
    ("last_customer_ts", lambda: sa.Column("last_customer_ts", sa.Float(), nullable=True)),
)
AGENT_COLUMNS = (
    ("away", lambda: sa.Column("away", sa.Boolean(), nullable=False, server_default=sa.false())),
    ("preferences", lambda: sa.Column("preferences", sa.Text(), nullable=True)),
    ("teams", lambda: sa.Column("teams", sa.String(length=300), nullable=True)),
)
HANDOFF_COLUMNS = (
    ("slack_channel", lambda: sa.Column("slack_channel", sa.String(length=40), nullable=True)),
    ("slack_thread_ts", lambda: sa.Column("slack_thread_ts", sa.String(length=40), nullable=True)),
    ("team", lambda: sa.Column("team", sa.String(length=30), nullable=True)),
)
NEW_COLUMNS = {
    "handoffs": HANDOFF_COLUMNS,
    "ticket_messages": TICKET_MESSAGE_COLUMNS,
    "agents": AGENT_COLUMNS,
    "conversations": CONVERSATION_COLUMNS,
}


def _columns(table: str) -> set:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("canned_replies"):
        op.create_table(
            "canned_replies",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("shortcut", sa.String(length=40), nullable=False),
            sa.Column("title", sa.String(length=100), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("owner_id", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["owner_id"], ["agents.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("owner_id", "shortcut", name="ux_canned_owner_shortcut"),
        )
        op.create_index("ix_canned_replies_owner_id", "canned_replies", ["owner_id"], unique=False)
    if not sa.inspect(op.get_bind()).has_table("labels"):
        op.create_table(
            "labels",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("target", sa.String(length=255), nullable=False),
            sa.Column("name", sa.String(length=40), nullable=False),
            sa.Column("agent_id", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("kind", "target", "name", name="ux_labels_kind_target_name"),
        )
        op.create_index("ix_labels_target", "labels", ["target"], unique=False)
        op.create_index("ix_labels_name", "labels", ["name"], unique=False)
    for table, columns in NEW_COLUMNS.items():
        present = _columns(table)  # create_all from the current models may have made them
        missing = [make() for name, make in columns if name not in present]
        if missing:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in missing:
                    batch_op.add_column(column)


def downgrade() -> None:
    op.drop_table("labels")
    op.drop_table("canned_replies")
    for table, columns in NEW_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(columns):
                batch_op.drop_column(name)
