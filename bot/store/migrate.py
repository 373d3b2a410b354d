"""The app database's schema, created and migrated with Alembic (bot/store/migrations/).

`upgrade(engine)` brings any database to the newest revision: an empty one gets every table, a
current one is left alone, and one created before migrations existed (by `create_all`) is
migrated like an empty one: revision 0001 creates only the tables it lacks. A database at a
revision this version does not know (a newer version migrated it; this one is an old server
still running during a rolling upgrade) is left alone, with a warning. Several servers starting
together take a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: a file lock next to
the database), so exactly one of them migrates while the others wait and then find nothing to do.

New revision after changing a model: `python -m bot db revision -m "what changed"` (autogenerate
against the database in DATABASE_URL), then read and edit the file it writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import logging
from pathlib import Path
from typing import Iterator, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
# Any constant shared by every server: pg_advisory_xact_lock(key) serialises migrations.
ADVISORY_LOCK_KEY = 7_460_311_512

# Every module that defines tables on `bot.store.models.Base`.
MODEL_MODULES = (
    "bot.store.models",
    "bot.store.knowledge",
    "bot.store.handoff",
    "bot.store.lookup_guard",
    "bot.store.conversations",
    "bot.store.canned",
    "bot.store.labels",
)


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


def head_revision() -> str:
    """The newest revision this version knows (what `upgrade` brings a database to)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks: a lock file beside the database serialises processes."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _known(config: Config, revision: Optional[str]) -> bool:
    if revision is None:
        return True
    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Migrate to `revision`; True when the database had none of our tables before."""
    with _file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        was_empty = not set(inspect(connection).get_table_names()) & set(target_metadata().tables)
        config = _config(connection)
        current = MigrationContext.configure(connection).get_current_revision()
        if not _known(config, current):
            logger.warning(
                "the app database is at revision %s, which this version does not know (a newer one "
                "migrated it): leaving the schema as it is",
                current,
            )
            return False
        command.upgrade(config, revision)
    return was_empty


def new_revision(engine: Engine, message: str) -> None:
    """Write a new revision file from the difference between the models and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
