"""How long the service report takes on a large history: 100,000 stored conversations.

    python benchmarks/report_load.py                       # 100,000 conversations, SQLite and PostgreSQL
    python benchmarks/report_load.py --conversations 20000 --databases sqlite

Generates a realistic history in a fresh database per kind (a temporary SQLite file; a private
schema in PostgreSQL's `test` database, dropped afterwards), created by the project's own
migrations: conversations over --days days on four channels, customers who come back (about
a third of conversations are repeat contacts), handoffs with reasons and people, tickets with
agent replies, satisfaction questions (asked, rated, skipped). Rows are bulk-inserted.

Then times, each the median of --repeat runs, what the CLI and the desk call
(bot/analytics/service.py `build`, without the unanswered-question grouping, which depends on
the encoder and is measured by the knowledge-base benchmarks):
- the whole history (every conversation in the window), all channels;
- one channel;
- the last 7 days.
The goal (issue 13) is under 2 s for 100,000 conversations on both databases. For a before/after
comparison, run this same script against an older checkout (docs/PERFORMANCE.md shows how).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PG_URL = os.environ.get("DATABASE_TEST_URL_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
CHANNELS = (("webchat", 0.45), ("telegram", 0.25), ("slack", 0.2), ("rest", 0.1))
REASONS = ("customer_request", "failed_understanding", "unhelpful_answers", "frustration", "topic")


def conversations(n: int, days: int, now: float, seed: int) -> Iterator[Dict[str, Any]]:
    """n conversation rows, oldest first, as the recorder would have written them."""
    rng = random.Random(seed)
    customers = max(1, int(n * 0.65))  # about a third are repeat contacts
    start = now - days * 86400
    names, weights = zip(*CHANNELS, strict=True)
    for i in range(n):
        t = start + (i + rng.random()) * (days * 86400 / n)
        channel = rng.choices(names, weights)[0]
        who = rng.randrange(customers)
        row: Dict[str, Any] = {
            "sender_id": f"{channel}:{uuid.UUID(int=rng.getrandbits(128)).hex}",
            "session_start": t - 1,
            "channel": channel,
            "customer_key": f"email:customer{who}@example.com" if who % 3 == 0 else f"{channel}:user{who}",
            "started_ts": t,
            "last_activity_ts": t + rng.uniform(20, 600),
            "updated_ts": t + 600,
            "events_seen": rng.randint(8, 60),
            "customer_messages": rng.randint(1, 8),
            "bot_messages": rng.randint(1, 10),
            "agent_messages": 0,
            "first_bot_reply_ts": t + rng.uniform(0.3, 3.0),
            "answers": 0,
            "person_involved": False,
        }
        kind = rng.random()
        if kind < 0.7:  # answered by the assistant
            row["answers"] = rng.randint(1, 3)
            row["last_answer_ts"] = t + rng.uniform(5, 300)
            if rng.random() < 0.4:
                row["confirmed_ts"] = row["last_answer_ts"] + rng.uniform(5, 60)
            elif rng.random() < 0.2:
                row["unresolved_ts"] = row["last_answer_ts"] + rng.uniform(5, 60)
        elif kind < 0.85:  # handed to a person
            row["escalated_ts"] = t + rng.uniform(10, 200)
            row["escalation"] = "handoff"
            row["handoff_reason"] = rng.choice(REASONS)
            if rng.random() < 0.8:
                row["person_involved"] = True
                row["agent_id"] = 1
                row["first_agent_reply_ts"] = row["escalated_ts"] + rng.uniform(30, 7200)
                row["handed_back_ts"] = row["first_agent_reply_ts"] + rng.uniform(60, 1800)
                row["agent_messages"] = rng.randint(1, 6)
        elif kind < 0.9:  # a ticket for the team
            row["escalated_ts"] = t + rng.uniform(10, 200)
            row["escalation"] = "ticket"
            row["handoff_reason"] = "customer_request"
            row["ticket_reference"] = f"T-{i + 1:06d}"
        yield row


def populate(url: str, n: int, days: int, now: float) -> Dict[str, int]:
    from sqlalchemy import insert

    from bot.analytics.queries import utc as utc_naive
    from bot.desk import auth
    from bot.store import db
    from bot.store.conversations import Conversation
    from bot.store.handoff import SatisfactionRating
    from bot.store.models import Ticket, TicketMessage

    db.configure(url)
    db.create_schema()
    auth.add_agent("ann@example.com", "Ann", "a long enough password")
    rng = random.Random(7)
    counts = {"conversations": 0, "tickets": 0, "csat": 0}
    batch: List[Dict[str, Any]] = []

    def flush() -> None:
        with db.session_scope() as session:
            first_id = counts["conversations"] + 1
            session.execute(insert(Conversation.__table__), batch)
            tickets, messages, ratings = [], [], []
            for offset, row in enumerate(batch):
                cid = first_id + offset
                if row.get("ticket_reference"):
                    tid = len(tickets) + counts["tickets"] + 1
                    created = row["escalated_ts"]
                    tickets.append(
                        {
                            "id": tid,
                            "reference": row["ticket_reference"],
                            "subject": "Handoff",
                            "description": "transcript",
                            "email": "someone@example.com",
                            "status": "resolved" if rng.random() < 0.7 else "open",
                            "channel": row["channel"],
                            "sender_id": row["sender_id"],
                            "created_at": utc_naive(created),
                            "resolved_at": utc_naive(created + rng.uniform(3600, 3 * 86400)),
                        }
                    )
                    messages.append(
                        {
                            "ticket_id": tid,
                            "author": "agent",
                            "agent_name": "Ann",
                            "text": "Here is your answer",
                            "created_at": utc_naive(created + rng.uniform(600, 86400)),
                        }
                    )
                if (row["answers"] or row["person_involved"]) and rng.random() < 0.5:
                    status = rng.choices(("rated", "skipped", "asked"), (0.55, 0.15, 0.3))[0]
                    ratings.append(
                        {
                            "conversation_id": cid,
                            "sender_id": row["sender_id"],
                            "channel": row["channel"],
                            "status": status,
                            "rating": rng.choices((1, 2, 3, 4, 5), (5, 5, 10, 30, 50))[0]
                            if status == "rated"
                            else None,
                            "person_involved": row["person_involved"],
                            "agent_id": row.get("agent_id"),
                            "created_at": utc_naive(row["last_activity_ts"]),
                        }
                    )
            if tickets:
                session.execute(insert(Ticket.__table__), tickets)
                session.execute(insert(TicketMessage.__table__), messages)
            if ratings:
                session.execute(insert(SatisfactionRating.__table__), ratings)
        counts["conversations"] += len(batch)
        counts["tickets"] += len(tickets)
        counts["csat"] += len(ratings)
        batch.clear()

    for row in conversations(n, days, now, seed=13):
        full = {column.name: None for column in Conversation.__table__.columns if column.name != "id"}
        full.update(row)
        batch.append(full)
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    return counts


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(label: str, url: str, args: argparse.Namespace) -> List[str]:

    from bot.analytics import service
    from bot.handoff.hours import BusinessHours
    from bot.store import db

    now = time.time()
    t0 = time.perf_counter()
    counts = populate(url, args.conversations, args.days, now - 3600)
    fill = time.perf_counter() - t0
    hours = BusinessHours.parse("mon-fri 09:00-18:00", "Europe/Paris")

    def report(since: str, channel: str = "") -> Dict[str, Any]:
        return service.build(service.window(since, None, channel or None, hours, now=now)).data

    whole = report(f"{args.days + 1}d")
    assert whole["totals"]["conversations"] == args.conversations, whole["totals"]["conversations"]
    lines = [
        f"{label}: {counts['conversations']:,} conversations, {counts['tickets']:,} tickets, "
        f"{counts['csat']:,} CSAT questions (generated in {fill:.1f} s)",
        f"  report, whole history ({args.days} days, all channels): {timed(lambda: report(f'{args.days + 1}d'), args.repeat):.3f} s",
        f"  report, one channel (webchat):                  {timed(lambda: report(f'{args.days + 1}d', 'web'), args.repeat):.3f} s",
        f"  report, last 7 days:                            {timed(lambda: report('7d'), args.repeat):.3f} s",
        f"  containment {whole['totals']['containment_rate']:.3f}, FCR {whole['totals']['fcr_rate']:.3f}, "
        f"CSAT {whole['totals']['csat_average']:.2f} (a sanity check of the generated mix)",
    ]
    db.engine().dispose()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    out: List[str] = []
    for kind in args.databases.split(","):
        if kind == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                out += measure("SQLite", f"sqlite:///{tmp}/bench.db", args)
        elif kind == "postgres":
            from sqlalchemy import create_engine
            from sqlalchemy import text as sql

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(PG_URL, future=True)
            with admin.begin() as conn:
                conn.execute(sql(f'CREATE SCHEMA "{schema}"'))
            try:
                out += measure("PostgreSQL", f"{PG_URL}?options=-csearch_path%3D{schema}", args)
            finally:
                with admin.begin() as conn:
                    conn.execute(sql(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        else:
            parser.error(f"unknown database {kind!r}")
        print("\n".join(out[-5:]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
