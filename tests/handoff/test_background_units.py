"""The handoff background loop (bot/handoff/background.py), one tick at a time, on a throw-away
SQLite app database, with a fake runtime and fake Slack alerts that record what they were asked."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, List, Tuple

import pytest
from sqlalchemy import update

from bot.desk import auth
from bot.desk.events import EventBus
from bot.handoff import ownership, queue
from bot.handoff.background import BackgroundLoop, SlackAlerts
from bot.handoff.hours import BusinessHours
from bot.handoff.texts import NO_LONGER
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.handoff import Agent, Handoff, HandoffStatus
from bot.store.models import utcnow
from tests.fakes import app_database, handoff_config, published
from tests.mocks.slack_api import FAKE_BOT_TOKEN

CONFIG = handoff_config()  # always open, 4 minutes a conversation, reminders every 120 s


@pytest.fixture
def app_db(tmp_path):
    yield from app_database(tmp_path)


class FakeRuntime:
    """What the loop uses of HandoffRuntime: the bus, and the two things it asks it to do."""

    def __init__(self) -> None:
        self.bus = EventBus()
        self.tickets: List[Tuple[int, str]] = []
        self.told: List[Tuple[int, int, int]] = []

    async def ticket_instead(self, handoff: Any, why: str) -> None:
        self.tickets.append((handoff.id, why))

    async def tell_queue_position(self, handoff: Any, place: int, minutes: int) -> None:
        self.told.append((handoff.id, place, minutes))


class FakeAlerts:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.posts: List[Tuple[int, int]] = []

    async def post(self, handoff: Any, repeat: int) -> None:
        self.posts.append((handoff.id, repeat))
        if self.fail:
            raise ConnectionError("slack.com is unreachable")


def online_agent(email: str = "ann@example.com") -> int:
    agent = auth.add_agent(email, "Ann", "a long enough password")
    auth.mark_seen(agent.id)
    return agent.id


def backdate(handoff_id: int, **columns: dt.timedelta) -> None:
    """Move a handoff's timestamps into the past (e.g. last_alert_at=timedelta(minutes=3))."""
    with session_scope() as session:
        session.execute(
            update(Handoff).where(Handoff.id == handoff_id).values(**{k: utcnow() - v for k, v in columns.items()})
        )


# ---- the desk hears when the queue changed ---------------------------------------------------


async def test_a_queue_change_is_published_once(app_db):
    agent_id = online_agent()
    runtime = FakeRuntime()
    events = runtime.bus.subscribe()
    loop = BackgroundLoop(runtime, CONFIG, None)

    await loop.tick()
    assert published(events) == []  # empty, as it was

    first = queue.create("conv-a", "slack", "customer_request")
    await loop.tick()
    assert published(events) == [{"type": "queue_changed", "count": 1}]
    await loop.tick()
    assert published(events) == []  # nothing changed

    queue.create("conv-b", "telegram", "customer_request")
    await loop.tick()
    assert published(events) == [{"type": "queue_changed", "count": 2}]

    ownership.claim(first.id, agent_id)  # same handoffs, another status
    await loop.tick()
    assert published(events) == [{"type": "queue_changed", "count": 2}]
    await loop.tick()
    assert published(events) == []

    ownership.close(first.id, HandoffStatus.resolved, agent_id=agent_id)
    await loop.tick()
    assert published(events) == [{"type": "queue_changed", "count": 1}]
    assert runtime.tickets == []


# ---- nobody can answer any more: tickets instead of waiting ----------------------------------


async def test_with_nobody_online_every_queued_handoff_becomes_a_ticket(app_db):
    runtime = FakeRuntime()
    a = queue.create("conv-a", "slack", "customer_request")
    b = queue.create("conv-b", "rest", "topic", priority=2)
    queue.create("conv-c", "webchat", "agent_takeover", status=HandoffStatus.assigned)  # owned: stays

    await BackgroundLoop(runtime, CONFIG, FakeAlerts()).tick()

    assert sorted(runtime.tickets) == sorted([(a.id, NO_LONGER["no_agents"]), (b.id, NO_LONGER["no_agents"])])
    assert runtime.told == []


