"""The report's charts as PNG files, drawn with matplotlib (the desk draws the same figures with
Chart.js in the browser, from the same report).

One file per chart: conversations over time by channel, containment over time, first response
times, CSAT distribution, escalations by reason, and what happened to the conversations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.analytics.metrics import STATUS_LABELS  # noqa: E402

COLOURS = {"webchat": "#2563eb", "slack": "#7c3aed", "telegram": "#0891b2", "rest": "#64748b"}


def _counts(axis) -> None:
    """Whole numbers on an axis of counts (no "0.5 conversations")."""
    axis.set_major_locator(MaxNLocator(integer=True))


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _ticks(ax, labels: List[str]) -> None:
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i][5:] for i in range(0, len(labels), step)], rotation=45, ha="right", fontsize=8)


def conversations_chart(series: Dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    bottom = [0] * len(series["labels"])
    for channel, counts in series["by_channel"].items():
        ax.bar(range(len(counts)), counts, bottom=bottom, label=channel, color=COLOURS.get(channel))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title(f"Conversations per {series['bucket']}, by channel")
    _counts(ax.yaxis)
    if series["by_channel"]:
        ax.legend(fontsize=8)
    _ticks(ax, series["labels"])
    return _save(fig, path)


def containment_chart(series: Dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    rates = [None if r is None else 100 * r for r in series["containment_rate"]]
    ax.plot(range(len(rates)), [float("nan") if r is None else r for r in rates], marker="o", color="#16a34a")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of decided conversations")
    ax.set_title("Containment (resolved by the assistant alone)")
    _ticks(ax, series["labels"])
    return _save(fig, path)


def response_chart(series: Dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for key, label, colour in (("bot_frt_median", "assistant", "#2563eb"), ("human_frt_median", "people", "#dc2626")):
        values = [float("nan") if v is None else v for v in series[key]]
        ax.plot(range(len(values)), values, marker="o", label=label, color=colour)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylabel("seconds (median)")
    ax.set_title("First response time (people: business hours only)")
    ax.legend(fontsize=8)
    _ticks(ax, series["labels"])
    return _save(fig, path)


def csat_chart(totals: Dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(5, 3.4))
    scores = ["1", "2", "3", "4", "5"]
    counts = [totals["csat_distribution"][s] for s in scores]
    ax.bar(scores, counts, color=["#dc2626", "#f97316", "#eab308", "#84cc16", "#16a34a"])
    average = totals["csat_average"]
    ax.set_title("Satisfaction ratings" + (f" (average {average:.2f})" if average is not None else ""))
    ax.set_xlabel("rating")
    _counts(ax.yaxis)
    return _save(fig, path)


def escalations_chart(totals: Dict[str, Any], path: Path) -> Path:
    reasons = totals["escalations_by_reason"] or {"none": 0}
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(reasons)))
    ax.barh(list(reasons), list(reasons.values()), color="#f97316")
    ax.invert_yaxis()
    ax.set_title("Escalations by reason")
    _counts(ax.xaxis)
    return _save(fig, path)


def outcomes_chart(totals: Dict[str, Any], path: Path) -> Path:
    outcomes = totals["outcomes"]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.barh([STATUS_LABELS[s] for s in outcomes], list(outcomes.values()), color="#2563eb")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title("What happened to the conversations")
    _counts(ax.xaxis)
    return _save(fig, path)


def write_charts(report: Dict[str, Any], directory: Path) -> List[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    series, totals = report["series"], report["totals"]
    return [
        conversations_chart(series, directory / "conversations.png"),
        containment_chart(series, directory / "containment.png"),
        response_chart(series, directory / "response_times.png"),
        csat_chart(totals, directory / "csat.png"),
        escalations_chart(totals, directory / "escalations.png"),
        outcomes_chart(totals, directory / "outcomes.png"),
    ]
