"""Every figure of docs/ANALYTICS.md on a known week (tests/analytics/seed.py), exactly, on SQLite
and on PostgreSQL: from the conversations' events through the recorder to the report, the CSV
and the charts."""

from __future__ import annotations

import csv

import pytest

from bot.analytics import service
from bot.analytics.charts import write_charts
from bot.analytics.export import write_csv
from bot.handoff.hours import BusinessHours
from tests.analytics import seed
from tests.knowledge_base.kb_fakes import FakeEncoder

HOURS = BusinessHours.parse(seed.HOURS, seed.TIMEZONE)
ENCODER = FakeEncoder(synonyms={"deliver": "ship", "can": "do"})


def window(channel=None):
    return service.metrics.Window(seed.WINDOW_SINCE, seed.WINDOW_UNTIL, seed.NOW, seed.TIMEZONE, HOURS, channel)


@pytest.fixture
def week(database_url):
    from bot.store import db

    db.configure(database_url)
    db.create_schema()
    ids = seed.seed()
    yield ids
    db.engine().dispose()


def test_every_figure_of_the_week(week):
    data = service.build(window(), encoder=ENCODER).data
    totals = data["totals"]

    assert totals["conversations"] == 10
    assert totals["outcomes"] == {
        "confirmed": 2,  # c1 (thanks), c9 (that helped)
        "assumed": 1,  # c2: no contact for 24 h after the order
        "pending": 1,  # c3: under 24 h
        "came_back": 1,  # c10: the same visitor was back 2 h later (c11)
        "unresolved": 1,  # c4
        "unanswered": 1,  # c7
        "person": 2,  # c5 (live), c6 (ticket answered)
        "escalated": 1,  # c11: stopped waiting
    }
    assert (totals["contained"], totals["decided"], totals["pending"]) == (3, 9, 1)
    assert totals["containment_rate"] == pytest.approx(3 / 9)
    assert totals["confirmed_rate"] == pytest.approx(2 / 9)
    assert (totals["escalated"], totals["escalation_rate"]) == (3, pytest.approx(0.3))
    assert totals["escalations_by_reason"] == {"customer_request": 2, "frustration": 1}
    # the assistant's first replies: 0.5 0.7 0.8 0.9 1.0 1.1 1.2 1.5 2.0 3.0 s
    assert (totals["bot_frt_median"], totals["bot_frt_p90"], totals["bot_frt_count"]) == (
        pytest.approx(1.05),
        pytest.approx(2.0),
        10,
    )
    # people, in business hours only: c5 5 min Thursday evening + 5 min Friday morning; c6 opened
    # on Saturday, answered Monday 09:30 (30 min); c11 never
    assert (totals["human_frt_median"], totals["human_frt_p90"], totals["human_frt_count"]) == (1200, 1800, 2)
    assert totals["waiting_for_person"] == 1
    # resolved: c1 10 s, c2 20 s, c9 40 s, c5 15 h 36 min (handed back), c6 47 h (ticket resolved)
    assert totals["resolved"] == 5
    assert (totals["resolution_time_median"], totals["resolution_time_p90"]) == (40, 47 * 3600)
    # first contact: c1 (alice back at NOW-30min) and c2 (bob back on Friday) were not
    assert (totals["fcr"], totals["fcr_repeat"], totals["fcr_window_open"]) == (3, 2, 3)
    assert totals["fcr_rate"] == pytest.approx(0.6)
    assert (totals["csat_asked"], totals["csat_rated"], totals["csat_skipped"]) == (4, 2, 1)
    assert totals["csat_response_rate"] == 0.5
    assert (totals["csat_average"], totals["csat_percent"]) == (3.5, 0.5)
    assert totals["csat_distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert data["csat_by_person"] == {
        "assistant only": {
            "csat_asked": 3,
            "csat_rated": 1,
            "csat_response_rate": pytest.approx(1 / 3),
            "csat_average": 5.0,
            "csat_percent": 1.0,
        },
        "with a person": {
            "csat_asked": 1,
            "csat_rated": 1,
            "csat_response_rate": 1.0,
            "csat_average": 2.0,
            "csat_percent": 0.0,
        },
    }


def test_per_channel(week):
    channels = service.build(window()).data["channels"]
    assert {name: group["conversations"] for name, group in channels.items()} == {
        "slack": 1,
        "telegram": 3,
        "webchat": 6,
    }
    webchat, telegram, slack = channels["webchat"], channels["telegram"], channels["slack"]
    assert (webchat["contained"], webchat["decided"], webchat["escalated"]) == (2, 6, 2)
    assert (telegram["contained"], telegram["decided"], telegram["pending"]) == (1, 2, 1)
    assert (slack["escalated"], slack["human_frt_median"], slack["csat_average"]) == (1, 600, 2.0)
    assert telegram["csat_asked"] == 1 and telegram["csat_rated"] == 0

    only_web = service.build(window("webchat")).data
    assert only_web["totals"]["conversations"] == 6 and list(only_web["channels"]) == ["webchat"]
    # a repeat contact counts on any channel: bob's webchat order (c2) came back on Telegram (c9)
    assert only_web["totals"]["fcr_repeat"] == 2  # c1 (alice) and c2 (bob)


