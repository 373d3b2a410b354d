"""The app database as it stood when migrations were introduced (generated from the models,
then read): shop, tickets, handoff desk, help-centre feedback, lookup limits.

Revision ID: 0001
Revises: none
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("agents"):  # a database from before migrations may have it
        op.create_table(
            "agents",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(length=254), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column(
                "role", sa.Enum("admin", "agent", name="agentrole", native_enum=False, length=20), nullable=False
            ),
            sa.Column("password_hash", sa.String(length=300), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("agents", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_agents_email"), ["email"], unique=True)

    if _missing("customers"):  # a database from before migrations may have it
        op.create_table(
            "customers",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(length=254), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("phone", sa.String(length=40), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("customers", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_customers_email"), ["email"], unique=True)

    if _missing("kb_queries"):  # a database from before migrations may have it
        op.create_table(
            "kb_queries",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("channel", sa.String(length=40), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=True),
            sa.Column("query", sa.Text(), nullable=False),
            sa.Column("outcome", sa.String(length=20), nullable=False),
            sa.Column("doc_id", sa.String(length=200), nullable=True),
            sa.Column("chunk_id", sa.String(length=220), nullable=True),
            sa.Column("score", sa.Float(), nullable=True),
            sa.Column("suggestions", sa.Text(), nullable=True),
            sa.Column("generation", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("kb_queries", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_kb_queries_created_at"), ["created_at"], unique=False)
            batch_op.create_index(batch_op.f("ix_kb_queries_outcome"), ["outcome"], unique=False)
            batch_op.create_index(batch_op.f("ix_kb_queries_sender_id"), ["sender_id"], unique=False)

    if _missing("lookup_failures"):  # a database from before migrations may have it
        op.create_table(
            "lookup_failures",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("scope", sa.String(length=20), nullable=False),
            sa.Column("key", sa.String(length=255), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("lookup_failures", schema=None) as batch_op:
            batch_op.create_index("ix_lookup_failures_scope_key_created", ["scope", "key", "created_at"], unique=False)

    if _missing("outbox"):  # a database from before migrations may have it
        op.create_table(
            "outbox",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("delivered_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("outbox", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_outbox_sender_id"), ["sender_id"], unique=False)

    if _missing("agent_sessions"):  # a database from before migrations may have it
        op.create_table(
            "agent_sessions",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("agent_id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.Column("last_used_at", sa.DateTime(), nullable=False),
            sa.Column("revoked", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("agent_sessions", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_agent_sessions_agent_id"), ["agent_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_agent_sessions_token_hash"), ["token_hash"], unique=True)

    if _missing("handoffs"):  # a database from before migrations may have it
        op.create_table(
            "handoffs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=False),
            sa.Column("channel", sa.String(length=40), nullable=False),
            sa.Column(
                "status",
                sa.Enum(
                    "queued",
                    "assigned",
                    "resolved",
                    "ticketed",
                    "abandoned",
                    name="handoffstatus",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
            ),
            sa.Column("reason", sa.String(length=40), nullable=False),
            sa.Column("reason_detail", sa.Text(), nullable=False),
            sa.Column("priority", sa.Integer(), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("customer_name", sa.String(length=200), nullable=True),
            sa.Column("customer_email", sa.String(length=254), nullable=True),
            sa.Column("agent_id", sa.Integer(), nullable=True),
            sa.Column("ticket_reference", sa.String(length=20), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("claimed_at", sa.DateTime(), nullable=True),
            sa.Column("closed_at", sa.DateTime(), nullable=True),
            sa.Column("alerts_sent", sa.Integer(), nullable=False),
            sa.Column("last_alert_at", sa.DateTime(), nullable=True),
            sa.Column("last_queue_update_position", sa.Integer(), nullable=True),
            sa.Column("last_queue_update_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(
                ["agent_id"],
                ["agents.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("handoffs", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_handoffs_sender_id"), ["sender_id"], unique=False)
            batch_op.create_index("ix_handoffs_status_created", ["status", "created_at"], unique=False)

    if _missing("kb_feedback"):  # a database from before migrations may have it
        op.create_table(
            "kb_feedback",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("query_id", sa.Integer(), nullable=True),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("helpful", sa.Boolean(), nullable=False),
            sa.Column("query", sa.Text(), nullable=False),
            sa.Column("doc_id", sa.String(length=200), nullable=True),
            sa.Column("chunk_id", sa.String(length=220), nullable=True),
            sa.Column("channel", sa.String(length=40), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=True),
            sa.ForeignKeyConstraint(["query_id"], ["kb_queries.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_kb_feedback_created_at"), ["created_at"], unique=False)
            batch_op.create_index(batch_op.f("ix_kb_feedback_query_id"), ["query_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_kb_feedback_sender_id"), ["sender_id"], unique=False)

    if _missing("orders"):  # a database from before migrations may have it
        op.create_table(
            "orders",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("number", sa.String(length=20), nullable=False),
            sa.Column("customer_id", sa.Integer(), nullable=False),
            sa.Column(
                "status",
                sa.Enum(
                    "processing",
                    "shipped",
                    "delivered",
                    "cancelled",
                    "returned",
                    name="orderstatus",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
            ),
            sa.Column("placed_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("carrier", sa.String(length=40), nullable=True),
            sa.Column("tracking_number", sa.String(length=60), nullable=True),
            sa.Column("estimated_delivery", sa.Date(), nullable=True),
            sa.Column("delivered_at", sa.DateTime(), nullable=True),
            sa.Column("currency", sa.String(length=3), nullable=False),
            sa.Column("ship_name", sa.String(length=200), nullable=False),
            sa.Column("ship_line1", sa.String(length=200), nullable=False),
            sa.Column("ship_line2", sa.String(length=200), nullable=True),
            sa.Column("ship_city", sa.String(length=100), nullable=False),
            sa.Column("ship_postal_code", sa.String(length=20), nullable=False),
            sa.Column("ship_country", sa.String(length=2), nullable=False),
            sa.ForeignKeyConstraint(
                ["customer_id"],
                ["customers.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("orders", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_orders_number"), ["number"], unique=True)

    if _missing("tickets"):  # a database from before migrations may have it
        op.create_table(
            "tickets",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("reference", sa.String(length=20), nullable=True),
            sa.Column("subject", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column(
                "status",
                sa.Enum("open", "pending", "resolved", "closed", name="ticketstatus", native_enum=False, length=20),
                nullable=False,
            ),
            sa.Column(
                "priority",
                sa.Enum("low", "normal", "high", "urgent", name="ticketpriority", native_enum=False, length=20),
                nullable=False,
            ),
            sa.Column("customer_id", sa.Integer(), nullable=True),
            sa.Column("email", sa.String(length=254), nullable=True),
            sa.Column("channel", sa.String(length=40), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=True),
            sa.Column("order_number", sa.String(length=20), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("resolved_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(
                ["customer_id"],
                ["customers.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("tickets", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_tickets_customer_id"), ["customer_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_tickets_email"), ["email"], unique=False)
            batch_op.create_index(batch_op.f("ix_tickets_reference"), ["reference"], unique=True)
            batch_op.create_index(batch_op.f("ix_tickets_sender_id"), ["sender_id"], unique=False)

    if _missing("handoff_notes"):  # a database from before migrations may have it
        op.create_table(
            "handoff_notes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("handoff_id", sa.Integer(), nullable=False),
            sa.Column("agent_id", sa.Integer(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["agent_id"],
                ["agents.id"],
            ),
            sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_handoff_notes_handoff_id"), ["handoff_id"], unique=False)

    if _missing("order_items"):  # a database from before migrations may have it
        op.create_table(
            "order_items",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("order_id", sa.Integer(), nullable=False),
            sa.Column("sku", sa.String(length=40), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("quantity", sa.Integer(), nullable=False),
            sa.Column("unit_price_cents", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("order_items", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_order_items_order_id"), ["order_id"], unique=False)

    if _missing("satisfaction_ratings"):  # a database from before migrations may have it
        op.create_table(
            "satisfaction_ratings",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("sender_id", sa.String(length=255), nullable=False),
            sa.Column("channel", sa.String(length=40), nullable=False),
            sa.Column("rating", sa.Integer(), nullable=False),
            sa.Column("handoff_id", sa.Integer(), nullable=True),
            sa.Column("agent_id", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["agent_id"],
                ["agents.id"],
            ),
            sa.ForeignKeyConstraint(
                ["handoff_id"],
                ["handoffs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("satisfaction_ratings", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_satisfaction_ratings_sender_id"), ["sender_id"], unique=False)

    if _missing("ticket_messages"):  # a database from before migrations may have it
        op.create_table(
            "ticket_messages",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("ticket_id", sa.Integer(), nullable=False),
            sa.Column("author", sa.String(length=20), nullable=False),
            sa.Column("agent_id", sa.Integer(), nullable=True),
            sa.Column("agent_name", sa.String(length=200), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("delivered", sa.Boolean(), nullable=False),
            sa.Column("delivery_error", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_ticket_messages_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_messages_ticket_id"))

    op.drop_table("ticket_messages")
    with op.batch_alter_table("satisfaction_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_ratings_sender_id"))

    op.drop_table("satisfaction_ratings")
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_items_order_id"))

    op.drop_table("order_items")
    with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_notes_handoff_id"))

    op.drop_table("handoff_notes")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_sender_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_reference"))
        batch_op.drop_index(batch_op.f("ix_tickets_email"))
        batch_op.drop_index(batch_op.f("ix_tickets_customer_id"))

    op.drop_table("tickets")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_number"))
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))

    op.drop_table("orders")
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_feedback_sender_id"))
        batch_op.drop_index(batch_op.f("ix_kb_feedback_query_id"))
        batch_op.drop_index(batch_op.f("ix_kb_feedback_created_at"))

    op.drop_table("kb_feedback")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_status_created")
        batch_op.drop_index(batch_op.f("ix_handoffs_sender_id"))

    op.drop_table("handoffs")
    with op.batch_alter_table("agent_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_sessions_token_hash"))
        batch_op.drop_index(batch_op.f("ix_agent_sessions_agent_id"))

    op.drop_table("agent_sessions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sender_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("lookup_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_lookup_failures_scope_key_created")

    op.drop_table("lookup_failures")
    with op.batch_alter_table("kb_queries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_queries_sender_id"))
        batch_op.drop_index(batch_op.f("ix_kb_queries_outcome"))
        batch_op.drop_index(batch_op.f("ix_kb_queries_created_at"))

    op.drop_table("kb_queries")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_email"))

    op.drop_table("customers")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_email"))

    op.drop_table("agents")
