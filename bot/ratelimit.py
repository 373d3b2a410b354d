"""Rate limits: how many requests one conversation, one client address or one login may make.

Built on the `limits` package (moving windows; in-process memory by default, Redis when
RATE_LIMIT_STORAGE_URL names one, so several servers share the counts). A rule is a string in
its notation, several separated by ";" ("10/second;60/minute"). `check` answers None (go on)
or the seconds after which the caller may try again, which becomes a 429 with `Retry-After`
on HTTP, an error event on the widget.

If the storage fails (Redis gone), requests are let through and the failure is logged: a rate
limit must never take the service down with it.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from typing import List, Optional

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=64)
def _rules(rule: str) -> List[RateLimitItem]:
    return parse_many(rule)


class RateLimiter:
    def __init__(self, storage_url: str = "memory://") -> None:
        options = {}
        if storage_url.startswith(("redis://", "rediss://")):
            # A lost Redis must cost milliseconds per request, not a hanging event loop.
            options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        self.storage_url = storage_url
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url, **options))
        self._last_error = 0.0

    def check(self, rule: Optional[str], scope: str, *key: str) -> Optional[int]:
        """Count one request of `key` in `scope`; None if allowed, else seconds to wait."""
        if not rule:
            return None
        try:
            items = _rules(rule)
            for item in items:
                if not self._limiter.test(item, scope, *key):
                    return self._retry_after(item, scope, *key)
            for item in items:
                if not self._limiter.hit(item, scope, *key):
                    return self._retry_after(item, scope, *key)
        except Exception as err:  # noqa: BLE001 - storage down: fail open, loudly but not per request
            now = time.monotonic()
            if now - self._last_error > 30:
                self._last_error = now
                logger.error("rate limits unavailable (%s: %s); requests are not limited", type(err).__name__, err)
        return None

    def peek(self, rule: Optional[str], scope: str, *key: str) -> Optional[int]:
        """Like `check`, without counting this request: is `key` over the limit already?"""
        if not rule:
            return None
        try:
            for item in _rules(rule):
                if not self._limiter.test(item, scope, *key):
                    return self._retry_after(item, scope, *key)
        except Exception as err:  # noqa: BLE001 - see check()
            logger.error("rate limits unavailable (%s: %s)", type(err).__name__, err)
        return None

    def _retry_after(self, item: RateLimitItem, scope: str, *key: str) -> int:
        reset = self._limiter.get_window_stats(item, scope, *key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def reset(self) -> None:
        try:
            self._limiter.storage.reset()
        except Exception:  # noqa: BLE001
            logger.debug("rate limit storage could not be reset", exc_info=True)
