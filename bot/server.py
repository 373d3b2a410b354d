"""The Rasa server process: Rasa's own app plus our channels, guards and extras.

`python -m bot serve` runs this (the launcher starts it for `python -m bot run`). It is
Rasa's `configure_app` with the endpoints built from settings instead of endpoints.yml,
so one set of environment variables configures every process.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import partial
from typing import List, Optional
from urllib.parse import urlparse

from rasa.core import run as rasa_run
from rasa.core.channels.channel import InputChannel
from rasa.core.channels.rest import RestInput
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic
from sanic.request import Request
from sanic.response import json as json_response

from bot import resilience, speedups
from bot.desk import api as desk_api
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Rasa's HTTP API (conversations, model, domain) can rewrite any conversation, so it is
# only served to this machine unless RASA_API_TOKEN is set (then Rasa checks the token).
API_PREFIXES = ("/conversations", "/model", "/domain", "/status")


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


def build_endpoints(settings: Settings) -> AvailableEndpoints:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return AvailableEndpoints(
        action=EndpointConfig(url=settings.action_endpoint_url),
        tracker_store=tracker_store_endpoint(settings.tracker_database_url),
        lock_store=lock_store_endpoint(settings.lock_store_url),
    )


def input_channels(settings: Settings) -> List[InputChannel]:
    """REST always; the other channels are enabled by their credentials."""
    from channels import enabled_channels

    return [RestInput(), *enabled_channels(settings)]


def _is_local(request: Request) -> bool:
    if request.headers.get("x-forwarded-for") or request.headers.get("forwarded"):
        return False  # came through a proxy: the peer address says nothing about the client
    try:
        return ipaddress.ip_address(request.ip).is_loopback
    except ValueError:
        return False


REST_WEBHOOK = "/webhooks/rest/webhook"


def rest_body_error(request: Request) -> Optional[str]:
    """Why a REST channel request is unusable, or None. Rasa's channel would process a body
    without a message as an empty message; we refuse it with a clear 400 instead."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own InvalidUsage subclass
        return "The body must be JSON."
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    if not isinstance(body.get("message"), str):
        return 'The body needs a "message" string.'
    if "sender" in body and not isinstance(body["sender"], (str, int)):
        return 'The "sender" must be a string.'
    if "metadata" in body and body["metadata"] is not None and not isinstance(body["metadata"], dict):
        return 'The "metadata" must be a JSON object.'
    return None


def guard_api(app: Sanic, settings: Settings) -> None:
    @app.on_request
    async def _local_api_only(request: Request):  # noqa: ANN202
        if request.path.startswith(API_PREFIXES) and not settings.api_token and not _is_local(request):
            return json_response({"error": "The HTTP API is only served to localhost."}, status=403)
        if request.path == REST_WEBHOOK and request.method == "POST":
            error = rest_body_error(request)
            if error:
                return json_response({"error": error}, status=400)
        return None


def build_app(settings: Settings, model_path: str) -> Sanic:
    resilience.install(settings.support_email)
    speedups.install()
    endpoints = build_endpoints(settings)
    app = rasa_run.configure_app(
        input_channels(settings),
        cors="*",
        auth_token=settings.api_token,
        enable_api=True,
        endpoints=endpoints,
        port=settings.port,
    )
    guard_api(app, settings)
    app.blueprint(desk_api.create_blueprint())
    app.register_listener(partial(rasa_run.load_agent_on_start, model_path, endpoints, None), "before_server_start")
    # Registered after the agent loads (same event, registration order): no message can
    # reach the assistant before the handoff gate is in place.
    app.register_listener(partial(start_handoff, settings), "before_server_start")
    app.register_listener(stop_handoff, "after_server_stop")
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    return app


async def start_handoff(settings: Settings, app: Sanic, _loop) -> None:
    """Put the handoff gate in front of the assistant and start the background loop."""
    from bot.desk.events import EventBus
    from bot.handoff import config as handoff_config
    from bot.handoff.background import BackgroundLoop, SlackAlerts
    from bot.handoff.runtime import HandoffRuntime
    from bot.store import db

    db.create_schema()
    config = handoff_config.load()
    runtime = HandoffRuntime(app.ctx.agent, config, EventBus())
    runtime.install()
    app.ctx.handoff = runtime
    app.ctx.handoff_loop = BackgroundLoop(runtime, config, SlackAlerts.from_env(config, settings))
    app.ctx.handoff_loop.start()


async def stop_handoff(app: Sanic, _loop) -> None:
    loop = getattr(app.ctx, "handoff_loop", None)
    if loop is not None:
        await loop.stop()


def serve(settings: Settings, model_path: str) -> None:
    app = build_app(settings, model_path)
    logger.info("Rasa server listening on http://%s:%s", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, workers=1, access_log=False, motd=False)
