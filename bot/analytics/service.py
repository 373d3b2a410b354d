"""The report for a time range and channel: what the CLI prints and the desk's dashboard shows,
from one function, so both always agree.

Ranges: `--since 7d` (also h, w, m for minutes), or a date (`2026-12-01`: midnight in
BUSINESS_TIMEZONE) or a date and time; `--until` the same (default: now).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional
from zoneinfo import ZoneInfo

from bot.analytics import metrics, queries, unanswered
from bot.handoff.hours import BusinessHours

CHANNELS = ("webchat", "slack", "telegram", "rest")
ALIASES = {"web": "webchat", "widget": "webchat", "socketio": "webchat"}
_RELATIVE = re.compile(r"^\s*(\d{1,5})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_RANGE = 400 * 86400
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a date outside these is a typo (and year 1 breaks the arithmetic)


class RangeError(ValueError):
    """A range or channel the report cannot use (the message says how to write it)."""


def parse_moment(text: str, timezone: str, now: float) -> float:
    """'7d' (that long before now), '2026-12-01' (midnight, local) or '2026-12-01T09:30'."""
    match = _RELATIVE.match(text or "")
    if match:
        return now - int(match.group(1)) * _UNITS[match.group(2).lower()]
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise RangeError(f"can't read {text!r}: use e.g. 7d, 24h, 2026-12-01 or 2026-12-01T09:00") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise RangeError(f"{text!r} is not a date this service has data for")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.timestamp()


def channel_name(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    name = ALIASES.get(text.strip().lower(), text.strip().lower())
    if name not in CHANNELS:
        raise RangeError(f"unknown channel {text!r}: one of web, slack, telegram, rest")
    return name


def window(
    since: str,
    until: Optional[str],
    channel: Optional[str],
    hours: BusinessHours,
    now: Optional[float] = None,
) -> metrics.Window:
    now = time.time() if now is None else now
    start = parse_moment(since, hours.timezone, now)
    end = parse_moment(until, hours.timezone, now) if until else now
    if end <= start:
        raise RangeError("the range ends before it starts")
    if end - start > MAX_RANGE:
        raise RangeError("the range is longer than 400 days")
    return metrics.Window(start, end, now, hours.timezone, hours, channel_name(channel))


def article_titles(articles, kb: Any) -> None:
    """Each article's title and address from the help centre's index (its id if it is gone)."""
    from knowledge_base.service import KnowledgeBaseUnavailable

    for article in articles:
        try:
            info = kb.document(article["doc_id"]) if kb is not None else None
        except KnowledgeBaseUnavailable:
            info = None
        article["title"] = info.title if info is not None else article["doc_id"]
        article["url"] = info.url if info is not None else None


@dataclass
class Report:
    """`data`: the report as JSON-ready values; `outcomes`: each conversation's (for the CSV)."""

    data: Dict[str, Any]
    outcomes: List[metrics.Outcome]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the report builds: 100,000 rows make hundreds of
    thousands of small objects (none in a cycle), and the collector, triggered again and again
    by them, took a third of the time (benchmarks/report_load.py). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(win: metrics.Window, kb: Any = None, encoder: Any = None, unanswered_limit: int = 20) -> Report:
    """The figures (metrics.report), the articles' helpfulness and the unanswered groups (when an
    encoder is given: grouping by meaning needs it)."""
    with _gc_paused():
        rows = queries.conversation_rows(win)
        items = metrics.outcomes(rows, queries.contacts(win, rows), win)
        data = metrics.report(items, win)
    articles = queries.article_feedback(win)
    article_titles(articles, kb)
    data["articles"] = articles
    data["unanswered"] = unanswered.groups(win, encoder, unanswered_limit) if encoder is not None else None
    return Report(data, items)
