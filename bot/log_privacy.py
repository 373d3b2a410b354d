"""Logs never carry customers' personal data in the clear.

The assistant's own log lines avoid message texts, but exceptions, library messages and the
context an error is logged with can still contain what a customer wrote. A filter on every
handler masks what looks like an email address, a payment card number, a phone number or a
street address before the line is written. Every pattern is linear-time (bounded repetitions,
no nested quantifiers): logging must not become a way to stall the server.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, List, Tuple, Union


def _luhn(candidate: str) -> bool:
    """Card numbers pass the Luhn check; ids and timestamps of that length mostly do not."""
    digits = [int(c) for c in candidate if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


_PATTERNS: List[Tuple[re.Pattern, Union[str, Callable[[re.Match], str]]]] = [
    # name@example.com -> n***@example.com (the domain helps debugging and identifies nobody)
    (re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]{0,63}@([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})"), r"\1***@\2"),
    # 13-19 digit card numbers, with or without spaces / dashes (Luhn-checked: see _card)
    (re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)"), lambda m: "[card]" if _luhn(m.group(0)) else m.group(0)),
    # phone numbers: +country or a leading 0/(, then 7+ digits with the usual separators
    (re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?|\(?0\d{1,4}\)?[ .-]?)(?:\d[ .-]?){6,12}\d(?!\d)"), "[phone]"),
    # "12 Main Street", "4b Rue de la Paix" style street addresses
    (
        re.compile(
            r"\b\d{1,5}[A-Za-z]?,? (?:[A-Z][\w'.-]{0,30} ){0,4}"
            r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq)\b\.?"
        ),
        "[address]",
    ),
    (re.compile(r"\b(?:Rue|Calle|Via|Avenida|Straße|Strasse) [\w' -]{1,40}?(?: \d{1,5}\b)?"), "[address]"),
]


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPersonalData(logging.Filter):
    """Rewrites a record's message (and its exception text) with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        masked = mask(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install() -> None:
    """Mask on every handler of the root logger (and those added later through basicConfig)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
