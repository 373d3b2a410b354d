"""Slack's Socket Mode: the server opens a websocket to Slack itself, so a team can run the
assistant without a public URL. Events arrive through the same bolt app as over HTTP."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

from slack_bolt.async_app import AsyncApp

logger = logging.getLogger("channels.slack")


class SocketMode:
    def __init__(self, bolt: AsyncApp, app_token: Optional[str]) -> None:
        self.bolt = bolt
        self.app_token = app_token
        self.handler: Any = None
        self._task: Optional[asyncio.Task] = None

    def start(self) -> None:
        """Open the connection in the background (bolt retries until it works)."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self.handler = AsyncSocketModeHandler(self.bolt, self.app_token)
        self._task = asyncio.get_running_loop().create_task(self.handler.connect_async())

    async def stop(self) -> None:
        if self.handler is None:
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        try:
            await self.handler.close_async()
        except Exception as err:
            logger.warning("slack: closing the Socket Mode connection failed: %s", err)
        self.handler = None
