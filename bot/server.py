"""The Rasa server process: Rasa's own app plus our channels, guards and extras.

`python -m bot serve` runs this (the launcher starts it for `python -m bot run`). It is
Rasa's `configure_app` with the endpoints built from settings instead of endpoints.yml,
so one set of environment variables configures every process.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import List, Optional, Union
from urllib.parse import urlparse

from rasa.core import run as rasa_run
from rasa.core.channels.channel import InputChannel
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic

from bot import model_thread, resilience, speedups
from bot.desk import api as desk_api
from bot.instance_secrets import Tokens
from bot.intake import Intake
from bot.settings import Settings
from bot.web import guards

logger = logging.getLogger(__name__)


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


def build_endpoints(settings: Settings, action_token: str) -> AvailableEndpoints:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return AvailableEndpoints(
        # The action server refuses requests without this token (bot/action_server.py).
        action=EndpointConfig(url=settings.action_endpoint_url, headers={"Authorization": f"Bearer {action_token}"}),
        tracker_store=tracker_store_endpoint(settings.tracker_database_url),
        lock_store=lock_store_endpoint(settings.lock_store_url),
    )


def input_channels(settings: Settings, intake: Intake) -> List[InputChannel]:
    """REST unless REST_ENABLED=false; the other channels are enabled by their credentials."""
    from channels import enabled_channels
    from channels.rest import RestInput

    security = settings.security
    rest = [RestInput(intake, security.rest_token, security.trusted_proxies)] if security.rest_enabled else []
    return [*rest, *enabled_channels(settings, intake)]


def cors_origins(settings: Settings) -> Union[str, List[str]]:
    """CORS for the configured widget origins only ("" = none: the demo page is same-origin)."""
    from channels.webchat import WebchatConfig

    origins = WebchatConfig.from_env().cors_origins
    return [o for o in origins if o != "*"] if isinstance(origins, (list, tuple)) else ""


def build_app(settings: Settings, model_path: str, tokens: Tokens) -> Sanic:
    resilience.install(settings.support_email)
    speedups.install()
    model_thread.install()
    intake = Intake(settings.security, address_salt=tokens.address_salt)
    endpoints = build_endpoints(settings, tokens.actions)
    app = rasa_run.configure_app(
        input_channels(settings, intake),
        cors=cors_origins(settings),
        auth_token=tokens.api,
        enable_api=True,
        endpoints=endpoints,
        port=settings.port,
    )
    app.ctx.intake = intake
    guards.install(app, settings, tokens.api)
    app.blueprint(desk_api.create_blueprint(settings, intake))
    app.register_listener(partial(rasa_run.load_agent_on_start, model_path, endpoints, None), "before_server_start")
    # The front door searches the help centre in this process: have the index loaded (built on a
    # first start) before the first customer, not while they wait.
    app.register_listener(load_help_centre, "before_server_start")
    # Registered after the agent loads (same event, registration order): no message can
    # reach the assistant before the handoff gate is in place.
    app.register_listener(partial(start_handoff, settings), "before_server_start")
    app.register_listener(stop_handoff, "after_server_stop")
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    return app


async def load_help_centre(app: Sanic, _loop) -> None:
    from bot.store.db import run_sync
    from knowledge_base.service import get_knowledge_base

    try:
        await run_sync(get_knowledge_base().refresh)
    except Exception:  # noqa: BLE001 - answer on intents alone rather than not start
        logger.exception("could not load the knowledge base at start-up")


async def start_handoff(settings: Settings, app: Sanic, _loop) -> None:
    """Put the handoff gate in front of the assistant and start the background loop."""
    from bot.desk.events import EventBus
    from bot.handoff import config as handoff_config
    from bot.handoff.background import BackgroundLoop, SlackAlerts
    from bot.handoff.runtime import HandoffRuntime
    from bot.store import db

    db.create_schema()
    if speedups.pool_sqlite_tracker_store(app.ctx.agent.tracker_store):
        logger.info("tracker store: pooled SQLite connections in WAL mode")
    config = handoff_config.load()
    runtime = HandoffRuntime(app.ctx.agent, config, EventBus(), app.ctx.intake)
    runtime.install()
    app.ctx.handoff = runtime
    app.ctx.handoff_loop = BackgroundLoop(runtime, config, SlackAlerts.from_env(config, settings))
    app.ctx.handoff_loop.start()


async def stop_handoff(app: Sanic, _loop) -> None:
    loop = getattr(app.ctx, "handoff_loop", None)
    if loop is not None:
        await loop.stop()


def serve(settings: Settings, model_path: str, tokens: Tokens) -> None:
    app = build_app(settings, model_path, tokens)
    logger.info("Rasa server listening on http://%s:%s", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, workers=1, access_log=False, motd=False)
