"""The service figures a support lead reads, from stored conversations: docs/ANALYTICS.md
defines each one; the names here are the ones the report, the CSV and the desk show.

`outcomes()` turns each conversation row into what happened to it as of `now` (contained,
handed to a person, waiting...), then `aggregate()` sums any group of those: the whole range,
one channel, one day. Everything is computed from the rows in one pass each, in Python, so the
numbers are the same on SQLite and PostgreSQL (no percentile or time-zone functions that
differ between them) and the query stays a plain indexed range scan.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.handoff.hours import BusinessHours

ASSUMED_AFTER = 24 * 3600  # Intercom Fin: no further contact for 24 h after the last answer
REPEAT_WINDOW = 7 * 24 * 3600  # first-contact resolution: no repeat contact for 7 days
CONTAINED = ("confirmed", "assumed")
# What happened to a conversation, in the order the dashboard stacks them.
STATUSES = ("confirmed", "assumed", "pending", "came_back", "unresolved", "unanswered", "person", "escalated")
STATUS_LABELS = {
    "confirmed": "resolved by the assistant, confirmed",
    "assumed": "resolved by the assistant, assumed (no contact for 24 h)",
    "pending": "answered, less than 24 h ago",
    "came_back": "answered, but the customer came back within 24 h",
    "unresolved": "the customer needed more after the last answer",
    "unanswered": "the assistant answered nothing",
    "person": "handed to a person",
    "escalated": "escalated, no person has answered (yet)",
}


@dataclass(frozen=True)
class Window:
    """Which conversations (those that started in [since, until)), seen from `now`."""

    since: float
    until: float
    now: float
    timezone: str = "UTC"
    hours: BusinessHours = field(default_factory=lambda: BusinessHours.parse("always"))
    channel: Optional[str] = None
    _labels: Dict[int, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def bucket(self) -> str:
        """Charts are by hour for a range of two days or less, else by day (local time)."""
        return "hour" if self.until - self.since <= 2 * 86400 else "day"

    def label(self, epoch: float) -> str:
        # Every time zone's offset is a multiple of 15 minutes, so one label per quarter hour
        # (cached: the report labels 100,000 conversations).
        quarter = int(epoch // 900)
        cache = self._labels
        found = cache.get(quarter)
        if found is None:
            local = dt.datetime.fromtimestamp(quarter * 900, ZoneInfo(self.timezone))
            found = cache[quarter] = local.strftime("%Y-%m-%d %H:00" if self.bucket == "hour" else "%Y-%m-%d")
        return found

    def buckets(self) -> List[str]:
        """Every bucket of the range, empty ones too (a chart with gaps hides quiet days)."""
        step = 3600 if self.bucket == "hour" else 86400
        labels, t = [], self.since
        end = min(self.until, self.now)
        while t < end:
            label = self.label(t)
            if not labels or labels[-1] != label:
                labels.append(label)
            t += step / 4  # daylight-saving days are 23 or 25 hours long: step finer than a bucket
        last = self.label(max(self.since, end - 1))
        if labels and labels[-1] != last:
            labels.append(last)
        return labels


@dataclass(slots=True)
class Row:
    """One conversation as the report needs it (bot/analytics/queries.py reads them)."""

    id: int
    sender_id: str
    channel: str
    customer_key: str
    started_ts: float
    last_activity_ts: float
    first_bot_reply_ts: Optional[float] = None
    answers: int = 0
    last_answer_ts: Optional[float] = None
    confirmed_ts: Optional[float] = None
    unresolved_ts: Optional[float] = None
    escalated_ts: Optional[float] = None
    handoff_reason: Optional[str] = None
    person_involved: bool = False  # SQLite gives 0/1: read as a truth value
    agent_id: Optional[int] = None
    first_agent_reply_ts: Optional[float] = None
    handed_back_ts: Optional[float] = None
    ticket_reference: Optional[str] = None
    ticket_first_reply_ts: Optional[float] = None
    ticket_resolved_ts: Optional[float] = None
    csat_status: Optional[str] = None
    csat_rating: Optional[int] = None


@dataclass(slots=True)
class Outcome:
    """What happened to one conversation, as of the window's `now`."""

    row: Row
    status: str
    bucket: str
    bot_frt: Optional[float] = None
    human_frt: Optional[float] = None
    resolved_ts: Optional[float] = None
    repeat: Optional[bool] = None  # resolved: did the customer come back within 7 days?
    repeat_window_open: bool = False

    @property
    def contained(self) -> bool:
        return self.status in CONTAINED

    @property
    def decided(self) -> bool:
        return self.status != "pending"

    @property
    def escalated(self) -> bool:
        return self.row.escalated_ts is not None


