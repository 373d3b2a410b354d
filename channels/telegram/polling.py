"""Long polling (TELEGRAM_MODE=polling): the server asks Telegram for updates itself, so no
public URL is needed. Never stops on an error: backs off (1 s doubling to 60 s) and retries."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Optional

from telegram import Bot, Update
from telegram.error import Conflict, TelegramError

from bot.intake import Refusal
from channels.telegram.client import ALLOWED_UPDATES

logger = logging.getLogger("channels.telegram")


class Polling:
    def __init__(
        self,
        bot: Bot,
        poll_timeout: int,
        accept: Callable[[Update], None],
        too_fast: Callable[[Update], Optional[Refusal]],
    ) -> None:
        self.bot = bot
        self.poll_timeout = poll_timeout
        self.accept = accept
        self.too_fast = too_fast
        self._task: Optional[asyncio.Task] = None
        self._offset: Optional[int] = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        """Long polling: delete any webhook (Telegram allows one or the other), then getUpdates."""
        backoff = 1.0
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                me = await self.bot.get_me()
                logger.info("telegram: @%s ready (long polling)", me.username)
                break
            except Exception as err:
                logger.error("telegram: could not start polling (%s); retrying in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
        backoff = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=self._offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
                backoff = 1.0
            except Conflict as err:
                logger.error("telegram: getUpdates conflict (%s): is another instance polling this bot?", err)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            except Exception as err:  # network, server errors, an unparsable batch: never stop polling
                logger.warning("telegram: getUpdates failed (%s); retrying in %.0f s", err, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            for update in updates:
                self._offset = update.update_id + 1
                refusal = self.too_fast(update)
                if refusal is not None:  # polling cannot ask for a redelivery: dropped, and logged
                    logger.warning("telegram: dropped update %s (sender over the rate limit)", update.update_id)
                    continue
                self.accept(update)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        await asyncio.wait([self._task])
        self._task = None
        if self._offset is not None:
            # Confirm what was fetched, so a restart doesn't get those updates again.
            try:
                await self.bot.get_updates(offset=self._offset, limit=1, timeout=0)
            except TelegramError as err:
                logger.warning("telegram: could not confirm the last updates: %s", err)
        logger.info("telegram: polling stopped")
