"""Fixtures for the channel tests: the mock Slack and Telegram APIs (helpers: support.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.mocks.slack_api import MockSlackApi
from tests.mocks.telegram_api import MockTelegramApi


@pytest.fixture(scope="module")
def slack_api() -> Iterator[MockSlackApi]:
    with MockSlackApi() as api:
        yield api


@pytest.fixture(scope="module")
def telegram_api() -> Iterator[MockTelegramApi]:
    with MockTelegramApi() as api:
        yield api
