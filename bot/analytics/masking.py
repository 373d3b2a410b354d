"""Masking what identifies a person in exported text: email addresses, phone numbers and payment
card numbers.

- Cards: 13 to 19 digits, with spaces, dots or dashes between groups, even glued to a word
  ("card4111..."), that pass the Luhn check (what every card number does, and an order or
  tracking number usually does not): only the last four digits stay.
- Phone numbers: found by Google's libphonenumber (the `phonenumbers` package), which knows
  every country's numbering plan; numbers without a country code are read as
  ANALYTICS_PHONE_REGION's. Only the last two digits stay.
- Email addresses: the first letter of the name and the domain's last part stay (a***@***.com).

Order numbers (6 digits), ticket references and dates are left alone: a report is useless if
every number in it is starred out.
"""

from __future__ import annotations

import re
from typing import Optional

import phonenumbers

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})+")
_CARD = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){12,18}(?!\d)")


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not 13 <= len(digits) <= 19 or not luhn(digits):
        return text
    return "*" * (len(digits) - 4) + digits[-4:]


def _email(match: re.Match) -> str:
    name, _, domain = match.group(0).partition("@")
    return f"{name[0]}***@***.{domain.rsplit('.', 1)[-1]}"


def _phones(text: str, region: str) -> str:
    pieces, last = [], 0
    for found in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        digits = re.sub(r"\D", "", found.raw_string)
        pieces.append(text[last : found.start])
        pieces.append("*" * max(0, len(digits) - 2) + digits[-2:])
        last = found.end
    pieces.append(text[last:])
    return "".join(pieces)


def mask(text: Optional[str], region: str = "US") -> Optional[str]:
    """`text` with emails, card numbers and phone numbers masked (None stays None)."""
    if not text:
        return text
    masked = _EMAIL.sub(_email, text)
    masked = _CARD.sub(_card, masked)
    return _phones(masked, region)
