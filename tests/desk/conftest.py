"""The desk's blueprint on a real Sanic server on a free local port, with a client that sends the
desk's own Origin (what the browser sends), for the API tests."""

from __future__ import annotations

import contextlib
import socket
import uuid
from typing import Any, AsyncIterator, Callable

import httpx
import pytest
from sanic import Sanic

from bot.desk.api import create_blueprint
from bot.intake import Intake
from bot.settings import Settings

PASSWORD = "a long enough password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def desk_server(monkeypatch: pytest.MonkeyPatch, build: Callable[[Any], Any]) -> AsyncIterator[httpx.AsyncClient]:
    port = _free_port()
    monkeypatch.setenv("PUBLIC_URL", f"http://127.0.0.1:{port}")
    settings = Settings()
    Sanic.test_mode = True
    app = Sanic(f"desk-api-{uuid.uuid4().hex[:8]}")
    app.blueprint(create_blueprint(settings, Intake(settings.security), build=build))
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    await server.before_start()
    await server.after_start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, headers={"Origin": base}) as client:
            yield client
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    """Sign in; returns the session's CSRF token."""
    answer = await client.post("/desk/api/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["csrf_token"]
