"""Business hours: "always", or e.g. "mon-fri 09:00-18:00; sat 10:00-14:00" in a time zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class BusinessHours:
    spans: Optional[Dict[int, Tuple[Tuple[dt.time, dt.time], ...]]]  # None: always open
    timezone: str = "UTC"
    text: str = "always"

    @classmethod
    def parse(cls, text: str, timezone: str = "UTC") -> BusinessHours:
        ZoneInfo(timezone)  # fails loudly on an unknown zone
        cleaned = text.strip().lower()
        if cleaned in ("always", "24/7", ""):
            return cls(None, timezone, "always")
        spans: Dict[int, List[Tuple[dt.time, dt.time]]] = {}
        for part in cleaned.split(";"):
            match = _PART.match(part)
            if not match or match.group(1) not in DAYS or (match.group(2) and match.group(2) not in DAYS):
                raise ValueError(f"BUSINESS_HOURS: can't read {part.strip()!r} (expected e.g. 'mon-fri 09:00-18:00')")
            first = DAYS.index(match.group(1))
            last = DAYS.index(match.group(2)) if match.group(2) else first
            start = dt.time(int(match.group(3)), int(match.group(4)))
            end = dt.time(23, 59, 59) if match.group(5) == "24" else dt.time(int(match.group(5)), int(match.group(6)))
            if end <= start:
                raise ValueError(f"BUSINESS_HOURS: {part.strip()!r} ends before it starts")
            day = first
            while True:
                spans.setdefault(day, []).append((start, end))
                if day == last:
                    break
                day = (day + 1) % 7
        return cls({d: tuple(s) for d, s in spans.items()}, timezone, text.strip())

    def is_open(self, when: Optional[dt.datetime] = None) -> bool:
        if self.spans is None:
            return True
        local = (when or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(self.timezone))
        return any(start <= local.time() < end for start, end in self.spans.get(local.weekday(), ()))

    def describe(self) -> str:
        return "24/7" if self.spans is None else f"{self.text} ({self.timezone})"

    def open_seconds_between(self, start: float, end: float) -> float:
        """Seconds of opening hours between two epoch times (UTC): how long a customer waited
        for a person while someone could have answered. Always open: the plain difference.

        Walks the local calendar day by day, so a daylight-saving change inside a span counts
        the real elapsed time (each span's ends are placed in the zone, then compared in UTC)."""
        if end <= start:
            return 0.0
        if self.spans is None:
            return end - start
        zone = ZoneInfo(self.timezone)
        day = dt.datetime.fromtimestamp(start, zone).date()
        last = dt.datetime.fromtimestamp(end, zone).date()
        total = 0.0
        while day <= last:
            for opens, closes in self.spans.get(day.weekday(), ()):
                span_start = dt.datetime.combine(day, opens, zone).timestamp()
                span_end = dt.datetime.combine(day, closes, zone).timestamp()
                if closes == dt.time(23, 59, 59):  # "-24:00": to midnight
                    span_end += 1
                total += max(0.0, min(end, span_end) - max(start, span_start))
            day += dt.timedelta(days=1)
        return total
