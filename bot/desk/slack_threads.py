"""Agents answering from Slack: each escalated conversation has a thread under its alert in the
agents' channel (SLACK_ALERT_CHANNEL; bot/handoff/background.py opens it with the context). As
Chatwoot's Slack integration does, the thread is a second place to work a conversation, next to
the desk and with the same rules and transcript:

- a reply in the thread from a Slack user whose (Slack-verified) email is an enabled agent's is
  that agent writing: it claims a waiting conversation, and is refused (with a note in the thread)
  when another agent owns it, exactly as in the desk (DeskService: one owner per conversation);
- the customer's messages, and what agents write in the desk, are posted in the thread;
- `handback` (or the thread's button) hands the conversation back to the assistant.

Slack users who are not agents are told so in the thread and nothing reaches the customer.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

from bot.desk import auth
from bot.desk.service import DeskService
from bot.handoff import queue
from bot.handoff.errors import HandoffError
from bot.handoff.records import HandoffView
from bot.store.db import run_sync

logger = logging.getLogger(__name__)

HANDBACK = re.compile(r"^\s*/?hand\s*-?\s*back\s*$", re.IGNORECASE)
NOT_AN_AGENT = (
    "Only agents of the support desk can answer customers from here. An admin can add your Slack "
    "email as an agent (`python -m bot agents add <email>`, or Agents in the desk)."
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackThreads:
    """The thread side of a handoff: mirror the conversation into it, take agents' replies from it."""

    def __init__(self, client: Any, desk: Callable[[], DeskService]) -> None:
        self.client = client  # slack-sdk AsyncWebClient with the bot token
        self.desk = desk  # the running server's desk service (built once the runtime exists)
        self._team: Optional[str] = None  # our workspace (auth.test), asked once

    # ---- the conversation, into the thread ----------------------------------------------

    async def _post(self, handoff: HandoffView, text: str) -> None:
        thread = await run_sync(queue.slack_thread, handoff.id)
        if thread is None:
            return
        try:
            await self.client.chat_postMessage(channel=thread[0], thread_ts=thread[1], text=text, unfurl_links=False)
        except Exception as err:  # noqa: BLE001 - the desk has the transcript; Slack is a copy
            logger.warning("slack threads: could not post in the thread of handoff %s: %s", handoff.id, err)

    async def customer_said(self, handoff: HandoffView, text: str) -> None:
        await self._post(handoff, f"*Customer:* {_escape(text)}")

    async def agent_said(self, handoff: HandoffView, name: str, text: str) -> None:
        await self._post(handoff, f"*{_escape(name)} (desk):* {_escape(text)}")

    async def claimed(self, handoff: HandoffView, name: str) -> None:
        await self._post(handoff, f"_{_escape(name)} took this conversation._")

    async def handed_back(self, handoff: HandoffView, name: str) -> None:
        await self._post(handoff, f"_{_escape(name)} handed the conversation back to the assistant._")

    # ---- agents, from the thread ---------------------------------------------------------

    async def _agent(self, user_id: str) -> Optional[auth.AgentView]:
        """The desk agent this Slack user is: a full member of our own workspace (no guest, no
        Slack Connect stranger, no bot, not deactivated) whose Slack-confirmed email is an
        enabled agent's."""
        try:
            if self._team is None:
                self._team = (await self.client.auth_test()).get("team_id")
            user = (await self.client.users_info(user=user_id))["user"]
        except Exception as err:  # noqa: BLE001
            logger.warning("slack threads: users.info for %s failed (is users:read.email granted?): %s", user_id, err)
            return None
        if (
            not self._team
            or user.get("team_id") != self._team
            or user.get("deleted")
            or user.get("is_bot")
            or user.get("is_restricted")
            or user.get("is_ultra_restricted")
            or user.get("is_stranger")
            or user.get("is_email_confirmed") is False
        ):
            logger.warning("slack threads: %s may not answer customers (not a full member of this workspace)", user_id)
            return None
        return await run_sync(auth.active_agent_by_email, (user.get("profile") or {}).get("email"))

    async def _say(self, channel: str, thread_ts: str, text: str) -> None:
        try:
            await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
        except Exception as err:  # noqa: BLE001
            logger.warning("slack threads: could not answer in %s/%s: %s", channel, thread_ts, err)

    async def agent_reply(self, channel: str, thread_ts: str, user_id: str, text: str) -> bool:
        """A message in a thread of the agents' channel: True when it was a handoff's thread
        (handled here, whatever happened), False when it is not ours."""
        handoff = await run_sync(queue.handoff_for_slack_thread, channel, thread_ts)
        if handoff is None:
            return False
        agent = await self._agent(user_id)
        if agent is None:
            await self._say(channel, thread_ts, NOT_AN_AGENT)
            return True
        await run_sync(auth.mark_seen, agent.id)
        desk = self.desk()
        try:
            if HANDBACK.match(text):
                await desk.hand_back(handoff.id, agent)
                return True
            current = await run_sync(queue.get, handoff.id)
            if current is not None and current.status == "queued":
                await desk.claim(handoff.id, agent)
            await desk.write(handoff.id, agent, text, mirror=False)
        except HandoffError as err:
            await self._say(channel, thread_ts, f"Not sent to the customer: {err}")
        except Exception:  # noqa: BLE001 - tell the agent in Slack rather than lose it silently
            logger.exception("slack threads: a reply from Slack for handoff %s failed", handoff.id)
            await self._say(channel, thread_ts, "Not sent to the customer: something went wrong; try the desk.")
        return True

    async def agent_action(self, channel: str, thread_ts: str, user_id: str, action: str) -> None:
        """The thread's button ("Hand back to the assistant")."""
        if action == "handback":
            await self.agent_reply(channel, thread_ts, user_id, "handback")
