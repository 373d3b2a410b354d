"""A local cluster for tests and benchmarks: N Rasa servers and one action server started by
`bot.launcher.Stack` exactly as `python -m bot run --servers N` starts them, on a private
PostgreSQL schema of the machine's server and a private `redis-server` on a free port (stopped
and started again by the fault tests; the machine's own Redis is never touched).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, Optional

PG_URL = os.environ.get("DATABASE_TEST_URL_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server (no persistence) on a fixed free port: stop() and start() again
    simulate losing Redis and getting it back at the same address."""

    def __init__(self, directory: Path, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.directory = directory
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@contextlib.contextmanager
def pg_schema(url: str = PG_URL) -> Iterator[str]:
    """A private schema on the PostgreSQL server, dropped afterwards; yields a URL using it."""
    from sqlalchemy import create_engine, text

    schema = f"c_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, future=True, pool_pre_ping=True)  # fault tests end its connections too
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # application_name marks this cluster's connections (a fault test ends only those).
        yield f"{url}?options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.begin() as conn:  # the servers have stopped: nothing holds the schema
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cluster_env(database_url: str, redis_url: str) -> Dict[str, str]:
    """Every variable a cluster needs (docs/DEPLOY.md), on one schema and one Redis."""
    return {
        "DATABASE_URL": database_url,
        "TRACKER_STORE_URL": database_url,
        "LOCK_STORE_URL": f"{redis_url}/0",
        "SOCKETIO_REDIS_URL": f"{redis_url}/1",
        "EVENTS_REDIS_URL": f"{redis_url}/2",
        "RATE_LIMIT_STORAGE_URL": f"{redis_url}/3",
    }


@contextlib.contextmanager
def running_cluster(var: Path, model_path: Path, servers: int = 2, extra_env: Optional[Dict[str, str]] = None):
    """(stack, redis): `servers` Rasa servers and an action server on a fresh schema and Redis."""
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from tests.stack import settings_with

    redis = RedisServer(var / "redis")
    redis.start()
    try:
        with pg_schema() as database_url:
            child_env = {
                "VAR_DIR": str(var),
                "LOG_LEVEL": "INFO",
                "RASA_TELEMETRY_ENABLED": "false",
                **cluster_env(database_url, redis.url),
                **(extra_env or {}),
            }
            # Consecutive ports for the servers (PORT..PORT+N-1): probe a free run of them.
            settings = settings_with(child_env, port=_free_run(servers), actions_port=free_port())
            db.configure(settings.app_database_url)
            ensure_seeded()
            stack = Stack(settings, model_path, env=child_env, log_dir=var / "logs", servers=servers)
            with stack:
                yield stack, redis
            db.engine().dispose()
    finally:
        redis.stop()


def _free_run(count: int) -> int:
    for _ in range(50):
        start = free_port()
        if start + count > 65535:
            continue
        sockets = []
        try:
            for port in range(start, start + count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                sockets.append(sock)
            return start
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports")
