"""Rasa's endpoints (action server, tracker store, lock store) built from our settings instead
of endpoints.yml, so one set of environment variables configures every process."""

from __future__ import annotations

from typing import Optional
from urllib.parse import parse_qsl, urlparse

from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings


def tracker_store_endpoint(url: str) -> EndpointConfig:
    """Rasa's SQL tracker store config from a SQLAlchemy-style URL."""
    parsed = urlparse(url)
    dialect = parsed.scheme.split("+")[0]
    if dialect == "sqlite":
        return EndpointConfig(type="SQL", dialect="sqlite", db=url.split("///", 1)[-1])
    return EndpointConfig(
        type="SQL",
        dialect=parsed.scheme,
        url=parsed.hostname,
        port=parsed.port,
        db=parsed.path.lstrip("/"),
        username=parsed.username,
        password=parsed.password,
        # e.g. ?options=-csearch_path%3Dsupport (a schema of its own) or sslmode=require
        query=dict(parse_qsl(parsed.query)) or None,
    )


def lock_store_endpoint(url: Optional[str]) -> Optional[EndpointConfig]:
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError(f"LOCK_STORE_URL must be a redis:// URL, got {url!r}")
    return EndpointConfig(
        type="redis",
        url=parsed.hostname,
        port=parsed.port or 6379,
        db=int(parsed.path.lstrip("/") or 0),
        password=parsed.password,
        use_ssl=parsed.scheme == "rediss",
        key_prefix="support",
    )


def build_endpoints(settings: Settings, action_token: str) -> AvailableEndpoints:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return AvailableEndpoints(
        # The action server refuses requests without this token (bot/action_server.py).
        action=EndpointConfig(url=settings.action_endpoint_url, headers={"Authorization": f"Bearer {action_token}"}),
        tracker_store=tracker_store_endpoint(settings.tracker_database_url),
        lock_store=lock_store_endpoint(settings.lock_store_url),
    )
