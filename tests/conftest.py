"""Shared fixtures: databases (SQLite and the local PostgreSQL), the trained model, and a
running assistant (action server + Rasa server) on free ports with its own var/ folder."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import pytest

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# Every assistant the tests start uses this HTTP API token (children inherit the environment),
# so helpers can read trackers through Rasa's API; tests/security checks the generated default.
API_TOKEN = "test-rasa-api-token"
os.environ.setdefault("RASA_API_TOKEN", API_TOKEN)

from bot import settings as settings_module  # noqa: E402

# The PostgreSQL server on this machine (trust auth). CI must run these tests, not skip them.
PG_URL = os.environ.get("DATABASE_TEST_URL_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def api_url(base_url: str, path: str) -> str:
    """An address of Rasa's HTTP API with the tests' token."""
    return f"{base_url}{path}{'&' if '?' in path else '?'}token={os.environ['RASA_API_TOKEN']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def _fresh_pg_schema(url: str) -> Iterator[str]:
    """A private schema in the shared test database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each store test runs twice: on SQLite and on the local PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
    else:
        yield from _fresh_pg_schema(PG_URL)


@pytest.fixture
def store(database_url: str):
    """The application database, created and seeded with the demo shop."""
    from bot.store import db
    from bot.store.seed import seed

    db.configure(database_url)
    seed()
    yield db
    db.engine().dispose()


@pytest.fixture(scope="module")
def slack_api():
    """A local stand-in for the Slack Web API (and Socket Mode), recording what it received."""
    from tests.mocks.slack_api import MockSlackApi

    with MockSlackApi() as api:
        yield api


@pytest.fixture(scope="module")
def telegram_api():
    """A local stand-in for the Telegram Bot API, recording what it received."""
    from tests.mocks.telegram_api import MockTelegramApi

    with MockTelegramApi() as api:
        yield api


@pytest.fixture(scope="session")
def help_centre(tmp_path_factory):
    """The demo help centre (data/knowledge, and its Japanese edition data/knowledge/ja), indexed
    once for the session, as the process-wide knowledge bases (what the front door of an
    in-process Rasa agent searches)."""
    import dataclasses

    from knowledge_base import config as kb_config
    from knowledge_base.service import KnowledgeBase, set_knowledge_base

    config = dataclasses.replace(kb_config.load(), index_dir=tmp_path_factory.mktemp("help-centre-index"))
    kb = KnowledgeBase(config)
    kb.ingest([settings_module.PROJECT_ROOT / "data" / "knowledge"])
    set_knowledge_base(kb)
    ja_config = dataclasses.replace(kb_config.load("ja"), index_dir=tmp_path_factory.mktemp("help-centre-index-ja"))
    kb_ja = KnowledgeBase(ja_config)
    kb_ja.ingest([ja_config.sources])
    set_knowledge_base(kb_ja, "ja")
    yield kb
    set_knowledge_base(None)
    set_knowledge_base(None, "ja")


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model (trains once if the assistant's data changed)."""
    from bot.training import ensure_model

    return ensure_model(settings_module.load())


@dataclasses.dataclass
class Chat:
    """A REST conversation with a running assistant."""

    url: str
    sender: str = dataclasses.field(default_factory=lambda: f"test-{uuid.uuid4().hex[:10]}")
    transcript: List[Dict] = dataclasses.field(default_factory=list)

    @property
    def sender_id(self) -> str:
        """The conversation id on the server: the REST channel prefixes the client's sender."""
        return f"rest:{self.sender}"

    def say(self, text: str, metadata: Optional[dict] = None, timeout: float = 60) -> List[dict]:
        body = {"sender": self.sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            replies = json.loads(response.read() or b"[]")
        self.transcript.append({"user": text, "bot": replies})
        return replies

    def text(self, text: str, **kwargs) -> str:
        """The bot's replies to `text`, joined into one string (buttons as [title])."""
        parts = []
        for reply in self.say(text, **kwargs):
            if reply.get("text"):
                parts.append(reply["text"])
            parts += [f"[{b['title']}]" for b in reply.get("buttons") or []]
        return "\n".join(parts)


@pytest.fixture
def stack_factory(tmp_path: Path, model_path: Path) -> Iterator[Callable[..., object]]:
    """Start a real assistant on free ports: `stack = stack_factory(env={...})`."""
    from bot.launcher import Stack

    started: List[Stack] = []

    def start(env: Optional[Dict[str, str]] = None, var_dir: Optional[Path] = None) -> Stack:
        var = var_dir or tmp_path / f"var-{len(started)}"
        child_env = {"VAR_DIR": str(var), "LOG_LEVEL": "INFO", **(env or {})}
        for key, value in child_env.items():
            os.environ[key] = value  # Settings reads the environment; restored below
        try:
            settings = dataclasses.replace(settings_module.load(), port=free_port(), actions_port=free_port())
        finally:
            for key in child_env:
                os.environ.pop(key, None)
        from bot.store import db
        from bot.store.seed import ensure_seeded

        db.configure(settings.app_database_url)
        ensure_seeded()
        stack = Stack(settings, model_path, env=child_env, log_dir=var / "logs")
        stack.start()
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture
def chat_factory() -> Callable[[object], Chat]:
    return lambda stack: Chat(stack.rasa_url)
