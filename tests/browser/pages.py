"""What the desk's browser tests share: pages with error capture, signing in, the customer's
widget and the desk's transcript."""

from __future__ import annotations

import re

from tests.browser.chromium import ARTIFACTS, BOT, INPUT

TIMEOUT_MS = 30_000
PASSWORD = "correct horse battery staple"


def new_page(browser, width: int, height: int, accept_dialogs: bool = False):
    """A page in a context of its own; confirmation dialogs are recorded and dismissed, or
    accepted with `accept_dialogs` (an admin confirming "Disable Bob?")."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.page_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    page.dialogs = []  # type: ignore[attr-defined]
    page.on(
        "dialog",
        lambda dialog: (page.dialogs.append(dialog.message), dialog.accept() if accept_dialogs else dialog.dismiss()),
    )

    # Script errors, including failed promises (which "pageerror" does not report). Refused
    # requests (the 401 of /desk/api/me before logging in) are expected and not counted.
    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.page_errors.append(message.text)

    page.on("console", console)
    return page


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def log_in(page, base_url: str, email: str = "ann@example.com", name: str = "Ann") -> None:
    """Through the form, as an agent does; then wait for the live connection."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/desk/")
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.press("#login-password", "Enter")
    expect(page.locator("#agent-name")).to_have_text(name)
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "online")


def customer_says(page, text: str) -> None:
    page.fill(INPUT, text)
    page.press(INPUT, "Enter")


def wait_for_bot(page, pattern: str) -> None:
    page.locator(BOT, has_text=re.compile(pattern, re.IGNORECASE)).last.wait_for(timeout=TIMEOUT_MS)


def serious_a11y_violations(page, context=None) -> list:
    """axe-core's serious and critical findings on the page (or the part `context` selects),
    as "rule: where" lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context).response
    return [
        f"{v['id']}: {node['target']} ({node.get('failureSummary', '').splitlines()[-1:]})"
        for v in results["violations"]
        if v.get("impact") in ("serious", "critical")
        for node in v["nodes"]
    ]


def transcript_entry(page, who: str, text: str):
    return page.locator(f'#transcript [data-testid="transcript-entry"][data-who="{who}"]', has_text=text)
