"""Engine and session handling for the application database (SQLite or PostgreSQL).

One engine per process, created lazily from `DATABASE_URL` (default: SQLite under
`var/`). Actions run inside an asyncio loop, so `run_sync` moves blocking database work
to a worker thread instead of stalling every other conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from pathlib import Path
from typing import Callable, Iterator, Optional, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot import settings as settings_module

T = TypeVar("T")

_lock = threading.Lock()
_engine: Optional[Engine] = None
_session_factory: Optional[sessionmaker] = None


def make_engine(url: str) -> Engine:
    """Create an engine with the options each backend needs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A pool of open connections (SQLAlchemy 1.4 would otherwise open a new one, and run
        # the pragmas below, for every session: measurable at a few dozen messages a second).
        pool = {} if not path or path == ":memory:" else {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
        engine = create_engine(
            url, future=True, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cursor = dbapi_conn.cursor()
            # WAL lets the Rasa server read while the action server writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # hide_parameters: an error logged or raised never carries customer data from a query.
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


def configure(url: Optional[str] = None) -> Engine:
    """(Re)bind the process-wide engine; tests call this with their own database URL."""
    global _engine, _session_factory
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = make_engine(url or settings_module.load().app_database_url)
        _session_factory = sessionmaker(bind=_engine, expire_on_commit=False, future=True)
        return _engine


def engine() -> Engine:
    if _engine is None:
        configure()
    assert _engine is not None
    return _engine


@contextlib.contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back if it raises."""
    if _session_factory is None:
        configure()
    assert _session_factory is not None
    session = _session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def run_sync(func: Callable[..., T], *args, **kwargs) -> T:
    """Run blocking database work in a thread so the event loop keeps serving others."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(func, *args, **kwargs))


def create_schema() -> bool:
    """Create or migrate the schema (bot/store/migrate.py); True when the database was empty before."""
    from bot.store import migrate

    return migrate.upgrade(engine())