class Contacts:
    """When each customer started conversations (on any channel): repeat contacts."""

    def __init__(self, starts: Iterable[tuple]) -> None:
        by_customer: Dict[str, List[float]] = defaultdict(list)
        for key, started in starts:
            by_customer[key].append(started)
        for times in by_customer.values():
            if len(times) > 1:
                times.sort()  # already in order when the query sorted them: a linear check
        self._starts = dict(by_customer)

    def next_after(self, customer_key: str, after: float) -> Optional[float]:
        """The first conversation this customer started strictly after `after`."""
        times = self._starts.get(customer_key) or []
        index = bisect.bisect_right(times, after)
        return times[index] if index < len(times) else None


def _human_reply(row: Row) -> Optional[float]:
    """A person's first reply: live in the conversation or on its ticket, whichever came first."""
    live, ticket = row.first_agent_reply_ts, row.ticket_first_reply_ts
    if live is None or ticket is None:
        return ticket if live is None else live
    return min(live, ticket)


def _status(row: Row, again: Optional[float], now: float) -> str:
    """`again`: when the same customer next started a conversation (None: not yet)."""
    if row.escalated_ts is not None:
        person = row.person_involved or _human_reply(row) is not None
        return "person" if person else "escalated"
    if not row.answers or row.last_answer_ts is None:
        return "unanswered"
    if row.unresolved_ts is not None and row.unresolved_ts > row.last_answer_ts:
        return "unresolved"
    if row.confirmed_ts is not None and row.confirmed_ts >= row.last_answer_ts:
        return "confirmed"
    if again is not None and again <= row.last_answer_ts + ASSUMED_AFTER:
        return "came_back"
    return "assumed" if now >= row.last_answer_ts + ASSUMED_AFTER else "pending"


def _resolved_ts(row: Row, status: str) -> Optional[float]:
    if status in CONTAINED:
        return row.last_answer_ts
    if status == "person":
        ends = [t for t in (row.handed_back_ts, row.ticket_resolved_ts) if t is not None]
        return min(ends) if ends else None
    return None


def outcome(row: Row, contacts: Contacts, window: Window) -> Outcome:
    again = contacts.next_after(row.customer_key, row.started_ts)
    status = _status(row, again, window.now)
    result = Outcome(row, status, window.label(row.started_ts))
    if row.first_bot_reply_ts is not None:
        result.bot_frt = max(0.0, row.first_bot_reply_ts - row.started_ts)
    human = _human_reply(row)
    if human is not None and row.escalated_ts is not None:
        result.human_frt = window.hours.open_seconds_between(row.escalated_ts, human)
    result.resolved_ts = _resolved_ts(row, status)
    if result.resolved_ts is not None:
        end = max(row.last_activity_ts, result.resolved_ts)
        result.repeat = again is not None and again <= end + REPEAT_WINDOW
        result.repeat_window_open = not result.repeat and window.now < end + REPEAT_WINDOW
    return result


def outcomes(rows: Sequence[Row], contacts: Contacts, window: Window) -> List[Outcome]:
    return [outcome(row, contacts, window) for row in rows]


# ---- sums ------------------------------------------------------------------------------------


def _spread(values: List[float]) -> Tuple[Optional[float], Optional[float]]:
    """(median, p90) of `values`, sorting them once. p90 is the nearest rank: the smallest value
    with at least 90 % of the values at or below it (always a value that happened)."""
    if not values:
        return None, None
    values.sort()
    n = len(values)
    mid = n // 2
    middle = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return middle, values[max(0, math.ceil(0.9 * n) - 1)]