def test_days_are_local_to_the_business(week):
    series = service.build(window()).data["series"]
    assert series["bucket"] == "day"
    assert series["labels"] == [f"2026-{d}" for d in ("11-30", *(f"12-0{n}" for n in range(1, 8)))]
    assert series["conversations"] == [0, 3, 1, 2, 1, 1, 0, 2]  # c7 is Monday in Paris, Sunday in UTC
    assert series["by_channel"] == {
        "slack": [0, 0, 0, 1, 0, 0, 0, 0],
        "telegram": [0, 0, 0, 1, 1, 0, 0, 1],
        "webchat": [0, 3, 1, 0, 0, 1, 0, 1],
    }
    assert series["contained"] == [0, 1, 1, 0, 1, 0, 0, 0]
    assert series["human_frt_median"][3] == 600 and series["human_frt_median"][5] == 1800
    assert series["csat_average"][1] == 5.0 and series["csat_average"][3] == 2.0

    hourly = service.build(service.metrics.Window(seed.NOW - 86400, seed.NOW, seed.NOW, seed.TIMEZONE, HOURS)).data
    assert hourly["series"]["bucket"] == "hour" and len(hourly["series"]["labels"]) == 24
    assert hourly["totals"]["conversations"] == 3  # c7, c3 and c12


def test_articles_least_helpful_first(week):
    articles = service.build(window()).data["articles"]
    assert [(a["doc_id"], a["helpful"], a["unhelpful"]) for a in articles] == [
        ("returns-policy", 0, 1),
        ("refund-timing", 2, 1),
        ("shipping-times-and-costs", 1, 0),
    ]
    assert articles[1]["helpful_rate"] == pytest.approx(2 / 3)
    web = service.build(window("webchat")).data["articles"]
    assert [(a["doc_id"], a["helpful"], a["unhelpful"]) for a in web][:2] == [("returns-policy", 0, 1)] + [
        ("refund-timing", 2, 0)
    ]


def test_unanswered_questions_grouped_with_their_conversations(week):
    groups = service.build(window(), encoder=ENCODER).data["unanswered"]
    assert [(g["representative"], g["count"], g["reasons"]) for g in groups] == [
        ("can you deliver to mars", 2, {"no_answer": 2}),
        ("can I return worn shoes", 1, {"unhelpful": 1}),  # answered, but rated unhelpful
        ("do you sell gift wrap", 1, {"no_answer": 1}),
        ("when do I get my money back", 1, {"unhelpful": 1}),
    ]
    mars = groups[0]
    assert {q["text"] for q in mars["questions"]} == {"do you ship to mars", "can you deliver to mars"}
    assert mars["channels"] == {"webchat": 1, "telegram": 1}
    assert [(c["sender_id"], c["question"]) for c in mars["conversations"]] == [
        ("webchat:c7", "do you ship to mars"),  # newest first
        ("telegram:c4", "can you deliver to mars"),
    ]
    assert all(c["conversation_id"] for c in mars["conversations"])
    on_telegram = service.build(window("telegram"), encoder=ENCODER).data["unanswered"]
    assert [(g["representative"], g["count"]) for g in on_telegram] == [
        ("can you deliver to mars", 1),
        ("when do I get my money back", 1),
    ]


def test_csv_rows_are_masked_and_charts_are_written(week, tmp_path):
    built = service.build(window(), encoder=ENCODER)
    paths = write_csv(built, window(), tmp_path / "csv")
    assert [p.name for p in paths] == [
        "conversations.csv",
        "satisfaction.csv",
        "articles.csv",
        "unanswered.csv",
        "over_time.csv",
    ]
    conversations = list(csv.DictReader((tmp_path / "csv" / "conversations.csv").open()))
    assert len(conversations) == 10
    by_sender = {row["sender_id"]: row for row in conversations}
    assert by_sender["webchat:c1"]["customer"] == "email:a***@***.com"  # never the address
    assert (by_sender["webchat:c1"]["outcome"], by_sender["webchat:c1"]["first_contact_resolution"]) == (
        "confirmed",
        "0",
    )
    assert by_sender["slack:c5"]["human_first_response_business_s"] == "600.0"
    text = "\n".join(p.read_text() for p in paths)
    assert "alice@example.com" not in text and "bob@example.com" not in text and "555-0132" not in text
    [rated] = [r for r in csv.DictReader((tmp_path / "csv" / "satisfaction.csv").open()) if r["rating"] == "5"]
    assert rated["comment"] == "Quick! Call me on ********32 if needed"
    over_time = list(csv.DictReader((tmp_path / "csv" / "over_time.csv").open()))
    assert [row["conversations"] for row in over_time] == ["0", "3", "1", "2", "1", "1", "0", "2"]

    charts = write_charts(built.data, tmp_path / "charts")
    assert len(charts) == 6
    for chart in charts:
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 5000
