"""Service analytics: one row per conversation, and satisfaction questions that belong to one.

`conversations` is what the report reads (bot/store/conversations.py). A satisfaction rating
becomes a question asked once per conversation: its rating is empty until answered, it can be
skipped, and it can carry a comment. Ratings stored before this revision were all answered,
so they become "rated".

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("conversations"):  # made by create_all from the current models
        return
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("session_start", sa.Float(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("customer_key", sa.String(length=300), nullable=False),
        sa.Column("started_ts", sa.Float(), nullable=False),
        sa.Column("last_activity_ts", sa.Float(), nullable=False),
        sa.Column("events_seen", sa.Integer(), nullable=False),
        sa.Column("customer_messages", sa.Integer(), nullable=False),
        sa.Column("bot_messages", sa.Integer(), nullable=False),
        sa.Column("agent_messages", sa.Integer(), nullable=False),
        sa.Column("first_bot_reply_ts", sa.Float(), nullable=True),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("last_answer_ts", sa.Float(), nullable=True),
        sa.Column("confirmed_ts", sa.Float(), nullable=True),
        sa.Column("unresolved_ts", sa.Float(), nullable=True),
        sa.Column("escalated_ts", sa.Float(), nullable=True),
        sa.Column("escalation", sa.String(length=20), nullable=True),
        sa.Column("handoff_reason", sa.String(length=40), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("person_involved", sa.Boolean(), nullable=False),
        sa.Column("first_agent_reply_ts", sa.Float(), nullable=True),
        sa.Column("handed_back_ts", sa.Float(), nullable=True),
        sa.Column("ticket_reference", sa.String(length=20), nullable=True),
        sa.Column("updated_ts", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index("ix_conversations_customer", ["customer_key", "started_ts"], unique=False)
        batch_op.create_index("ix_conversations_started", ["started_ts", "channel"], unique=False)
        batch_op.create_index("ux_conversations_sender_session", ["sender_id", "session_start"], unique=True)

    with op.batch_alter_table("satisfaction_ratings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum("asked", "rated", "skipped", name="csatstatus", native_enum=False, length=20),
                nullable=False,
                server_default="rated",
            )
        )
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("person_involved", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("follow_up_ticket", sa.String(length=20), nullable=True))
        batch_op.alter_column("rating", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ux_satisfaction_ratings_conversation", ["conversation_id"], unique=True)
        batch_op.create_foreign_key(
            "fk_satisfaction_ratings_conversation", "conversations", ["conversation_id"], ["id"], ondelete="CASCADE"
        )
    # Every rating stored before this revision was an answer: it counts as answered when it came.
    op.execute("UPDATE satisfaction_ratings SET answered_at = created_at WHERE answered_at IS NULL")
    with op.batch_alter_table("satisfaction_ratings", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None, existing_type=sa.String(length=20))
        batch_op.alter_column("person_involved", server_default=None, existing_type=sa.Boolean())


def downgrade() -> None:
    with op.batch_alter_table("satisfaction_ratings", schema=None) as batch_op:
        batch_op.drop_constraint("fk_satisfaction_ratings_conversation", type_="foreignkey")
        batch_op.drop_index("ux_satisfaction_ratings_conversation")
        for column in ("follow_up_ticket", "person_involved", "comment", "answered_at", "status", "conversation_id"):
            batch_op.drop_column(column)
    op.drop_table("conversations")
