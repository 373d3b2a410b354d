"""Alembic's environment for the app database: always run from bot/store/migrate.py, which
hands over an open connection (so the advisory lock it holds covers the whole upgrade)."""

from __future__ import annotations

from alembic import context

from bot.store.migrate import target_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
