"""The helpers every channel shares: metadata, de-duplication, ordering, splitting, payloads."""

from __future__ import annotations

import asyncio
import logging

import pytest

from channels.common import (
    ConversationTasks,
    PayloadTable,
    RecentIds,
    ReliableOutputChannel,
    customer_metadata,
    split_text,
    utf16_length,
)


def test_customer_metadata_shape():
    metadata = customer_metadata("slack", "U1", "Alice", "alice@example.com", {"team": "T1"})
    assert metadata == {
        "customer": {
            "channel": "slack",
            "id": "U1",
            "name": "Alice",
            "email": "alice@example.com",
            "email_verified": False,  # only when the channel says it verified it
        },
        "slack": {"team": "T1"},
    }
    verified = customer_metadata("slack", "U1", "Alice", "alice@example.com", email_verified=True)
    assert verified["customer"]["email_verified"] is True
    assert customer_metadata("slack", "U1", email_verified=True)["customer"]["email_verified"] is False  # no email
    assert customer_metadata("telegram", 42, "", None)["customer"] == {
        "channel": "telegram",
        "id": "42",
        "name": None,
        "email": None,
        "email_verified": False,
    }


def test_recent_ids_remember_a_bounded_number():
    recent = RecentIds(size=3)
    assert recent.first_time("a") and recent.first_time("b") and recent.first_time("c")
    assert not recent.first_time("a")
    assert recent.first_time("d")  # evicts the least recently seen: b
    assert len(recent) == 3
    assert recent.first_time("b")
    assert not recent.first_time("a")


def test_split_prefers_paragraphs_then_lines_then_words():
    text = "first paragraph line\n\nsecond paragraph\nwith two lines"
    assert split_text(text, 100) == [text]
    assert split_text(text, 40) == ["first paragraph line", "second paragraph\nwith two lines"]
    assert split_text("one two three four", 9) == ["one two", "three", "four"]
    chunks = split_text("line one\nline two\nline three", 18)
    assert chunks == ["line one\nline two", "line three"]


def test_split_cuts_a_word_longer_than_the_limit_and_keeps_everything():
    word = "x" * 25
    assert split_text(word, 10) == ["x" * 10, "x" * 10, "x" * 5]
    long = "\n\n".join(f"Paragraph {n}. " + "word " * 150 for n in range(12))
    chunks = split_text(long, 4096)
    assert len(chunks) > 1
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == long.replace(" ", "").replace("\n", "")


def test_split_can_measure_in_utf16_units():
    text = "😀" * 10  # each emoji is 2 UTF-16 code units
    assert utf16_length(text) == 20
    chunks = split_text(text, 8, utf16_length)
    assert all(utf16_length(chunk) <= 8 for chunk in chunks)
    assert "".join(chunks) == text


def test_payload_table_keeps_short_payloads_and_maps_long_ones():
    table = PayloadTable(size=2)
    assert table.encode("/check_order", 64) == "/check_order"
    long = '/inform{"order_number": "100234", "email": "someone.with.a.long.address@example.com"}'
    data = table.encode(long, 64)
    assert data.startswith(PayloadTable.PREFIX) and len(data.encode()) <= 64
    assert table.encode(long, 64) == data  # same payload, same key
    assert table.decode(data) == long
    assert table.decode("/check_order") == "/check_order"
    # A payload that looks like a key is itself mapped, so decoding is never ambiguous.
    tricky = PayloadTable.PREFIX + "abc"
    assert table.decode(table.encode(tricky, 64)) == tricky
    # Bounded: the oldest long payload is forgotten, and then decodes to None.
    table.encode("/a" + "x" * 80, 64)
    assert table.decode(data) is None


async def test_conversation_tasks_keep_order_within_a_conversation_only():
    tasks = ConversationTasks("test")
    done = []

    async def work(key, n, delay):
        await asyncio.sleep(delay)
        done.append((key, n))

    tasks.submit("a", work, "a", 1, 0.05)
    tasks.submit("a", work, "a", 2, 0)
    tasks.submit("b", work, "b", 1, 0)
    await tasks.drain()
    assert done.index(("a", 1)) < done.index(("a", 2))
    assert done[0] == ("b", 1)  # not held up by conversation a
    assert tasks.pending == 0


async def test_conversation_tasks_log_a_failure_and_carry_on(caplog):
    tasks = ConversationTasks("test")
    done = []

    async def boom():
        raise RuntimeError("assistant unavailable")

    async def ok():
        done.append(1)

    tasks.submit("a", boom)
    tasks.submit("a", ok)
    with caplog.at_level(logging.ERROR):
        await tasks.drain()
    assert done == [1]
    assert "conversation a failed" in caplog.text and "assistant unavailable" in caplog.text


async def test_drain_cancels_what_does_not_finish_in_time():
    tasks = ConversationTasks("test")
    tasks.submit("a", asyncio.sleep, 30)
    await tasks.drain(timeout=0.05)
    assert tasks.pending == 0


class Flaky(ReliableOutputChannel):
    def __init__(self):
        self.sent = []

    @classmethod
    def name(cls):
        return "flaky"

    async def send_text_message(self, recipient_id, text, **kwargs):
        if text == "fail":
            raise ConnectionError("network down")
        self.sent.append(text)


async def test_reliable_output_logs_a_failure_with_context_and_does_not_raise(caplog):
    channel = Flaky()
    with caplog.at_level(logging.ERROR):
        await channel.send_response("someone", {"text": "fail"})
        await channel.send_response("someone", {"text": "next"})
    assert channel.sent == ["next"]
    assert "flaky: could not deliver a reply to someone (ConnectionError: network down)" in caplog.text
    with pytest.raises(ConnectionError):
        await channel.send_text_message("someone", "fail")
