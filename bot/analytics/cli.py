"""`python -m bot report --since 7d [--until ...] [--channel web] [--csv DIR] [--charts DIR]`:
the service figures as a table, the charts as PNG files, the raw rows as masked CSV."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.analytics.metrics import STATUS_LABELS


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="service figures: containment, response times, CSAT, gaps")
    report.add_argument("--since", default="7d", help="start: 7d, 24h, 2w, or a date/time (default 7d)")
    report.add_argument("--until", help="end: the same forms (default: now)")
    report.add_argument("--channel", help="only this channel: web, slack, telegram or rest")
    report.add_argument("--csv", type=Path, metavar="DIR", help="write the raw rows as CSV (personal data masked)")
    report.add_argument("--charts", type=Path, metavar="DIR", help="write the charts as PNG files")
    report.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    report.add_argument("--groups", type=int, default=10, help="unanswered-question groups to show (default 10)")
    report.set_defaults(func=cmd_report)


def duration(seconds: Optional[float]) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60)} s"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    return f"{seconds / 86400:.1f} d"


def percent(rate: Optional[float], part: Optional[int] = None, whole: Optional[int] = None) -> str:
    if rate is None:
        return "—"
    text = f"{100 * rate:.0f}%"
    return f"{text} ({part}/{whole})" if part is not None and whole is not None else text


def rows_for(totals: Dict[str, Any]) -> List[tuple]:
    """(label, value) for each figure of one group."""
    t = totals
    return [
        ("Conversations", str(t["conversations"])),
        ("Containment (assistant alone)", percent(t["containment_rate"], t["contained"], t["decided"])),
        ("  confirmed by the customer", percent(t["confirmed_rate"], t["outcomes"]["confirmed"], t["decided"])),
        ("  still open (< 24 h)", str(t["pending"])),
        ("Escalated to people", percent(t["escalation_rate"], t["escalated"], t["conversations"])),
        ("First response, assistant", f"{duration(t['bot_frt_median'])} median, {duration(t['bot_frt_p90'])} p90"),
        ("First response, people", f"{duration(t['human_frt_median'])} median, {duration(t['human_frt_p90'])} p90"),
        ("  waiting for a person", str(t["waiting_for_person"])),
        (
            "Time to resolution",
            f"{duration(t['resolution_time_median'])} median, {duration(t['resolution_time_p90'])} p90",
        ),
        ("First-contact resolution", percent(t["fcr_rate"], t["fcr"], t["resolved"])),
        ("  inside their 7-day window", str(t["fcr_window_open"])),
        ("CSAT average (1-5)", "—" if t["csat_average"] is None else f"{t['csat_average']:.2f}"),
        ("CSAT satisfied (4-5)", percent(t["csat_percent"])),
        ("CSAT response rate", percent(t["csat_response_rate"], t["csat_rated"], t["csat_asked"])),
    ]


def table(columns: Dict[str, Dict[str, Any]]) -> str:
    names = list(columns)
    rows = {name: rows_for(group) for name, group in columns.items()}
    labels = [label for label, _ in rows[names[0]]]
    width = max(len(label) for label in labels) + 2
    widths = [max(len(name), *(len(v) for _, v in rows[name])) + 2 for name in names]
    lines = ["".ljust(width) + "".join(name.rjust(w) for name, w in zip(names, widths, strict=True))]
    for i, label in enumerate(labels):
        lines.append(label.ljust(width) + "".join(rows[n][i][1].rjust(w) for n, w in zip(names, widths, strict=True)))
    return "\n".join(lines)


def _when(epoch: float, timezone: str) -> str:
    return dt.datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def render(data: Dict[str, Any], groups: int = 10) -> str:
    w = data["window"]
    out: List[str] = [
        f"Service report: {_when(w['since'], w['timezone'])} to {_when(w['until'], w['timezone'])} "
        f"({w['timezone']}), {w['channel'] or 'all channels'}; business hours {w['business_hours']}",
        "",
        table({"all": data["totals"], **data["channels"]}) if data["totals"]["conversations"] else "No conversations.",
        "",
        "What happened to the conversations:",
    ]
    out += [f"  {n:>6}  {STATUS_LABELS[s]}" for s, n in data["totals"]["outcomes"].items()]
    reasons = data["totals"]["escalations_by_reason"]
    out += ["", "Escalations by reason:" if reasons else "Escalations by reason: none"]
    out += [f"  {n:>6}  {reason}" for reason, n in reasons.items()]
    dist = data["totals"]["csat_distribution"]
    out += ["", "CSAT ratings: " + ", ".join(f"{score}: {dist[score]}" for score in "54321")]
    for who, figures in data["csat_by_person"].items():
        average = "—" if figures["csat_average"] is None else f"{figures['csat_average']:.2f}"
        out.append(f"  {who}: average {average}, {figures['csat_rated']} rated of {figures['csat_asked']} asked")
    articles = data["articles"]
    out += ["", "Least helpful articles:" if articles else "Article feedback: none in this range"]
    out += [
        f"  {percent(a['helpful_rate'])} helpful ({a['helpful']} yes, {a['unhelpful']} no)  {a['title']}"
        for a in articles[:10]
    ]
    out += ["", *_unanswered(data.get("unanswered"), groups)]
    return "\n".join(out)


def _unanswered(found: Optional[Sequence[Dict[str, Any]]], limit: int) -> List[str]:
    if found is None:
        return ["Unanswered questions: not grouped (the help centre's model is unavailable)."]
    if not found:
        return ["Unanswered questions: none in this range."]
    lines = ["Top unanswered questions, grouped by meaning:"]
    for group in found[:limit]:
        reasons = ", ".join(f"{r} {n}" for r, n in group["reasons"].items())
        lines.append(f"  {group['rank']:>2}. {group['representative']!r} x{group['count']} ({reasons})")
        for question in group["questions"][1:4]:
            lines.append(f"        also: {question['text']!r}")
        senders = sorted({c["sender_id"] for c in group["conversations"] if c["sender_id"]})
        if senders:
            lines.append(f"        conversations: {', '.join(senders[:5])}" + (" ..." if len(senders) > 5 else ""))
    return lines


def _encoder(settings: Any) -> Any:
    from knowledge_base.encoder import get_encoder

    return get_encoder(settings.kb.model)


def cmd_report(args: argparse.Namespace, settings: Any) -> int:
    from bot.analytics import service
    from bot.store import db
    from knowledge_base.service import KnowledgeBase

    try:
        win = service.window(args.since, args.until, args.channel, settings.handoff.hours)
    except service.RangeError as err:
        print(f"Cannot report: {err}", file=sys.stderr)
        return 2
    db.configure(settings.app_database_url)
    db.create_schema()
    kb = KnowledgeBase(dataclasses.replace(settings.kb, auto_ingest=False))  # titles only: never build it here
    built = service.build(win, kb=kb, encoder=lambda: _encoder(settings), unanswered_limit=max(args.groups, 1))
    if args.json:
        print(json.dumps(built.data, indent=2, default=str))
    else:
        print(render(built.data, args.groups))
    if args.charts:
        from bot.analytics.charts import write_charts

        paths = write_charts(built.data, args.charts)
        print(f"\nCharts: {', '.join(str(p) for p in paths)}")
    if args.csv:
        from bot.analytics.export import write_csv

        paths = write_csv(built, win, args.csv, settings.analytics.phone_region)
        print(f"CSV (emails, phone and card numbers masked): {', '.join(str(p) for p in paths)}")
    return 0
