"""Slack: direct messages and @-mentions, through slack-bolt's AsyncApp.

Slack reaches the server over the Events API (`POST /webhooks/slack/events`, signatures
checked by bolt) or, when `SLACK_APP_TOKEN` is set, over a Socket Mode websocket the server
opens itself, so a team can run it without a public URL. Either way the request is
acknowledged at once and the message handed to the assistant in the background: Slack
retries events that take longer than 3 seconds to acknowledge.

Conversations (Rasa sender ids): a direct message channel is one conversation,
`slack:<team>:<channel>`; in a public or private channel each thread started by a mention
is one, `slack:<team>:<channel>:<thread_ts>`, and the bot answers in that thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from aiohttp import ClientOSError, ServerConnectionError, ServerDisconnectedError
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt import BoltResponse
from slack_bolt.adapter.sanic import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.intake import Intake
from bot.settings import ConfigError, Settings, env
from channels.common import (
    ConversationTasks,
    PayloadTable,
    RecentIds,
    ReliableOutputChannel,
    customer_metadata,
    split_text,
)
from channels.slack_format import (
    ACTION_PREFIX,
    SECTION_LIMIT,
    button_blocks,
    chosen_blocks,
    conversation_of,
    escape_mrkdwn,
    is_customer_message,
    is_direct_message,
    parse_sender_id,
    plain_text,
    sender_id_for,
    strip_mention,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
START_TEXT = "/greet"  # what a bare @-mention (no words) tells the assistant

# One per process: button payloads over Slack's 2,000-character value limit.
PAYLOADS = PayloadTable()


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: Optional[str] = None
    app_token: Optional[str] = None
    api_url: str = DEFAULT_API_URL

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @classmethod
    def from_env(cls) -> Optional[SlackConfig]:
        """None when Slack is not configured; ConfigError when it is half configured."""
        bot_token, signing_secret, app_token = (
            env("SLACK_BOT_TOKEN"),
            env("SLACK_SIGNING_SECRET"),
            env("SLACK_APP_TOKEN"),
        )
        if not bot_token:
            if signing_secret or app_token:
                given = "SLACK_SIGNING_SECRET" if signing_secret else "SLACK_APP_TOKEN"
                raise ConfigError(f"{given} is set but SLACK_BOT_TOKEN is not: set both to enable Slack, or neither")
            return None
        if not signing_secret and not app_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: set it to the app's signing secret "
                "(or set SLACK_APP_TOKEN to use Socket Mode instead of the Events API URL)"
            )
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)")
        if not bot_token.startswith(("xoxb-", "xoxe.xoxb-")):
            logger.warning("SLACK_BOT_TOKEN does not look like a bot token (xoxb-...)")
        api_url = env("SLACK_API_URL", str, DEFAULT_API_URL).rstrip("/") + "/"
        return cls(bot_token=bot_token, signing_secret=signing_secret, app_token=app_token, api_url=api_url)


DELIVERY_RETRIES = 8  # connection failures retried with back-off: 1, 2, 4 ... 128 s (about 4 minutes)


def make_client(config: SlackConfig, retries: int = DELIVERY_RETRIES) -> AsyncWebClient:
    """A Web API client that waits out Slack's rate limits and keeps retrying while Slack is
    unreachable, so a reply composed during an outage is delivered when Slack is back."""
    client = AsyncWebClient(token=config.bot_token, base_url=config.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))  # waits Retry-After
    client.retry_handlers.append(
        AsyncConnectionErrorRetryHandler(
            max_retry_count=retries,
            interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=1.0),
            error_types=[ClientOSError, ServerConnectionError, ServerDisconnectedError, asyncio.TimeoutError],
        )
    )
    return client


class SlackIdentity:
    """The app's own user and bot ids (auth.test), asked once and cached.

    Bolt's default authorization calls auth.test before acknowledging the first event and
    answers 500 when Slack's API is unreachable, so Slack retries and then drops the event. Here
    the event is authorised with the configured token at once; auth.test is tried with a short
    timeout and, while it fails, at most every `retry_seconds` (its ids only help to recognise
    mentions and the app's own messages, which the channel also recognises without them).
    """

    def __init__(self, client: AsyncWebClient, timeout: float = 2.0, retry_seconds: float = 30.0) -> None:
        self.client = client
        self.timeout, self.retry_seconds = timeout, retry_seconds
        self._ids: Optional[Dict[str, Optional[str]]] = None
        self._next_try = 0.0

    async def ids(self) -> Dict[str, Optional[str]]:
        if self._ids is not None or time.monotonic() < self._next_try:
            return self._ids or {}
        try:
            result = await asyncio.wait_for(self.client.auth_test(), self.timeout)
            self._ids = {"user_id": result.get("user_id"), "bot_id": result.get("bot_id")}
        except Exception as err:  # noqa: BLE001 - Slack unreachable or token refused: retry later
            logger.warning("slack: auth.test failed (%s); events are still accepted", err)
            self._next_try = time.monotonic() + self.retry_seconds
        return self._ids or {}


# ---- output ----------------------------------------------------------------------------


class SlackOutput(ReliableOutputChannel):
    """Sends the assistant's messages to the conversation named by the recipient (sender) id."""

    def __init__(self, client: AsyncWebClient, payloads: PayloadTable = PAYLOADS) -> None:
        self.client = client
        self.payloads = payloads

    @classmethod
    def name(cls) -> str:
        return "slack"

    async def _post(self, recipient_id: str, text: str, **extra: Any) -> None:
        _, channel, thread_ts = parse_sender_id(recipient_id)
        if thread_ts:
            extra["thread_ts"] = thread_ts
        await self.client.chat_postMessage(channel=channel, text=text, **extra)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(escape_mrkdwn(text), SECTION_LIMIT):
            await self._post(recipient_id, chunk)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        chunks = split_text(escape_mrkdwn(text or ""), SECTION_LIMIT)
        for chunk in chunks[:-1]:
            await self._post(recipient_id, chunk)
        last = chunks[-1] if chunks else ""
        fallback = last or escape_mrkdwn(" / ".join(str(b.get("title", "")) for b in buttons))
        await self._post(recipient_id, fallback, blocks=button_blocks(last, buttons, self.payloads, recipient_id))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        block = {"type": "image", "image_url": image, "alt_text": "image"}
        await self._post(recipient_id, image, blocks=[block])

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A response's `custom` payload is passed to chat.postMessage (e.g. `blocks`, `text`)."""
        message = dict(json_message)
        await self._post(recipient_id, message.pop("text", ""), **message)


# ---- who is writing --------------------------------------------------------------------


class SlackUsers:
    """users.info, cached: name and (with the users:read.email scope) email of a Slack user."""

    def __init__(self, client: AsyncWebClient, ttl: float = 3600, failed_ttl: float = 300, size: int = 5000) -> None:
        self.client = client
        self.ttl, self.failed_ttl, self.size = ttl, failed_ttl, size
        self._cache: Dict[str, Tuple[float, Optional[str], Optional[str]]] = {}

    async def lookup(self, user_id: str) -> Tuple[Optional[str], Optional[str]]:
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1], cached[2]
        try:
            user = (await self.client.users_info(user=user_id))["user"]
        except Exception as err:
            logger.warning("slack: users.info for %s failed (%s); is the users:read scope granted?", user_id, err)
            self._remember(user_id, now + self.failed_ttl, None, None)
            return None, None
        profile = user.get("profile") or {}
        name = profile.get("real_name") or profile.get("display_name") or user.get("real_name") or user.get("name")
        email = profile.get("email")  # only with the users:read.email scope
        self._remember(user_id, now + self.ttl, name, email)
        return name, email

    def _remember(self, user_id: str, until: float, name: Optional[str], email: Optional[str]) -> None:
        if len(self._cache) >= self.size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[user_id] = (until, name, email)


