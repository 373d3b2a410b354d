"""Work the Rasa server does on its own while customers wait.

Every couple of seconds: tell the desk when the queue changed (handoffs are opened by the
action server, another process, so the database is the source of truth); tell waiting
customers their new place in line; alert agents in Slack about new handoffs and raise them
again when nobody claims them; and if nobody can answer any more (agents went offline,
business hours ended), turn the wait into a ticket instead of leaving the customer hanging.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from bot.handoff import queue
from bot.handoff.records import HandoffView
from bot.handoff.texts import NO_LONGER
from bot.settings import HandoffConfig, Settings
from bot.store.db import run_sync
from bot.store.models import utcnow

if TYPE_CHECKING:  # the loop needs nothing from Rasa: importing the runtime would load TensorFlow
    from bot.handoff.runtime import HandoffRuntime

logger = logging.getLogger(__name__)


class SlackAlerts:
    """Posts handoff alerts to a Slack channel with the Web API (slack-sdk)."""

    def __init__(self, channel: str, token: str, base_url: Optional[str], desk_url: str) -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        kwargs: Dict[str, Any] = {"token": token}
        if base_url:
            kwargs["base_url"] = base_url.rstrip("/") + "/"
        self.client = AsyncWebClient(**kwargs)
        self.channel = channel
        self.desk_url = desk_url

    @classmethod
    def from_settings(cls, settings: Settings) -> Optional[SlackAlerts]:
        channel = settings.handoff.alert_channel
        if not channel:
            return None
        if settings.slack is None:
            logger.warning("SLACK_ALERT_CHANNEL is set but SLACK_BOT_TOKEN is not: no Slack alerts")
            return None
        return cls(channel, settings.slack.bot_token, settings.slack.api_url, f"{settings.base_url}/desk")

    async def post(self, handoff: HandoffView, repeat: int) -> None:
        """The first alert starts a thread (agents can answer the customer in it: bot/desk/
        slack_threads.py) with the context and how to answer; reminders go into that thread,
        also shown in the channel."""
        from channels.slack.convert import escape_mrkdwn

        link = f"{self.desk_url}#/handoff/{handoff.id}"
        # What customers wrote or a website passed is escaped: a name like "<!channel>" or
        # "<https://evil.example|the desk>" must not ping everyone or hide a link.
        who = escape_mrkdwn(handoff.customer_name or handoff.customer_email or "A customer")
        prefix = "<!here> Still waiting" if repeat else "New handoff"
        wait = handoff.as_dict()["waiting_seconds"] // 60
        text = (
            f"{prefix}: {who} on {handoff.channel} needs a person"
            + (f" (waiting {wait} min)" if repeat else "")
            + f".\n*Why:* {escape_mrkdwn(handoff.reason_text)}\n*Summary:* {escape_mrkdwn(handoff.summary or '-')}"
            + f"\n<{link}|Open in the desk>"
        )
        if repeat and handoff.slack_channel and handoff.slack_thread_ts:
            await self.client.chat_postMessage(
                channel=handoff.slack_channel,
                thread_ts=handoff.slack_thread_ts,
                text=text,
                reply_broadcast=True,
                unfurl_links=False,
            )
            return
        posted = await self.client.chat_postMessage(channel=self.channel, text=text, unfurl_links=False) or {}
        channel, ts = posted.get("channel"), posted.get("ts")
        if channel and ts and await run_sync(queue.set_slack_thread, handoff.id, channel, ts):
            await self.client.chat_postMessage(
                channel=channel, thread_ts=ts, text=THREAD_HELP, blocks=thread_help_blocks(handoff.id)
            )


THREAD_HELP = (
    "Answer the customer right here: your first reply in this thread claims the conversation (if nobody "
    "has), and reaches them on their own channel. Their messages appear here too. Type `handback` (or "
    "press the button) when you are done, and the assistant takes over again."
)
HANDBACK_ACTION = "handoff_handback"  # the Slack channel's input knows it by this name too


def thread_help_blocks(handoff_id: int) -> List[Dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": THREAD_HELP}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Hand back to the assistant"},
                    "action_id": HANDBACK_ACTION,
                    "value": str(handoff_id),
                }
            ],
        },
    ]


class BackgroundLoop:
    def __init__(
        self, runtime: HandoffRuntime, config: HandoffConfig, alerts: Optional[SlackAlerts], interval: float = 2.0
    ) -> None:
        self.runtime = runtime
        self.config = config
        self.alerts = alerts
        self.interval = interval
        self._snapshot: Tuple = ()
        self._task: Optional[asyncio.Task] = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep serving; log and try again next tick
                logger.exception("handoff background loop failed; retrying")
            await asyncio.sleep(self.interval)

    async def tick(self) -> None:
        waiting = await run_sync(queue.queue, True)
        snapshot = tuple((h.id, h.status, h.agent_id) for h in waiting)
        if snapshot != self._snapshot:
            self._snapshot = snapshot
            # Every server polls the database itself: no need to relay this one.
            self.runtime.bus.publish("queue_changed", local_only=True, count=len(waiting))
        queued = [h for h in waiting if h.status == "queued"]
        if not queued:
            return
        unavailable = await run_sync(queue.availability, self.config)
        if unavailable:
            for handoff in queued:
                await self.runtime.ticket_instead(handoff, NO_LONGER[unavailable])
            return
        agents = await run_sync(queue.online_agents, self.config)
        for place, handoff in enumerate(sorted(queued, key=lambda h: (-h.priority, h.created_at, h.id)), start=1):
            told, told_at = await run_sync(queue.position_told, handoff.id)
            # Tell the customer when their place changes, and remind them every
            # HANDOFF_QUEUE_UPDATE_SECONDS while it does not (0: only on changes).
            every = self.config.queue_update_seconds
            stale = every > 0 and told_at is not None and (utcnow() - told_at).total_seconds() >= every
            if told == place and not stale:
                continue
            if not await run_sync(queue.claim_queue_update, handoff.id, told, told_at, place):
                continue  # another server got there first
            if told is not None:
                minutes = await run_sync(queue.expected_wait_minutes, place, self.config, agents)
                await self.runtime.tell_queue_position(handoff, place, minutes)
        if self.alerts:
            for handoff in await run_sync(queue.alerts_due, self.config):
                if await run_sync(queue.record_alert, handoff.id, handoff.alerts_sent):
                    try:
                        await self.alerts.post(handoff, handoff.alerts_sent)
                    except Exception as err:  # noqa: BLE001
                        logger.error("handoff: Slack alert for handoff %s failed: %s", handoff.id, err)
