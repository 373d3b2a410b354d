"""Widget sessions in: Socket.IO connect / session_request / user_uttered, each message checked
(session, length, rate) and handed to the assistant; history restored from the tracker."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from bot.i18n.detect import from_hint
from bot.intake import Intake
from bot.settings import Settings, WebchatConfig
from bot.web.proxy import client_address
from channels.webchat import messages as wm
from channels.webchat import static_files, transport
from channels.webchat.output import BOT_EVENT, WebchatOutput

logger = logging.getLogger("channels.webchat")

USER_EVENT = "user_uttered"


class WebchatBlueprint(Blueprint):
    """Registers, besides its own routes, the app-level ones: /socket.io/, the widget, the demo."""

    def __init__(self, channel: WebchatInput, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        channel: WebchatInput = self.ctx.channel
        channel.app = app
        transport.mount(app, channel.sio)
        static_files.register_routes(app, channel.config.demo_page)
        super().register(app, options)


TEAM_STATUS_EVENT = "team_status"  # {people_available, text}: the widget's header line
STATUS_REQUEST_EVENT = "status_request"
STATUS_RATE = "10/minute"  # per client address: on joining, and once a minute while open
USER_TYPING_EVENT = "user_typing"  # the customer is typing (shown in the desk when a person has them)
TYPING_EVERY = 1.0  # seconds: at most one desk update per session in this long
TYPING_RATE = "120/minute"  # typing events per client address (the widget sends one every few seconds)


class WebchatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return wm.CHANNEL_NAME

    def __init__(
        self,
        config: WebchatConfig,
        intake: Intake,
        support_email: str = "support@example.com",
        own_origins: Sequence[str] = (),
        trusted_proxies: Sequence[str] = (),
        team_status: Optional[Callable[[], Awaitable[Dict[str, Any]]]] = None,
    ) -> None:
        self.config = config
        self.intake = intake
        self.support_email = support_email
        # Whether a person could answer now, for the widget's header (the root passes it in).
        self.team_status = team_status
        # The customer is typing: the root tells the desk (set after the handoff runtime exists).
        self.customer_typing: Optional[Callable[[str], Awaitable[Any]]] = None
        self._typing_told: Dict[str, float] = {}  # session id -> when the desk was last told
        self._typing_pending: set = set()  # sessions with an update waiting for the end of the second
        # Sessions whose client speaks only Rasa's socketio protocol (rasa-webchat and the like:
        # no `since` in session_request). They render text as Markdown and keep their own copy
        # of the conversation, so they get Markdown line breaks, and on coming back the bot's
        # messages sent while none of their sockets was connected (`_left_at`). In-process.
        self._legacy: Dict[str, float] = {}  # session id -> last seen
        self._left_at: Dict[str, float] = {}  # session id -> when its last socket went away
        self.trusted_proxies = tuple(trusted_proxies)
        self.sio = transport.create_server(config.cors_origins, config.redis_url, own_origins)
        self.app: Optional[Sanic] = None
        self._working: Dict[str, int] = {}  # session id -> messages being processed here

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebchatOutput(self._emit)

    # -- tracker access --------------------------------------------------------------------------

    async def _tracker(self, session_id: str) -> Optional[DialogueStateTracker]:
        """The session's tracker once no message of it is being processed (the tracker is saved
        when processing ends, so reading earlier would miss replies already sent live)."""
        agent = getattr(self.app.ctx, "agent", None) if self.app else None
        if agent is None or agent.tracker_store is None:
            return None
        try:
            async with agent.lock_store.lock(session_id, wait_time_in_seconds=0.1):
                return await agent.tracker_store.retrieve(session_id)
        except Exception:
            logger.exception("webchat: could not load the conversation of session %s", session_id)
            return None

    # -- session lifecycle -----------------------------------------------------------------------

    async def _join(self, sid: str, data: Dict[str, Any], send_history: bool) -> str:
        """Bind socket `sid` to the session it asks for (or a new one) and confirm it."""
        sio = self.sio
        session = await sio.get_session(sid)
        requested = wm.valid_session_id(data.get("session_id"))
        session_id = requested or wm.new_session_id()
        previous = session.get("session_id")
        if previous and previous != session_id:
            await sio.leave_room(sid, previous)
        # Join first, read the tracker second: whatever is sent after this is delivered live, and
        # whatever was sent before is in the tracker (see _tracker), so nothing falls in between.
        await sio.enter_room(sid, session_id)
        tracker = await self._tracker(session_id) if requested else None
        if tracker is not None:
            other = wm.foreign_channel(tracker.events)
            if other:
                logger.warning("webchat: refused to resume a %s conversation as a webchat session", other)
                await sio.leave_room(sid, session_id)
                session_id, tracker = wm.new_session_id(), None
                await sio.enter_room(sid, session_id)
        client = wm.client_metadata(data)
        session.update(session_id=session_id)
        if client:
            session.update(profile=wm.customer_profile(client), page=wm.page_info(client))
        await sio.save_session(sid, session)
        await sio.emit("session_confirm", session_id, to=sid)
        if send_history and "since" not in data:  # a client of Rasa's protocol (rasa-webchat)
            self._remember_legacy(session_id)
            await self._replay_for_legacy(sid, session_id, tracker)
        if send_history:
            since = data.get("since")
            since = since if isinstance(since, (int, float)) else None
            messages = wm.history_entries(tracker.events, since) if tracker is not None else []
            await sio.emit("history", {"session_id": session_id, "messages": messages}, to=sid)
        return session_id

    async def _emit(self, event: str, data: Any, room: str) -> None:
        """Emit to a session's sockets, in the dialect its client speaks."""
        if event == BOT_EVENT and room in self._legacy and isinstance(data, dict):
            data = wm.markdown_breaks(data)
        await self.sio.emit(event, data, room=room)

    async def _replay_for_legacy(self, sid: str, session_id: str, tracker: Optional[DialogueStateTracker]) -> None:
        """A Rasa-protocol client came back: send what the bot said while it was away."""
        left = self._left_at.pop(session_id, None)
        if tracker is None or left is None:
            return
        for payload in wm.bot_messages_since(tracker.events, left):
            await self.sio.emit(BOT_EVENT, wm.markdown_breaks(payload), to=sid)

    def _remember_legacy(self, session_id: str) -> None:
        if len(self._legacy) > 10_000:
            oldest = sorted(self._legacy, key=self._legacy.get)[:1_000]
            for key in oldest:
                self._legacy.pop(key, None)
                self._left_at.pop(key, None)
        self._legacy[session_id] = time.time()

    async def _within_rate(self, sid: str, scope: str, rule: str) -> bool:
        """Whether this socket's client address may make another `scope` request now."""
        session = await self.sio.get_session(sid)
        return self.intake.address_rate(scope, session.get("address") or sid, rule) is None

    async def _send_team_status(self, sid: str) -> None:
        if self.team_status is None:
            return
        try:
            # The header in the visitor's language: the widget's language (its browser's) from
            # the session request; English for a client that sent none.
            session = await self.sio.get_session(sid)
            lang = from_hint((session.get("page") or {}).get("language")) or "en"
            status = await self.team_status(lang)
            await self.sio.emit(TEAM_STATUS_EVENT, status, to=sid)
        except Exception:  # noqa: BLE001 - a header without the team's status, not a broken chat
            logger.warning("webchat: could not tell socket %s the team's status", sid, exc_info=True)

    async def _typing(self, session_id: str, delta: int) -> None:
        """`typing: true` for every message taken up (a tab that joined while an earlier one was
        still being finished must see it too), `false` once none of the session's is left."""
        count = self._working.get(session_id, 0) + delta
        if count > 0:
            self._working[session_id] = count
        else:
            self._working.pop(session_id, None)
        if delta > 0 or count <= 0:
            await self._safe_emit("typing", {"typing": count > 0}, session_id)

    async def _safe_emit(self, event: str, data: Any, room: str) -> None:
        try:
            await self.sio.emit(event, data, room=room)
        except Exception:
            logger.exception("webchat: could not send %s to session %s", event, room)

    async def _refuse(self, sid: str, code: str, message: str, data: Any, **extra: Any) -> None:
        """Tell the client why its message was not processed (the widget shows it), and log it."""
        message_id = data.get("message_id") if isinstance(data, dict) else None
        payload = {"error": code, "message": message, **extra}
        if isinstance(message_id, str) and len(message_id) <= 64:
            payload["message_id"] = message_id
        logger.warning("webchat: refused a message from socket %s: %s", sid, code)
        try:
            await self.sio.emit("error", payload, to=sid)
        except Exception:  # noqa: BLE001 - the socket is gone: nothing to tell
            logger.debug("webchat: could not send an error event to %s", sid, exc_info=True)

    async def _handle_user_message(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        if not isinstance(data, dict):
            await self._refuse(sid, "bad_message", "That message could not be read.", data)
            return
        session = await self.sio.get_session(sid)
        session_id = session.get("session_id")
        if session_id is None:
            # A client that sent before `session_request` (or whose buffered messages were flushed
            # on reconnect before it) joins the session it names, with the same checks.
            session_id = await self._join(sid, data, send_history=False)
            session = await self.sio.get_session(sid)
        elif data.get("session_id") not in (None, session_id):
            await self._refuse(
                sid, "wrong_session", "That message belongs to another chat session; please reload the page.", data
            )
            return
        raw = data.get("message")
        if not isinstance(raw, str):
            await self._refuse(sid, "bad_message", "That message could not be read.", data)
            return
        refusal = self.intake.check(raw.strip(), session_id, session.get("address"))
        if refusal is not None:
            await self._refuse(sid, refusal.code, refusal.message, data, retry_after=refusal.retry_after)
            return
        text = wm.clean_text(raw)
        if not text:
            return
        client = wm.client_metadata(data)
        profile = wm.customer_profile(client) if client else session.get("profile") or wm.customer_profile({})
        page = wm.page_info(client) if client else session.get("page") or wm.page_info({})
        shown = wm.clean_text(data.get("display_text")) or None
        message_id = wm.message_id_from(data.get("message_id"))
        metadata = wm.user_metadata(session_id, profile, page, session.get("user_agent"), shown, session.get("address"))
        echo = {"id": message_id, "ts": time.time(), "text": shown or text}
        await self._safe_emit("user_message", echo, session_id)

        message = UserMessage(
            text,
            WebchatOutput(self._emit),
            session_id,
            input_channel=self.name(),
            message_id=message_id,
            metadata=metadata,
        )
        await self._typing(session_id, +1)
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("webchat: the assistant failed on message %s of session %s", message_id, session_id)
            await WebchatOutput(self._emit).send_text_message(
                session_id,
                "Sorry, something went wrong on our side. Please try again in a moment, "
                f"or write to {self.support_email}.",
            )
        finally:
            await self._typing(session_id, -1)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = self.sio
        webhook = WebchatBlueprint(self, "webchat_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return json_response({"status": "ok", "socketio_path": transport.SOCKETIO_PATH})

        @sio.on("connect")
        async def connect(sid: str, environ: Dict[str, Any], auth: Optional[Dict[str, Any]] = None) -> bool:
            request = environ.get("sanic.request")
            peer = request.ip if request is not None else None
            headers = request.headers if request is not None else {}
            address = client_address(peer, headers, self.trusted_proxies)
            wait = self.intake.address_rate("webchat-connect", address)
            if wait is not None:
                logger.warning("webchat: too many connections from one address; refused for %s s", wait)
                raise SocketRefused({"error": "rate_limited", "retry_after": wait})
            await sio.save_session(
                sid, {"user_agent": environ.get("HTTP_USER_AGENT"), "address": self.intake.address_key(address)}
            )
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str, *_: Any) -> None:
            """When a legacy client's session has no socket left, remember when (see _replay_for_legacy)."""
            try:
                session = await sio.get_session(sid)
            except KeyError:
                return
            session_id = session.get("session_id")
            if session_id in self._legacy:
                others = [s for s, _ in sio.manager.get_participants("/", session_id) if s != sid]
                if not others:
                    self._left_at[session_id] = time.time()

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            await self._join(sid, data if isinstance(data, dict) else {}, send_history=True)
            if await self._within_rate(sid, "webchat-status", STATUS_RATE):
                await self._send_team_status(sid)

        @sio.on(USER_TYPING_EVENT)
        async def user_typing(sid: str, data: Any = None) -> None:
            """The customer is typing (the widget says so when a message is started, and every
            few seconds while typing). At most one desk update per session per TYPING_EVERY: one
            that comes sooner is sent at the end of that second, never dropped."""
            session = await sio.get_session(sid)
            session_id = session.get("session_id")
            if self.customer_typing is None or session_id is None or session_id in self._typing_pending:
                return
            if not await self._within_rate(sid, "webchat-typing", TYPING_RATE):
                return
            wait = TYPING_EVERY - (time.monotonic() - self._typing_told.get(session_id, float("-inf")))
            if wait > 0:
                self._typing_pending.add(session_id)
                try:
                    await asyncio.sleep(wait)
                finally:
                    self._typing_pending.discard(session_id)
            if len(self._typing_told) > 10_000:  # forget old sessions
                self._typing_told.clear()
            self._typing_told[session_id] = time.monotonic()
            try:
                await self.customer_typing(session_id)
            except Exception:  # noqa: BLE001 - an indicator, never an error for the customer
                logger.debug("webchat: could not tell the desk that %s is typing", session_id, exc_info=True)

        @sio.on(STATUS_REQUEST_EVENT)
        async def status_request(sid: str, data: Any = None) -> None:
            """The open widget asks again now and then (the header says who can answer)."""
            if await self._within_rate(sid, "webchat-status", STATUS_RATE):
                await self._send_team_status(sid)

        @sio.on(USER_EVENT)
        async def user_uttered(sid: str, data: Any = None) -> None:
            await self._handle_user_message(sid, data, on_new_message)

        return webhook


def own_origins(settings: Settings) -> List[str]:
    """The origins of the server's own pages (the demo page): PUBLIC_URL's and the allowed hosts'."""
    scheme = "https" if settings.https else "http"
    return sorted({settings.public_origin, *(f"{scheme}://{host}" for host in settings.allowed_hosts)})