# ---- input -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Inbound:
    """One customer message, converted from a Slack event or button click."""

    sender_id: str
    text: str
    user_id: str
    platform: Dict[str, Any]
    message_id: Optional[str] = None


class SlackInput(InputChannel):
    """Slack events in, the assistant's replies out; slack-bolt does signatures and routing."""

    def __init__(self, config: SlackConfig, intake: Intake, delivery_retries: int = DELIVERY_RETRIES) -> None:
        self.config = config
        self.intake = intake
        self.client: AsyncWebClient = make_client(config, delivery_retries)
        self.identity = SlackIdentity(self.client)
        self.bolt = AsyncApp(
            # No token here: `authorize` supplies it per request without calling Slack first.
            # Bolt copies this client's base_url into the per-request clients it builds.
            client=AsyncWebClient(base_url=config.api_url),
            # Bolt passes arguments by name (a bound method's `self` would confuse it).
            authorize=lambda enterprise_id, team_id, user_id: self._authorize(enterprise_id, team_id, user_id),
            signing_secret=config.signing_secret or "",
            process_before_response=False,  # acknowledge first, run the listener afterwards
            raise_error_for_unhandled_request=False,
        )
        self.output = SlackOutput(self.client)
        # A name is nice to have: while Slack is unreachable the lookup fails fast, the message goes on.
        self.users = SlackUsers(make_client(config, retries=0))
        self.tasks = ConversationTasks("slack")
        self.recent_events = RecentIds()
        # Channel threads this app is talking in (a customer mentioned it there): replies in
        # them need no new mention. In-process; threads with a person on them are also known
        # from the database, so a restart never drops a customer's words to an agent.
        self.known_threads = RecentIds(5_000)
        self.socket_handler: Any = None
        self._socket_task: Optional[asyncio.Task] = None
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._register_listeners()

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """For plain `rasa run` with `channels.slack.SlackInput:` in credentials.yml: the
        settings still come from the environment, like `python -m bot run`'s."""
        global _running
        from bot.settings import load

        config = SlackConfig.from_env()
        if config is None:
            raise ConfigError("SLACK_BOT_TOKEN is not set")
        _running = cls(config, Intake(load().security))
        return _running

    def get_output_channel(self) -> OutputChannel:
        return self.output

    async def _authorize(
        self, enterprise_id: Optional[str], team_id: Optional[str], user_id: Optional[str]
    ) -> AuthorizeResult:
        ids = await self.identity.ids()
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            bot_token=self.config.bot_token,
            bot_user_id=ids.get("user_id"),
            bot_id=ids.get("bot_id"),
        )

    def _register_listeners(self) -> None:
        @self.bolt.middleware
        async def once_per_event(body: Dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
            event_id = body.get("event_id")
            if event_id and self.recent_events.seen(event_id):
                logger.info("slack: event %s delivered again; already handled", event_id)
                return BoltResponse(status=200, body="")
            # Per Slack user: a flood is answered 429 with Retry-After, and Slack delivers the
            # event again later, so nothing is lost. Counted before the event is remembered.
            user = _acting_user(body)
            refusal = self.intake.rate(f"slack-user:{_team(body, body.get('event') or {})}:{user}") if user else None
            if refusal is not None:
                logger.warning(
                    "slack: user %s is sending too fast; asked Slack to retry in %s s", user, refusal.retry_after
                )
                return BoltResponse(
                    status=429, body=refusal.message, headers={"Retry-After": [str(refusal.retry_after)]}
                )
            if event_id:
                self.recent_events.first_time(event_id)
            return await next()

        @self.bolt.event("message")
        async def message(event: Dict[str, Any], body: Dict[str, Any], context: Dict[str, Any]) -> None:
            text = plain_text(event.get("text") or "").strip()
            if not is_customer_message(event) or not text:
                return  # not a person's message, or only a file
            channel, team = event["channel"], _team(body, event)
            if event.get("channel_type") == "im":
                self._accept(
                    Inbound(
                        sender_id=sender_id_for(team, channel),
                        text=text,
                        user_id=event["user"],
                        platform={"team": team, "channel": channel, "thread_ts": None, "ts": event.get("ts")},
                        message_id=event.get("client_msg_id") or event.get("ts"),
                    )
                )
                return
            # A reply in a channel thread: ours only if the thread is a conversation we are in.
            # A reply that mentions the app also arrives as app_mention and is handled there.
            thread_ts = event.get("thread_ts")
            bot_user = context.get("bot_user_id")
            if not thread_ts or (bot_user and f"<@{bot_user}>" in (event.get("text") or "")):
                return
            sender_id = sender_id_for(team, channel, thread_ts)
            if not await self._thread_is_ours(sender_id):
                return
            self._accept(
                Inbound(
                    sender_id=sender_id,
                    text=text,
                    user_id=event["user"],
                    platform={"team": team, "channel": channel, "thread_ts": thread_ts, "ts": event.get("ts")},
                    message_id=event.get("client_msg_id") or event.get("ts"),
                )
            )

        @self.bolt.event("app_mention")
        async def mention(event: Dict[str, Any], body: Dict[str, Any], context: Dict[str, Any]) -> None:
            channel = event["channel"]
            if is_direct_message(channel) or not is_customer_message(event):
                return  # a mention inside a DM also arrives as message.im
            thread_ts = event.get("thread_ts") or event["ts"]
            self.known_threads.first_time(sender_id_for(_team(body, event), channel, thread_ts))
            self._accept(
                Inbound(
                    sender_id=sender_id_for(_team(body, event), channel, thread_ts),
                    text=plain_text(strip_mention(event.get("text", ""), context.get("bot_user_id"))) or START_TEXT,
                    user_id=event["user"],
                    platform={
                        "team": _team(body, event),
                        "channel": channel,
                        "thread_ts": thread_ts,
                        "ts": event["ts"],
                    },
                    message_id=event.get("client_msg_id") or event.get("ts"),
                )
            )

        @self.bolt.action(re.compile(f"^{ACTION_PREFIX}"))
        async def button(ack: Callable[[], Awaitable[Any]], body: Dict[str, Any], action: Dict[str, Any]) -> None:
            await ack()
            self._accept_click(body, action)

        # Anything else the app is subscribed to is acknowledged and dropped: an unhandled
        # request would get a 404, and Slack retries those and may disable the subscription.
        @self.bolt.event(re.compile(".*"))
        async def other_event() -> None:
            return None

        @self.bolt.action(re.compile(".*"))
        async def other_action(ack: Callable[[], Awaitable[Any]]) -> None:
            await ack()

    def _accept(self, inbound: Inbound) -> None:
        refusal = self.intake.length(inbound.text)
        if refusal is not None:  # it will never fit: say so in the conversation
            self.tasks.submit(
                inbound.sender_id, self.output.send_response, inbound.sender_id, {"text": refusal.message}
            )
            return
        self.tasks.submit(inbound.sender_id, self._deliver, inbound)

    async def _thread_is_ours(self, sender_id: str) -> bool:
        if self.known_threads.seen(sender_id):
            return True
        from bot.handoff import service
        from bot.store.db import run_sync

        try:
            return await run_sync(service.open_handoff_for, sender_id) is not None
        except Exception as err:  # noqa: BLE001 - no app database (plain `rasa run`): mentions only
            logger.debug("slack: cannot check handoffs for %s: %s", sender_id, err)
            return False

    def _accept_click(self, body: Dict[str, Any], action: Dict[str, Any]) -> None:
        message = body.get("message") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        if not channel:
            logger.warning("slack: a button click without a channel; ignored")
            return
        sender_id = conversation_of(action.get("block_id") or "", channel)
        if sender_id is None:  # a message posted some other way: work the conversation out
            team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "-"
            thread_ts = None if is_direct_message(channel) else message.get("thread_ts") or message.get("ts")
            sender_id = sender_id_for(team, channel, thread_ts)
        team, _, thread_ts = parse_sender_id(sender_id)
        title = ((action.get("text") or {}).get("text")) or ""
        payload = self.output.payloads.decode(action.get("value") or "")
        inbound = Inbound(
            sender_id=sender_id,
            text=payload or "",
            user_id=(body.get("user") or {}).get("id", ""),
            platform={
                "team": team,
                "channel": channel,
                "thread_ts": thread_ts,
                "ts": message.get("ts"),
                "button": title,
            },
            message_id=action.get("action_ts"),
        )
        self.tasks.submit(sender_id, self._deliver_click, inbound, message, title, payload is not None)

    async def _deliver_click(self, inbound: Inbound, message: Dict[str, Any], title: str, known: bool) -> None:
        channel = inbound.platform["channel"]
        if message.get("ts"):
            try:
                blocks = chosen_blocks(message.get("blocks") or [], title)
                await self.client.chat_update(
                    channel=channel, ts=message["ts"], text=message.get("text", ""), blocks=blocks
                )
            except Exception as err:
                logger.warning("slack: could not mark the choice on message %s in %s: %s", message["ts"], channel, err)
        if not known:
            logger.warning(
                "slack: button %r in %s has a payload this process no longer knows", title, inbound.sender_id
            )
            await self.output.send_response(
                inbound.sender_id, {"text": "Sorry, that button has expired. Could you type your answer instead?"}
            )
            return
        await self._deliver(inbound)

    async def _deliver(self, inbound: Inbound) -> None:
        if self._on_new_message is None:
            raise RuntimeError("slack: message received before the channel was registered with the server")
        name, email = await self.users.lookup(inbound.user_id)
        # users.info is Slack's own record of the workspace member: its email is verified.
        metadata = customer_metadata("slack", inbound.user_id, name, email, inbound.platform, email_verified=True)
        await self._on_new_message(
            UserMessage(
                inbound.text,
                self.output,
                inbound.sender_id,
                input_channel=self.name(),
                message_id=inbound.message_id,
                metadata=metadata,
            )
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        bp = Blueprint("slack_webhook", __name__)
        handler = AsyncSlackRequestHandler(self.bolt)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "socket_mode": self.config.socket_mode})

        if self.config.signing_secret:

            @bp.route("/events", methods=["POST"])
            async def events(request: Request) -> HTTPResponse:
                try:
                    return await handler.handle(request)
                except Exception as err:  # noqa: BLE001 - a body bolt cannot even parse
                    logger.warning("slack: unreadable request from %s (%s)", request.ip, type(err).__name__)
                    return response.json({"error": "Unreadable Slack request."}, status=400)

        @bp.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            if self.config.socket_mode:
                await self.start_socket_mode()
            logger.info("slack: ready (%s)", "Socket Mode" if self.config.socket_mode else "Events API")

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self.stop_socket_mode()
            await self.tasks.drain()

        return bp

    async def start_socket_mode(self) -> None:
        """Open the Socket Mode connection in the background (bolt retries until it works)."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self.socket_handler = AsyncSocketModeHandler(self.bolt, self.config.app_token)
        self._socket_task = asyncio.get_running_loop().create_task(self.socket_handler.connect_async())

    async def stop_socket_mode(self) -> None:
        if self.socket_handler is None:
            return
        if self._socket_task is not None and not self._socket_task.done():
            self._socket_task.cancel()
        try:
            await self.socket_handler.close_async()
        except Exception as err:
            logger.warning("slack: closing the Socket Mode connection failed: %s", err)
        self.socket_handler = None


def _team(body: Dict[str, Any], event: Dict[str, Any]) -> str:
    return body.get("team_id") or event.get("team") or (body.get("team") or {}).get("id") or "-"


def _acting_user(body: Dict[str, Any]) -> Optional[str]:
    """Who caused this request: the event's author, or the person who clicked."""
    event = body.get("event") or {}
    user = event.get("user") if isinstance(event, dict) else None
    if isinstance(user, dict):
        user = user.get("id")
    if not user and isinstance(body.get("user"), dict):
        user = body["user"].get("id")
    return user if isinstance(user, str) else None


_running: Optional[SlackInput] = None


def from_settings(settings: Settings, intake: Intake) -> Optional[InputChannel]:
    global _running
    config = SlackConfig.from_env()
    if config is None:
        return None
    _running = SlackInput(config, intake)
    return _running


def output_channel_for(sender_id: str) -> OutputChannel:
    """An output channel that delivers to the Slack conversation `sender_id`, from anywhere in
    the server process (human handoff): `await output_channel_for(sid).send_text_message(sid, text)`.

    `send_response` logs delivery failures; the `send_*` methods raise them.
    """
    parse_sender_id(sender_id)  # ValueError early for a sender id of another channel
    if _running is not None:
        return _running.output
    config = SlackConfig.from_env()
    if config is None:
        raise ConfigError("Slack is not configured: SLACK_BOT_TOKEN is not set")
    return SlackOutput(make_client(config, retries=1))