async def test_an_agent_seen_too_long_ago_is_not_online(app_db):
    agent_id = online_agent()
    with session_scope() as session:
        session.execute(
            update(Agent).where(Agent.id == agent_id).values(last_seen_at=utcnow() - dt.timedelta(minutes=5))
        )
    runtime = FakeRuntime()
    a = queue.create("conv-a", "slack", "customer_request")
    await BackgroundLoop(runtime, CONFIG, None).tick()
    assert runtime.tickets == [(a.id, NO_LONGER["no_agents"])]


async def test_outside_business_hours_the_wait_becomes_a_ticket_even_with_agents_online(app_db):
    online_agent()
    runtime = FakeRuntime()
    a = queue.create("conv-a", "slack", "customer_request")
    never_open = handoff_config(hours=BusinessHours({}, "UTC", "never"))
    await BackgroundLoop(runtime, never_open, None).tick()
    assert runtime.tickets == [(a.id, NO_LONGER["closed"])]


# ---- waiting customers hear their place --------------------------------------------------------


async def test_a_customer_whose_place_changed_is_told_the_new_place(app_db):
    agent_id = online_agent()
    runtime = FakeRuntime()
    loop = BackgroundLoop(runtime, CONFIG, None)
    a = queue.create("conv-a", "slack", "customer_request")

    await loop.tick()
    assert runtime.told == []  # the place they were given when they joined is only noted
    assert queue.position_told(a.id)[0] == 1

    urgent = queue.create("conv-b", "slack", "topic", priority=2)  # goes ahead of conv-a
    await loop.tick()
    assert runtime.told == [(a.id, 2, 8)]  # 2 conversations x 4 minutes, one agent
    assert queue.position_told(a.id)[0] == 2 and queue.position_told(urgent.id)[0] == 1

    await loop.tick()
    assert runtime.told == [(a.id, 2, 8)]  # not again while nothing changes

    ownership.claim(urgent.id, agent_id)
    await loop.tick()
    assert runtime.told == [(a.id, 2, 8), (a.id, 1, 4)]
    assert runtime.tickets == []


async def test_a_waiting_customer_is_reminded_when_the_last_update_is_stale(app_db):
    online_agent()
    runtime = FakeRuntime()
    a = queue.create("conv-a", "slack", "customer_request")
    queue.set_queue_position_told(a.id, 1)

    await BackgroundLoop(runtime, CONFIG, None).tick()
    assert runtime.told == []  # told a moment ago

    backdate(a.id, last_queue_update_at=dt.timedelta(seconds=CONFIG.queue_update_seconds + 5))
    await BackgroundLoop(runtime, handoff_config(queue_update_seconds=0), None).tick()
    assert runtime.told == []  # 0: only on changes

    await BackgroundLoop(runtime, CONFIG, None).tick()
    assert runtime.told == [(a.id, 1, 4)]
    told, told_at = queue.position_told(a.id)
    assert told == 1 and (utcnow() - told_at).total_seconds() < 60  # the reminder restarts the clock


async def test_with_several_servers_one_tells_the_customer(app_db):
    """Every server's loop sees the same queue; the new place is claimed in the database first,
    so the customer hears it once however the loops interleave."""
    online_agent()
    runtimes = [FakeRuntime() for _ in range(3)]
    loops = [BackgroundLoop(runtime, CONFIG, None) for runtime in runtimes]
    a = queue.create("conv-a", "slack", "customer_request")
    await loops[0].tick()
    queue.create("conv-b", "slack", "topic", priority=2)  # conv-a moves to place 2
    await asyncio.gather(*(loop.tick() for loop in loops))
    told = [entry for runtime in runtimes for entry in runtime.told]
    assert told == [(a.id, 2, 8)]
    assert not queue.claim_queue_update(a.id, 1, None, 3)  # a stale read cannot claim it again


# ---- Slack alerts for agents ---------------------------------------------------------------


