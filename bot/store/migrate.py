"""The app database's schema, created and migrated with Alembic (bot/store/migrations/).

`upgrade(engine)` brings any database to the newest revision: an empty one gets every table, a
current one is left alone, and one created before migrations existed (by `create_all`) gets its
missing tables and is stamped at the first revision before the later ones run. Several servers
starting together on PostgreSQL take a transaction-scoped advisory lock, so exactly one of them
migrates while the others wait and then find nothing to do.

New revision after changing a model: `python -m bot db revision -m "what changed"` (autogenerate
against the database in DATABASE_URL), then read and edit the file it writes.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
FIRST_REVISION = "0001"
# Any constant shared by every server: pg_advisory_xact_lock(key) serialises migrations.
ADVISORY_LOCK_KEY = 7_460_311_512

# Every module that defines tables on `bot.store.models.Base`.
MODEL_MODULES = ("bot.store.models", "bot.store.knowledge", "bot.store.handoff", "bot.store.lookup_guard")


def target_metadata() -> MetaData:
    from bot.store.models import Base

    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Migrate to `revision`; True when the database had no tables of ours before."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        inspector = inspect(connection)
        was_empty = not inspector.has_table("orders")
        config = _config(connection)
        if not was_empty and not inspector.has_table("alembic_version"):
            # Created by create_all before migrations existed: complete it, then record where it is.
            target_metadata().create_all(connection)
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)
    return was_empty


def new_revision(engine: Engine, message: str) -> None:
    """Write a new revision file from the difference between the models and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
