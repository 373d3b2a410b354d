"""The composition root of the Rasa server process: read this first.

Everything the server runs is built here, once, from one `Settings` (bot/settings/):

    settings ─┬─ channels (channels/<name>/), each converting its platform to Rasa messages
              ├─ registry (bot/outbound.py): channel name -> how to reach its customers
              ├─ Rasa's app and agent (rasa.core.run), with the patches of bot/patches.py
              ├─ handoff runtime (bot/handoff/runtime.py): the gate + what agents do
              ├─ background loop (bot/handoff/background.py): queue updates, alerts, tickets
              └─ desk (bot/desk/api/): the agents' HTTP API and pages

A customer message: the channel's input (e.g. channels/slack/input.py) turns the platform
event into a `UserMessage` and calls `on_new_message`, which is `HandoffRuntime.handle_message`
(wired in `register_channels` below). While a person owns the conversation the gate records it
for them; otherwise it goes to Rasa's `agent.handle_message` (NLU with the front door in
bot/nlu/, policies, custom actions on the action server) and the replies go back through the
channel's output (channels/<name>/output.py).

An agent's reply: the desk API (bot/desk/api/handoffs.py) -> `HandoffRuntime.agent_message` ->
`Delivery.send` (bot/handoff/delivery.py), which writes it into the tracker and calls
`registry.outbound_for(channel).deliver(...)`: the same channel output, or the outbox for REST.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import urljoin

from rasa.core import run as rasa_run
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

from bot import patches, storage
from bot.analytics.recorder import ConversationRecorder
from bot.desk import api as desk_api
from bot.desk.events import EventBus
from bot.desk.relay import RedisRelay
from bot.desk.service import build_desk_service
from bot.desk.slack_threads import SlackThreads
from bot.endpoints import build_endpoints
from bot.handoff import queue as handoff_queue
from bot.handoff.background import BackgroundLoop, SlackAlerts
from bot.handoff.delivery import Delivery, Outbox, Unavailable
from bot.handoff.runtime import HandoffRuntime
from bot.instance_secrets import Tokens
from bot.intake import Intake
from bot.mail import Mailer
from bot.outbound import ChannelRegistry
from bot.settings import HandoffConfig, Settings
from bot.store import db, tracker_schema
from bot.store.db import run_sync
from bot.web import guards
from channels import slack, telegram, webchat
from channels.rest import RestInput

logger = logging.getLogger(__name__)

WEBHOOKS = "/webhooks/"
# Platforms the handoff may have to reach; one that is not configured answers "unavailable".
PLATFORMS = {
    "slack": "Slack is not configured: SLACK_BOT_TOKEN is not set",
    "telegram": "Telegram is not configured: TELEGRAM_BOT_TOKEN is not set",
    "webchat": "the web chat is turned off (WEBCHAT_ENABLED=false)",
}


async def thread_has_person(sender_id: str) -> bool:
    """For the Slack channel: a thread with an open handoff is ours without a new mention."""
    return await run_sync(handoff_queue.open_handoff_for, sender_id) is not None


def team_status_for(config: HandoffConfig) -> Callable[..., Awaitable[Dict[str, Any]]]:
    """For the widget's header: is a person available now, and what reply time to expect
    (in the visitor's language)."""

    async def team_status(lang: str = "en") -> Dict[str, Any]:
        return await run_sync(handoff_queue.team_status, config, lang)

    return team_status


def build_channels(settings: Settings, intake: Intake) -> List[InputChannel]:
    """REST unless REST_ENABLED=false; the others when their settings enable them."""
    security = settings.security
    built: List[Optional[InputChannel]] = [
        RestInput(intake, security.rest_token, security.trusted_proxies) if security.rest_enabled else None,
        webchat.build(settings, intake, team_status_for(settings.handoff)),
        slack.build(settings.slack, intake, thread_has_person),
        telegram.build(settings.telegram, intake),
    ]
    return [channel for channel in built if channel is not None]


def build_registry(channels: List[InputChannel]) -> ChannelRegistry:
    """Each running push channel's output; REST (and anything unnamed) through the outbox."""
    registry = ChannelRegistry(fallback=Outbox())
    for name, why in PLATFORMS.items():
        registry.register(name, Unavailable(name, why))
    for channel in channels:
        output = channel.get_output_channel()
        if channel.name() in PLATFORMS and output is not None:
            registry.register(channel.name(), output)
    return registry


def register_channels(app: Sanic, channels: List[InputChannel], on_new_message: Any) -> None:
    """Mount each channel under /webhooks/<name>/, calling `on_new_message` for every message."""
    for channel in channels:
        app.blueprint(channel.blueprint(on_new_message), url_prefix=urljoin(WEBHOOKS, channel.url_prefix()))
    app.ctx.input_channels = channels  # Rasa's API looks output channels up here


def build_app(settings: Settings, model_path: str, tokens: Tokens) -> Sanic:
    patches.install_class_patches(settings)
    intake = Intake(settings.security, address_salt=tokens.address_salt)
    channels = build_channels(settings, intake)
    registry = build_registry(channels)
    endpoints = build_endpoints(settings, tokens.actions)
    app = rasa_run.configure_app(
        None,  # the channels are registered below, behind the handoff gate
        cors=guards.cors_origins(settings),
        auth_token=tokens.api,
        enable_api=True,
        endpoints=endpoints,
        port=settings.port,
    )
    app.ctx.intake = intake
    app.ctx.registry = registry
    app.ctx.mailer = Mailer(settings.mail, settings.support_email)
    relay = RedisRelay(settings.events_redis_url) if settings.events_redis_url else None

    recorder = app.ctx.recorder = ConversationRecorder()

    def saved(tracker: Any) -> None:
        """Every tracker the store saved: the gate keeps it for this turn, analytics summarise it."""
        runtime.remember(tracker)
        recorder.saved(tracker)

    def current_agent() -> Any:
        """The loaded agent, its tracker store patched (a `PUT /model` loads a new one)."""
        agent = app.ctx.agent
        patches.install_tracker_store_patches(agent.tracker_store, saved)
        return agent

    runtime = HandoffRuntime(
        current_agent,
        settings.handoff,
        EventBus(relay=relay),
        Delivery(current_agent, registry),
        intake,
    )

    async def on_new_message(message: UserMessage) -> Any:
        return await runtime.handle_message(message)

    for channel in channels:  # the widget tells the desk when a customer is typing
        if isinstance(channel, webchat.WebchatInput):
            channel.customer_typing = runtime.customer_typing

    register_channels(app, channels, on_new_message)
    guards.install(app, settings, tokens.api)
    app.blueprint(desk_api.create_blueprint(settings, intake))
    app.register_listener(partial(rasa_run.load_agent_on_start, model_path, endpoints, None), "before_server_start")
    # The front door searches the help centre in this process: have the index loaded (built on a
    # first start) before the first customer, not while they wait.
    app.register_listener(load_help_centre, "before_server_start")
    # After the agent loads (same event, registration order): the runtime needs its tracker store.
    app.register_listener(partial(start_handoff, settings, runtime, saved), "before_server_start")
    app.register_listener(stop_handoff, "after_server_stop")
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    return app


async def load_help_centre(app: Sanic, _loop: Any) -> None:
    from knowledge_base.service import get_knowledge_base

    for language in ("en", "ja"):  # both help centres: the first question in either is fast
        try:
            await run_sync(get_knowledge_base(language).refresh)
        except Exception:  # noqa: BLE001 - answer on intents alone rather than not start
            logger.exception("could not load the %s knowledge base at start-up", language)


async def start_handoff(
    settings: Settings, runtime: HandoffRuntime, saved: Callable[[Any], None], app: Sanic, _loop: Any
) -> None:
    """The app database, the tracker store's patches, the runtime and its background loop."""
    db.create_schema()
    patches.install_tracker_store_patches(app.ctx.agent.tracker_store, saved)
    await run_sync(ensure_tracker_index, app.ctx.agent.tracker_store)
    app.ctx.handoff = runtime
    if runtime.bus.relay is not None:
        runtime.bus.relay.start(runtime.bus.deliver)
    alerts = SlackAlerts.from_settings(settings)
    if alerts is not None:  # agents can answer in each alert's thread (bot/desk/slack_threads.py)
        threads = SlackThreads(alerts.client, lambda: build_desk_service(app))
        runtime.mirror = threads
        for channel in app.ctx.input_channels:
            if isinstance(channel, slack.SlackInput):
                channel.agent_thread = threads.agent_reply
                channel.agent_thread_action = threads.agent_action
    app.ctx.handoff_loop = BackgroundLoop(runtime, settings.handoff, alerts)
    app.ctx.handoff_loop.start()


def ensure_tracker_index(tracker_store: Any) -> None:
    """The sender_id index on the tracker table, wherever the tracker database is."""
    engine = storage.tracker_engine(tracker_store)
    if engine is None:
        return
    try:
        with engine.begin() as connection:
            tracker_schema.ensure_sender_index(connection)
    except Exception:  # noqa: BLE001 - serve without it rather than not start
        logger.exception("tracker store: could not check the index on events(sender_id)")


async def stop_handoff(app: Sanic, _loop: Any) -> None:
    loop = getattr(app.ctx, "handoff_loop", None)
    if loop is not None:
        await loop.stop()
    recorder = getattr(app.ctx, "recorder", None)
    if recorder is not None:
        await recorder.flush()
    runtime = getattr(app.ctx, "handoff", None)
    if runtime is not None and runtime.bus.relay is not None:
        await runtime.bus.relay.stop()


def serve(settings: Settings, model_path: str, tokens: Tokens) -> None:
    app = build_app(settings, model_path, tokens)
    logger.info("Rasa server listening on http://%s:%s", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, workers=1, access_log=False, motd=False)
