"""Passages as chat text: Markdown that reads well on every channel.

The web widget, Slack and Telegram each render a different subset of Markdown (or none),
so answers are sent as plain text: emphasis markers dropped, links written as
"text (url)", and tables turned into one line per row ("Canada: Carrier UPS ...; Price
$14.95"), which survives any channel.
"""

from __future__ import annotations

import re
from typing import List

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}")


def _cells(line: str) -> List[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def tables_to_lines(text: str) -> str:
    lines = text.splitlines()
    out: List[str] = []
    i = 0
    while i < len(lines):
        is_table = lines[i].lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1])
        if not is_table:
            out.append(lines[i])
            i += 1
            continue
        header = _cells(lines[i])
        i += 2
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            row = _cells(lines[i])
            first, rest = row[0], list(zip(header[1:], row[1:], strict=False))
            out.append(f"- {first}: " + "; ".join(f"{h} {v}" for h, v in rest if v))
            i += 1
    return "\n".join(out)


def render_plain(markdown: str) -> str:
    text = tables_to_lines(markdown)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
