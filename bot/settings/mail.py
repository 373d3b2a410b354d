"""Outgoing email: where the team's answers go when a customer may have left the chat.

With SMTP_HOST unset, nothing is sent by email (answers still reach the customer's channel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from bot.settings.env import env, one_of, positive

SECURITY_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class MailConfig:
    host: Optional[str] = field(default_factory=lambda: env("SMTP_HOST"))
    # 587 with STARTTLS is what mail providers give applications; "tls" is port 465's implicit TLS;
    # "none" is for a relay on the same host or network only (the password would travel in clear).
    port: int = field(default_factory=lambda: env("SMTP_PORT", positive(int), 587))
    security: str = field(default_factory=lambda: env("SMTP_SECURITY", one_of(*SECURITY_MODES), "starttls"))
    username: Optional[str] = field(default_factory=lambda: env("SMTP_USERNAME"))
    password: Optional[str] = field(default_factory=lambda: env("SMTP_PASSWORD"), repr=False)
    timeout: float = field(default_factory=lambda: env("SMTP_TIMEOUT_SECONDS", positive(float), 20.0))
    # The sender customers see; SUPPORT_EMAIL when unset (the same address the assistant gives out).
    sender: Optional[str] = field(default_factory=lambda: env("MAIL_FROM"))

    @property
    def enabled(self) -> bool:
        return bool(self.host)
