"""The report's raw rows as CSV files (Python's csv module), with emails, phone numbers and card
numbers masked in every text cell (bot/analytics/masking.py), and customer text that a
spreadsheet would run as a formula ("=HYPERLINK(...)", "+1+1", "@SUM(...)") kept as text: such a
cell gets a leading apostrophe (OWASP's advice on CSV injection).

- conversations.csv: one row per conversation: when, channel, what happened, the times;
- satisfaction.csv: every satisfaction question: rating, comment, whether a person took part;
- unanswered.csv: every question in the unanswered groups, with its group and conversation;
- articles.csv: yes/no per help-centre article;
- over_time.csv: the figures per hour or day.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.analytics import metrics, queries
from bot.analytics.masking import mask


def _local(epoch: Optional[float], timezone: str) -> str:
    if epoch is None:
        return ""
    return dt.datetime.fromtimestamp(epoch, ZoneInfo(timezone)).isoformat(timespec="seconds")


def _seconds(value: Optional[float]) -> str:
    return "" if value is None else f"{value:.1f}"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any, region: str) -> Any:
    """One CSV cell: text masked and never a formula; numbers as they are."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = mask(value, region) or ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], region: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v, region) for v in row])
    return path


def conversation_rows(items: List[metrics.Outcome], timezone: str) -> Iterable[List[Any]]:
    for o in items:
        r = o.row
        yield [
            r.id,
            _local(r.started_ts, timezone),
            r.channel,
            r.sender_id,
            r.customer_key,
            o.status,
            int(o.contained),
            int(o.escalated),
            r.handoff_reason,
            int(o.status == "person"),
            _seconds(o.bot_frt),
            _seconds(o.human_frt),
            _seconds(None if o.resolved_ts is None else o.resolved_ts - r.started_ts),
            "" if o.repeat is None else int(not o.repeat),
            r.csat_status,
            r.csat_rating,
        ]


def write_csv(built: Any, win: metrics.Window, directory: Path, region: str = "US") -> List[Path]:
    """Write the CSV files of a built report (bot/analytics/service.py `Report`) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    tz, report, items = win.timezone, built.data, built.outcomes
    written = [
        _write(
            directory / "conversations.csv",
            [
                "conversation_id",
                "started_at",
                "channel",
                "sender_id",
                "customer",
                "outcome",
                "contained",
                "escalated",
                "escalation_reason",
                "person_involved",
                "bot_first_response_s",
                "human_first_response_business_s",
                "resolution_time_s",
                "first_contact_resolution",
                "csat_status",
                "csat_rating",
            ],
            conversation_rows(items, tz),
            region,
        ),
        _write(
            directory / "satisfaction.csv",
            [
                "conversation_id",
                "started_at",
                "channel",
                "status",
                "rating",
                "comment",
                "person_involved",
                "agent",
                "follow_up_ticket",
                "asked_at",
                "answered_at",
            ],
            (
                [
                    a["conversation_id"],
                    _local(a["started_ts"], tz),
                    a["channel"],
                    a["status"],
                    a["rating"],
                    a["comment"],
                    int(bool(a["person_involved"])),
                    a["agent"],
                    a["follow_up_ticket"],
                    _local(a["asked_at"], tz),
                    _local(a["answered_at"], tz),
                ]
                for a in queries.csat_answers(win)
            ),
            region,
        ),
        _write(
            directory / "articles.csv",
            ["doc_id", "title", "votes", "helpful", "unhelpful", "helpful_rate"],
            (
                [a["doc_id"], a.get("title"), a["votes"], a["helpful"], a["unhelpful"], f"{a['helpful_rate']:.3f}"]
                for a in report["articles"]
            ),
            region,
        ),
    ]
    groups = report.get("unanswered") or []
    written.append(
        _write(
            directory / "unanswered.csv",
            ["group", "group_question", "question", "reason", "channel", "asked_at", "sender_id", "conversation_id"],
            (
                [
                    g["rank"],
                    g["representative"],
                    c["question"],
                    c["reason"],
                    c["channel"],
                    _local(c["at"], tz),
                    c["sender_id"],
                    c["conversation_id"],
                ]
                for g in groups
                for c in g["conversations"]
            ),
            region,
        )
    )
    series = report["series"]
    written.append(
        _write(
            directory / "over_time.csv",
            [series["bucket"], *metrics.SERIES_KEYS],
            ([label, *(series[k][i] for k in metrics.SERIES_KEYS)] for i, label in enumerate(series["labels"])),
            region,
        )
    )
    return written
