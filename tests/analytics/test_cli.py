"""`python -m bot report` as a support lead runs it: on the seeded week (tests/analytics/seed.py)
in its own process, printing every figure, writing the charts and the masked CSV; a range it
cannot read is a one-line error and exit code 2."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analytics import seed

ROOT = Path(__file__).resolve().parents[2]
SINCE = dt.datetime.fromtimestamp(seed.WINDOW_SINCE, dt.UTC).isoformat()
UNTIL = dt.datetime.fromtimestamp(seed.WINDOW_UNTIL, dt.UTC).isoformat()


@pytest.fixture
def week_db(tmp_path):
    from bot.store import db

    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.configure(url)
    db.create_schema()
    seed.seed()
    db.engine().dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp_path / "var"),
        "BUSINESS_TIMEZONE": seed.TIMEZONE,
        "BUSINESS_HOURS": seed.HOURS,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    return env


def report(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "report", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_report_prints_every_figure_and_writes_charts_and_csv(week_db, tmp_path):
    out = tmp_path / "out"
    done = report(week_db, "--since", SINCE, "--until", UNTIL, "--csv", str(out), "--charts", str(out))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for line in (
        "Conversations",
        "Containment (assistant alone)",
        "Escalated to people",
        "First response, assistant",
        "First response, people",
        "Time to resolution",
        "First-contact resolution",
        "CSAT average (1-5)",
        "CSAT response rate",
        "Escalations by reason:",
        "Least helpful articles:",
        "Top unanswered questions, grouped by meaning:",
    ):
        assert line in text, line
    table = {line.split("  ")[0]: line.split() for line in text.splitlines() if line.strip()}
    assert table["Conversations"][1:] == ["10", "1", "3", "6"]  # all, slack, telegram, webchat
    assert table["Containment (assistant alone)"][3:5] == ["33%", "(3/9)"]  # as test_report.py computes it
    assert "CSAT ratings: 5: 1, 4: 0, 3: 0, 2: 1, 1: 0" in text
    assert "do you ship to mars" in text  # the real encoder grouped it
    assert sorted(p.name for p in out.glob("*.csv")) == [
        "articles.csv",
        "conversations.csv",
        "over_time.csv",
        "satisfaction.csv",
        "unanswered.csv",
    ]
    assert len(list(out.glob("*.png"))) == 6
    exported = "".join(p.read_text() for p in out.glob("*.csv"))
    assert "alice@example.com" not in exported and "555-0132" not in exported

    as_json = report(week_db, "--since", SINCE, "--until", UNTIL, "--channel", "telegram", "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["window"]["channel"] == "telegram" and data["totals"]["conversations"] == 3


@pytest.mark.parametrize("args", [["--since", "last week"], ["--channel", "fax"], ["--since", "1d", "--until", "7d"]])
def test_a_range_it_cannot_read_is_a_clear_error(week_db, args):
    done = report(week_db, *args)
    assert done.returncode == 2
    assert done.stderr.startswith("Cannot report:") and "Traceback" not in done.stderr
