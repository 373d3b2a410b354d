"""Logs never carry customers' personal data in the clear (docs/SECURITY.md, case 12)."""

from __future__ import annotations

import logging

import pytest

from bot.log_privacy import MaskPersonalData, mask
from channels.common import ReliableOutputChannel


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("reply to alice.smith+shop@example.com failed", "alice.smith+shop"),
        ("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
        ("card 4111-1111-1111-1111", "4111-1111-1111-1111"),
        ("call +44 20 7946 0958 tomorrow", "7946 0958"),
        ("call 020 7946 0958 tomorrow", "7946 0958"),
        ("ship to 12 Baker Street, London", "12 Baker Street"),
        ("ship to 4 Rue de la Paix 75002 Paris", "Rue de la Paix"),
    ],
)
def test_personal_data_is_masked(text, hidden):
    masked = mask(text)
    assert hidden not in masked
    assert masked != text


@pytest.mark.parametrize(
    "text",
    [
        "order 100234 shipped",
        "ticket T-000123 opened",
        "tracking 1Z999AA10123456784",
        "took 1500 ms at 2026-12-01 08:00:00",
    ],
)
def test_what_support_needs_to_debug_stays(text):
    assert mask(text) == text


def test_the_filter_masks_messages_arguments_and_tracebacks(caplog):
    logger = logging.getLogger("tests.privacy")
    handler = logging.Handler()
    records = []
    handler.emit = records.append
    handler.addFilter(MaskPersonalData())
    logger.addHandler(handler)
    try:
        logger.warning("lookup failed for %s", "carol@example.com")
        try:
            raise ValueError("no order for carol@example.com")
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    assert "carol@" not in records[0].getMessage() and "c***@example.com" in records[0].getMessage()
    assert "carol@" not in records[1].exc_text


async def test_a_failed_delivery_is_logged_without_the_text(caplog):
    class Broken(ReliableOutputChannel):
        @classmethod
        def name(cls) -> str:
            return "broken"

        async def send_text_message(self, recipient_id, text, **kwargs):
            raise ConnectionError("platform down")

    with caplog.at_level(logging.ERROR):
        await Broken().send_response("x", {"text": "Shipping to: 12 Baker Street, alice@example.com"})
    assert "could not deliver a reply" in caplog.text
    assert "Baker" not in caplog.text and "alice@" not in caplog.text
