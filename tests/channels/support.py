"""Helpers for the channel tests: a running assistant per test module, waiting, and a look
at what reached the assistant through Rasa's HTTP API."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Callable, List, Optional


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
    """The conversation as Rasa stores it (through the HTTP API, with the tests' token)."""
    from urllib.parse import quote

    from tests.conftest import api_url

    url = api_url(rasa_url, f"/conversations/{quote(sender_id, safe=':')}/tracker")
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def user_events(rasa_url: str, sender_id: str) -> List[dict]:
    return [event for event in tracker(rasa_url, sender_id).get("events", []) if event["event"] == "user"]


def rasa_api(rasa_url: str, path: str, body: object, method: str = "POST") -> dict:
    from tests.conftest import api_url

    request = urllib.request.Request(
        api_url(rasa_url, path),
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read())


def log_text(stack: object, name: str = "rasa") -> str:
    path: Optional[Path] = stack.log_dir / f"{name}.log"  # type: ignore[attr-defined]
    return path.read_text(errors="replace") if path and path.exists() else ""