async def test_slack_alerts_are_posted_once_per_due_handoff_and_repeated_when_unclaimed(app_db):
    agent_id = online_agent()
    runtime = FakeRuntime()
    alerts = FakeAlerts()
    loop = BackgroundLoop(runtime, handoff_config(alert_max=2), alerts)
    a = queue.create("conv-a", "slack", "customer_request")
    b = queue.create("conv-b", "rest", "customer_request")
    claimed = queue.create("conv-c", "rest", "customer_request")
    ownership.claim(claimed.id, agent_id)

    await loop.tick()
    assert sorted(alerts.posts) == [(a.id, 0), (b.id, 0)]
    await loop.tick()
    assert len(alerts.posts) == 2  # not again before the repeat time

    backdate(a.id, last_alert_at=dt.timedelta(seconds=CONFIG.alert_repeat_seconds + 5))
    await loop.tick()
    assert alerts.posts[2:] == [(a.id, 1)]  # raised again: still waiting
    assert queue.get(a.id).alerts_sent == 2

    backdate(a.id, last_alert_at=dt.timedelta(seconds=CONFIG.alert_repeat_seconds + 5))
    await loop.tick()
    assert len(alerts.posts) == 3  # HANDOFF_ALERT_MAX reached


async def test_a_failing_slack_alert_does_not_stop_the_tick(app_db):
    online_agent()
    runtime = FakeRuntime()
    alerts = FakeAlerts(fail=True)
    a = queue.create("conv-a", "slack", "customer_request")
    b = queue.create("conv-b", "slack", "customer_request")
    loop = BackgroundLoop(runtime, CONFIG, alerts)

    await loop.tick()  # does not raise
    assert sorted(alerts.posts) == [(a.id, 0), (b.id, 0)]  # the second was still tried
    await loop.tick()
    assert len(alerts.posts) == 2  # counted: not retried on every tick


async def test_slack_alert_text_escapes_what_customers_wrote():
    class FakeClient:
        def __init__(self) -> None:
            self.posts: List[dict] = []

        async def chat_postMessage(self, **kwargs: Any) -> None:  # noqa: N802 - slack-sdk's name
            self.posts.append(kwargs)

    alerts = SlackAlerts("C-ALERTS", FAKE_BOT_TOKEN, None, "http://localhost:5005/desk")
    alerts.client = FakeClient()
    handoff = _view(id=12, customer_name="<!channel> Bob & co", summary="Wants <https://evil.example|a refund>")

    await alerts.post(handoff, 0)
    await alerts.post(handoff, 1)

    first, second = (p["text"] for p in alerts.client.posts)
    assert first.startswith("New handoff: &lt;!channel&gt; Bob &amp; co on slack needs a person.")
    assert "*Summary:* Wants &lt;https://evil.example|a refund&gt;" in first
    assert first.endswith("<http://localhost:5005/desk#/handoff/12|Open in the desk>")
    assert "<!here>" not in first and "waiting" not in first
    assert second.startswith("<!here> Still waiting: ") and "(waiting 3 min)." in second
    assert {p["channel"] for p in alerts.client.posts} == {"C-ALERTS"}
    assert all(p["unfurl_links"] is False for p in alerts.client.posts)


def test_slack_alerts_need_a_channel_and_a_slack_token():
    assert SlackAlerts.from_settings(Settings(slack=None, handoff=handoff_config(alert_channel=None))) is None
    assert SlackAlerts.from_settings(Settings(slack=None, handoff=handoff_config(alert_channel="C-ALERTS"))) is None


def _view(**fields: Any):
    from bot.handoff.records import HandoffView

    created = utcnow() - dt.timedelta(minutes=3, seconds=10)
    values = dict(
        id=1,
        sender_id="slack:T1:C1:1.2",
        channel="slack",
        status="queued",
        reason="customer_request",
        reason_detail="",
        priority=0,
        summary="",
        customer_name=None,
        customer_email=None,
        agent_id=None,
        agent_name=None,
        ticket_reference=None,
        created_at=created,
        claimed_at=None,
        closed_at=None,
        alerts_sent=0,
    )
    values.update(fields)
    return HandoffView(**values)


# ---- the loop itself ------------------------------------------------------------------------


async def test_the_loop_keeps_running_after_a_failing_tick_and_stops():
    ticks: List[int] = []

    class Flaky(BackgroundLoop):
        async def tick(self) -> None:
            ticks.append(len(ticks))
            if len(ticks) == 1:
                raise RuntimeError("database went away")

    loop = Flaky(FakeRuntime(), CONFIG, None, interval=0.01)
    loop.start()
    for _ in range(200):
        if len(ticks) >= 3:
            break
        await asyncio.sleep(0.01)
    await loop.stop()
    assert len(ticks) >= 3  # the failure was logged, not fatal
    stopped_at = len(ticks)
    await asyncio.sleep(0.05)
    assert len(ticks) == stopped_at
