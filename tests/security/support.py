"""What the security tests share: raw HTTP against a running assistant, as an attacker sends it."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import httpx

PASSWORD = "correct horse battery staple"


def rest(
    stack: Any, body: Any, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None
) -> httpx.Response:
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        content=content,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=60,
    )


def texts(response: httpx.Response) -> str:
    return "\n".join(m.get("text") or "" for m in response.json())


def say(stack: Any, sender: str, message: str, headers: Optional[Dict[str, str]] = None, **extra: Any) -> str:
    response = rest(stack, {"sender": sender, "message": message, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    return texts(response)


def is_clean_json_error(response: httpx.Response, status: int) -> bool:
    """A 4xx/5xx with a JSON {"error": ...} body and nothing of the server's insides."""
    body = response.text
    return (
        response.status_code == status
        and response.headers.get("content-type", "").startswith("application/json")
        and isinstance(response.json().get("error"), str)
        and "Traceback" not in body
        and 'File "' not in body
    )


def db_count(model: Any, **where: Any) -> int:
    from sqlalchemy import func, select

    from bot.store.db import session_scope

    with session_scope() as session:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return session.execute(stmt).scalar_one()


def events_of(stack: Any, sender_id: str) -> List[dict]:
    from urllib.parse import quote

    response = httpx.get(stack.api_url(f"/conversations/{quote(sender_id, safe=':')}/tracker"), timeout=30)
    response.raise_for_status()
    return response.json()["events"]
