"""What every customer message must pass before the assistant reads it, on every channel.

One place for the two rules, so a channel cannot forget one:

- **length**: a message over MAX_MESSAGE_CHARS is refused (the NLU pipeline's cost grows with
  the text, and nobody types 60,000 characters to a support chat);
- **rate**: per conversation (RATE_LIMIT_CONVERSATION) and per client address
  (RATE_LIMIT_ADDRESS, where the channel knows one: REST and the widget; Slack and Telegram
  requests all come from the platform's own servers).

Channels turn a `Refusal` into what their transport understands: REST a 413 / 429 with
`Retry-After`, the widget an `error` event, Slack and Telegram a 429 (the platform delivers the
event again later) or, for a message that will never fit, a polite reply in the chat.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Optional

from bot.i18n import t
from bot.i18n.detect import EN, detect
from bot.i18n.messages import plural_key
from bot.ratelimit import RateLimiter
from bot.settings import Security

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    code: str  # "too_long" | "rate_limited"
    status: int  # the HTTP status that means it
    message: str  # what the customer is told
    retry_after: Optional[int] = None

    def as_dict(self) -> dict:
        data = {"error": self.code, "message": self.message}
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        return data


DETECT_CHARS = 2000  # enough of a refused message to tell its language


def language_of_text(text: str) -> str:
    """The language to refuse a message in: the one it is written in, else English (a refusal
    comes before the conversation, and its language, are looked at)."""
    return detect((text or "")[:DETECT_CHARS]) or EN


def too_long_text(length: int, limit: int, lang: str = EN) -> str:
    return t("server.too_long", lang, length=length, limit=limit)


def too_fast_text(seconds: int, lang: str = EN) -> str:
    return t("server.too_fast", lang, duration=t(plural_key("common.seconds", seconds), lang, count=seconds))


class Intake:
    def __init__(self, security: Security, limiter: Optional[RateLimiter] = None, address_salt: str = "") -> None:
        self.security = security
        self.limiter = limiter or RateLimiter(security.rate_limit_storage_url)
        self._salt = address_salt.encode()

    def address_key(self, address: Optional[str]) -> Optional[str]:
        """A client address as the lookup limits store it: a keyed hash, not the address itself."""
        if not address:
            return None
        return hashlib.blake2b(address.encode(), key=self._salt[:64], digest_size=12).hexdigest()

    @property
    def max_chars(self) -> int:
        return self.security.max_message_chars

    def length(self, text: str) -> Optional[Refusal]:
        """Refused, in the message's own language, when it is too long to read."""
        if len(text) > self.max_chars:
            return Refusal("too_long", 413, too_long_text(len(text), self.max_chars, language_of_text(text)))
        return None

    def rate(self, conversation: str, address: Optional[str] = None, text: str = "") -> Optional[Refusal]:
        """Refused while the conversation or the address is over its rate; said in the language
        of `text`, the message that was refused (English without one)."""
        scope = "conversation"
        wait = self.limiter.check(self.security.rate_conversation, scope, conversation)
        if wait is None and address:
            scope = "address"
            wait = self.limiter.check(self.security.rate_address, scope, address)
        if wait is None:
            return None
        logger.warning("intake: %s over its rate limit (%s); retry in %s s", scope, conversation, wait)
        return Refusal("rate_limited", 429, too_fast_text(wait, language_of_text(text)), wait)

    def check(self, text: str, conversation: str, address: Optional[str] = None) -> Optional[Refusal]:
        """Length first (a message refused for its length is not counted), then the rates; a
        refusal is in the language the message is written in."""
        return self.length(text) or self.rate(conversation, address, text)

    def address_rate(self, scope: str, address: str, rule: Optional[str] = None) -> Optional[int]:
        """Seconds to wait before `address` may make another `scope` request, or None."""
        return self.limiter.check(rule or self.security.rate_address, scope, address)