def _rate(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def aggregate(items: Sequence[Outcome]) -> Dict[str, Any]:
    """Every figure of docs/ANALYTICS.md for a group of conversations (one pass over them)."""
    statuses: Counter = Counter()
    reasons: Counter = Counter()
    bot_frt: List[float] = []
    human_frt: List[float] = []
    ttr: List[float] = []
    ratings: List[int] = []
    escalated = waiting = resolved = first_contact = window_open = asked = skipped = 0
    for o in items:
        row, status = o.row, o.status
        statuses[status] += 1
        if row.escalated_ts is not None:
            escalated += 1
            reasons[row.handoff_reason or "unknown"] += 1
            waiting += status == "escalated"
        if o.bot_frt is not None:
            bot_frt.append(o.bot_frt)
        if o.human_frt is not None:
            human_frt.append(o.human_frt)
        if o.resolved_ts is not None:
            resolved += 1
            ttr.append(max(0.0, o.resolved_ts - row.started_ts))
            if not o.repeat:
                first_contact += 1
                window_open += o.repeat_window_open
        if row.csat_status is not None:
            asked += 1
            if row.csat_status == "rated" and row.csat_rating:
                ratings.append(row.csat_rating)
            elif row.csat_status == "skipped":
                skipped += 1
    count = len(items)
    decided = count - statuses["pending"]
    contained = statuses["confirmed"] + statuses["assumed"]
    bot_median, bot_p90 = _spread(bot_frt)
    human_median, human_p90 = _spread(human_frt)
    ttr_median, ttr_p90 = _spread(ttr)
    return {
        "conversations": count,
        "outcomes": {status: statuses[status] for status in STATUSES},
        "contained": contained,
        "decided": decided,
        "pending": statuses["pending"],
        "containment_rate": _rate(contained, decided),
        "confirmed_rate": _rate(statuses["confirmed"], decided),
        "escalated": escalated,
        "escalation_rate": _rate(escalated, count),
        "escalations_by_reason": dict(reasons.most_common()),
        "bot_frt_median": bot_median,
        "bot_frt_p90": bot_p90,
        "bot_frt_count": len(bot_frt),
        "human_frt_median": human_median,
        "human_frt_p90": human_p90,
        "human_frt_count": len(human_frt),
        "waiting_for_person": waiting,
        "resolved": resolved,
        "resolution_time_median": ttr_median,
        "resolution_time_p90": ttr_p90,
        "fcr": first_contact,
        "fcr_rate": _rate(first_contact, resolved),
        "fcr_repeat": resolved - first_contact,
        "fcr_window_open": window_open,
        "csat_asked": asked,
        "csat_rated": len(ratings),
        "csat_skipped": skipped,
        "csat_response_rate": _rate(len(ratings), asked),
        "csat_average": sum(ratings) / len(ratings) if ratings else None,
        "csat_percent": _rate(sum(1 for r in ratings if r >= 4), len(ratings)),
        "csat_distribution": {str(n): ratings.count(n) for n in range(1, 6)},
    }


def csat_by_person(items: Sequence[Outcome]) -> Dict[str, Dict[str, Any]]:
    """CSAT for conversations the assistant handled alone vs. those a person took part in."""
    groups: Dict[str, List[Outcome]] = {"assistant only": [], "with a person": []}
    for o in items:
        groups["with a person" if o.status == "person" else "assistant only"].append(o)
    return {name: _csat(group) for name, group in groups.items()}


def _csat(items: Sequence[Outcome]) -> Dict[str, Any]:
    asked = [o.row for o in items if o.row.csat_status is not None]
    ratings = [r.csat_rating for r in asked if r.csat_status == "rated" and r.csat_rating]
    return {
        "csat_asked": len(asked),
        "csat_rated": len(ratings),
        "csat_response_rate": _rate(len(ratings), len(asked)),
        "csat_average": sum(ratings) / len(ratings) if ratings else None,
        "csat_percent": _rate(sum(1 for r in ratings if r >= 4), len(ratings)),
    }


SERIES_KEYS = (
    "conversations",
    "contained",
    "decided",
    "containment_rate",
    "escalated",
    "bot_frt_median",
    "human_frt_median",
    "csat_average",
    "csat_rated",
)


def series(items: Sequence[Outcome], window: Window) -> Dict[str, Any]:
    """The figures per bucket (hour or day, local time) and, for the stacked chart, the
    conversations per bucket and channel."""
    by_bucket: Dict[str, List[Outcome]] = defaultdict(list)
    for o in items:
        by_bucket[o.bucket].append(o)
    labels = sorted(set(window.buckets()) | set(by_bucket))
    channels = sorted({o.row.channel for o in items})
    per_bucket = {label: aggregate(by_bucket.get(label, [])) for label in labels}
    return {
        "bucket": window.bucket,
        "labels": labels,
        **{key: [per_bucket[label][key] for label in labels] for key in SERIES_KEYS},
        "by_channel": {
            channel: [sum(1 for o in by_bucket.get(label, []) if o.row.channel == channel) for label in labels]
            for channel in channels
        },
    }


def report(items: Sequence[Outcome], window: Window) -> Dict[str, Any]:
    """The whole report for a window's conversations (`outcomes()`): totals, per channel, over
    time, and CSAT by who helped."""
    by_channel: Dict[str, List[Outcome]] = defaultdict(list)
    for o in items:
        by_channel[o.row.channel].append(o)
    return {
        "window": {
            "since": window.since,
            "until": window.until,
            "now": window.now,
            "timezone": window.timezone,
            "channel": window.channel,
            "business_hours": window.hours.describe(),
        },
        "totals": aggregate(items),
        "channels": {channel: aggregate(group) for channel, group in sorted(by_channel.items())},
        "csat_by_person": csat_by_person(items),
        "series": series(items, window),
    }
