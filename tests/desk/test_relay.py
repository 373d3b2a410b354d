"""Desk live updates between servers: two event buses joined by Redis pub/sub (a private
redis-server on a free port), and what happens while Redis is gone."""

from __future__ import annotations

import asyncio

import pytest

from bot.desk.events import EventBus
from bot.desk.relay import RedisRelay
from tests.cluster.harness import RedisServer


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


async def _until(predicate, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _joined(url: str, count: int = 2):
    buses = [EventBus(relay=RedisRelay(url, channel="test:desk-events")) for _ in range(count)]
    for bus in buses:
        bus.relay.start(bus.deliver)
    await _until(lambda: all(bus.relay.connected for bus in buses))
    return buses


async def test_an_event_published_on_one_server_reaches_the_others_once_in_order(redis):
    a, b = await _joined(redis.url)
    try:
        on_a, on_b = a.subscribe(), b.subscribe()
        for index in range(20):
            a.publish("message", handoff_id=1, entry={"text": f"m{index}"})
        a.publish("queue_changed", local_only=True, count=3)  # each server sees this one itself
        await _until(lambda: on_b.qsize() == 20)
        received = [on_b.get_nowait() for _ in range(20)]
        assert [e["entry"]["text"] for e in received] == [f"m{i}" for i in range(20)]
        await asyncio.sleep(0.2)
        assert on_b.empty()  # not the local-only one
        assert on_a.qsize() == 21  # its own, once each (not again from Redis)
    finally:
        await a.relay.stop()
        await b.relay.stop()


async def test_redis_lost_local_desks_keep_working_and_relaying_resumes(redis):
    a, b = await _joined(redis.url)
    try:
        on_a, on_b = a.subscribe(), b.subscribe()
        redis.stop()
        await _until(lambda: not b.relay.connected, timeout=20)
        a.publish("note", handoff_id=2, note={"text": "while Redis is gone"})
        assert on_a.get_nowait()["note"]["text"] == "while Redis is gone"  # this server's desks still see it
        redis.start()
        await _until(lambda: a.relay.connected and b.relay.connected, timeout=20)
        # What other servers sent during the gap is gone: the desks are told to reload.
        await _until(lambda: any(e.get("type") == "resync" for e in list(on_b._queue)))
        a.publish("note", handoff_id=2, note={"text": "after"})
        await _until(lambda: any(e.get("note", {}).get("text") == "after" for e in list(on_b._queue)))
    finally:
        await a.relay.stop()
        await b.relay.stop()


async def test_an_idle_channel_is_not_an_outage(redis):
    """Quiet for longer than the client's read timeout: still connected, and the next event arrives."""
    a, b = await _joined(redis.url)
    try:
        on_b = b.subscribe()
        reconnects = []
        for _ in range(14):  # 7 s, more than the 5 s socket timeout
            await asyncio.sleep(0.5)
            reconnects.append(a.relay.connected and b.relay.connected)
        assert all(reconnects)
        a.publish("note", handoff_id=3, note={"text": "after a quiet spell"})
        await _until(lambda: on_b.qsize() == 1)
    finally:
        await a.relay.stop()
        await b.relay.stop()


def test_installations_on_different_redis_databases_use_different_channels():
    from bot.desk.relay import channel_for

    assert channel_for("redis://127.0.0.1:6379/2") != channel_for("redis://127.0.0.1:6379/5")
    assert channel_for("redis://127.0.0.1:6379") == channel_for("redis://127.0.0.1:6379/0")


async def test_a_malformed_message_on_the_channel_is_ignored(redis):
    import redis.asyncio as aioredis

    (a,) = await _joined(redis.url, count=1)
    try:
        on_a = a.subscribe()
        client = aioredis.from_url(redis.url)
        for junk in (
            b"not json",
            b"1",
            b"[1]",
            b"null",
            b'{"origin": "x", "event": "not a dict"}',
            b'{"origin": "x", "event": {"no": "type"}}',
            b'{"origin": "x", "event": {"type": "logged_out"}}',  # not something servers relay
            b'{"origin": "x", "event": {"type": "note\\nevent: logged_out"}}',
        ):
            await client.publish("test:desk-events", junk)
        await client.publish("test:desk-events", b'{"origin": "x", "event": {"type": "note", "handoff_id": 1}}')
        await client.close()
        await _until(lambda: on_a.qsize() == 1)
        assert on_a.get_nowait() == {"type": "note", "handoff_id": 1}
        assert a.relay.connected  # junk is not an outage
    finally:
        await a.relay.stop()
