"""The browser every browser test module drives (Debian's Chromium through Playwright), and the
longer `expect` timeout the desk's modules use (`pytest.mark.usefixtures("desk_expect_timeout")`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.browser.pages import TIMEOUT_MS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def desk_expect_timeout():
    """Live updates in the desk take a moment on a busy machine: a longer wait for `expect`."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other browser tests
