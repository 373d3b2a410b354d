"""Slack events and button clicks in: converted to one customer message each, handed to the
assistant in the background (Slack wants its acknowledgement within 3 seconds).

Slack reaches the server over the Events API (`POST /webhooks/slack/events`, signatures
checked by bolt) or, when `SLACK_APP_TOKEN` is set, over Socket Mode (socket_mode.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt import BoltResponse
from slack_bolt.adapter.sanic import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bot.intake import Intake
from bot.settings import SlackConfig
from channels.common import EXPIRED_BUTTON, ConversationTasks, PlatformInput, RecentIds, customer_metadata
from channels.slack.client import DELIVERY_RETRIES, SlackIdentity, SlackUsers, make_client
from channels.slack.convert import (
    ACTION_PREFIX,
    chosen_blocks,
    conversation_of,
    is_customer_message,
    is_direct_message,
    parse_sender_id,
    plain_text,
    sender_id_for,
    strip_mention,
)
from channels.slack.output import SlackOutput
from channels.slack.socket_mode import SocketMode

logger = logging.getLogger("channels.slack")

START_TEXT = "/greet"  # what a bare @-mention (no words) tells the assistant
HANDBACK_ACTION = "handoff_handback"  # the button in a handoff's alert thread (bot/handoff/background.py)


@dataclass(frozen=True)
class Inbound:
    """One customer message, converted from a Slack event or button click."""

    sender_id: str
    text: str
    user_id: str
    platform: Dict[str, Any]
    message_id: Optional[str] = None


class SlackInput(PlatformInput):
    """Slack events in, the assistant's replies out; slack-bolt does signatures and routing."""

    def __init__(
        self,
        config: SlackConfig,
        intake: Intake,
        delivery_retries: int = DELIVERY_RETRIES,
        thread_has_person: Optional[Callable[[str], Awaitable[bool]]] = None,
    ) -> None:
        self.config = config
        self.intake = intake
        # Agents answering in the thread of a handoff alert (channel, thread_ts, user, text) ->
        # handled? and its hand-back button: set by the composition root (bot/desk/slack_threads.py).
        self.agent_thread: Optional[Callable[[str, str, str, str], Awaitable[bool]]] = None
        self.agent_thread_action: Optional[Callable[[str, str, str, str], Awaitable[Any]]] = None
        # Whether a channel thread is a conversation a person (agent) is in: supplied by the
        # composition root (the handoff queue), so the channel never imports the handoff.
        self.thread_has_person = thread_has_person
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
        self.socket_mode = SocketMode(self.bolt, config.app_token) if config.socket_mode else None
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._register_listeners()

    REQUIRED = "SLACK_BOT_TOKEN"

    @classmethod
    def name(cls) -> str:
        return "slack"

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
            if self.agent_thread is not None and await self.agent_thread(channel, thread_ts, event["user"], text):
                return  # an agent answering a customer in a handoff's alert thread
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

        @self.bolt.action(HANDBACK_ACTION)
        async def handback(ack: Callable[[], Awaitable[Any]], body: Dict[str, Any], action: Dict[str, Any]) -> None:
            await ack()
            container = body.get("container") or {}
            channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
            message = body.get("message") or {}
            thread_ts = message.get("thread_ts") or container.get("thread_ts")
            user = (body.get("user") or {}).get("id")
            if self.agent_thread_action is not None and channel and thread_ts and user:
                await self.agent_thread_action(channel, thread_ts, user, "handback")

        # Anything else the app is subscribed to is acknowledged and dropped: an unhandled
        # request would get a 404, and Slack retries those and may disable the subscription.
        @self.bolt.event(re.compile(".*"))
        async def other_event() -> None:
            return None

        @self.bolt.action(re.compile(".*"))
        async def other_action(ack: Callable[[], Awaitable[Any]]) -> None:
            await ack()

    def _accept(self, inbound: Inbound) -> None:
        self.hand_over(inbound.sender_id, inbound.text, self._deliver, inbound)

    async def _thread_is_ours(self, sender_id: str) -> bool:
        if self.known_threads.seen(sender_id):
            return True
        if self.thread_has_person is None:  # plain `rasa run`: no handoff, mentions only
            return False
        try:
            return await self.thread_has_person(sender_id)
        except Exception as err:  # noqa: BLE001 - the database is away: mentions only meanwhile
            logger.warning("slack: cannot check whether %s has a person on it: %s", sender_id, err)
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
            await self.output.send_response(inbound.sender_id, {"text": EXPIRED_BUTTON})
            return
        await self._deliver(inbound)

    async def _deliver(self, inbound: Inbound) -> None:
        name, email = await self.users.lookup(inbound.user_id)
        # users.info is Slack's own record of the workspace member: its email is verified.
        metadata = customer_metadata("slack", inbound.user_id, name, email, inbound.platform, email_verified=True)
        await self.to_assistant(inbound.sender_id, inbound.text, inbound.message_id, metadata)

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
            if self.socket_mode is not None:
                self.socket_mode.start()
            logger.info("slack: ready (%s)", "Socket Mode" if self.config.socket_mode else "Events API")

        @bp.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            if self.socket_mode is not None:
                await self.socket_mode.stop()
            await self.tasks.drain()

        return bp


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
