"""Slack's Web API as this channel uses it: a client that outlasts outages, the app's own
identity (auth.test) and who a customer is (users.info), both cached."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Dict, Optional, Tuple

from aiohttp import ClientOSError, ServerConnectionError, ServerDisconnectedError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import SlackConfig

logger = logging.getLogger("channels.slack")

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
