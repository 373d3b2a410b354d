"""Helpers for the channel tests: a running assistant per test module, waiting, and a look
at what reached the assistant through Rasa's HTTP API."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional


@contextlib.contextmanager
def running_assistant(var: Path, model_path: Path, env: Dict[str, str]):
    """A real assistant (action server + Rasa server) on free ports, with `env` in its processes
    only. Module-scoped use of what `stack_factory` does per test: starting one takes a while."""
    from bot import settings as settings_module
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from tests.conftest import free_port

    child_env = {"VAR_DIR": str(var), "LOG_LEVEL": "INFO", "RASA_TELEMETRY_ENABLED": "false", **env}
    saved = {key: os.environ.get(key) for key in child_env}
    os.environ.update(child_env)
    try:
        settings = dataclasses.replace(settings_module.load(), port=free_port(), actions_port=free_port())
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    db.configure(settings.app_database_url)
    ensure_seeded()
    with Stack(settings, model_path, env=child_env, log_dir=var / "logs") as stack:
        yield stack


def wait_until(predicate: Callable[[], object], timeout: float = 60, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def tracker(rasa_url: str, sender_id: str) -> dict:
    """The conversation as Rasa stores it (the HTTP API is open to localhost)."""
    from urllib.parse import quote

    with urllib.request.urlopen(f"{rasa_url}/conversations/{quote(sender_id, safe=':')}/tracker", timeout=30) as resp:
        return json.loads(resp.read())


def user_events(rasa_url: str, sender_id: str) -> List[dict]:
    return [event for event in tracker(rasa_url, sender_id).get("events", []) if event["event"] == "user"]


def rasa_api(rasa_url: str, path: str, body: object, method: str = "POST") -> dict:
    request = urllib.request.Request(
        f"{rasa_url}{path}", data=json.dumps(body).encode(), method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read())


def log_text(stack: object, name: str = "rasa") -> str:
    path: Optional[Path] = stack.log_dir / f"{name}.log"  # type: ignore[attr-defined]
    return path.read_text(errors="replace") if path and path.exists() else ""
