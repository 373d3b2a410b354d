"""HTML in every field the desk and the widget show is rendered inert, in Chromium: the customer's
name (widget options and REST metadata), messages, a ticket's subject and description, an agent's
name, notes and replies. Nothing may run (`window.__xss` stays undefined), no element may be
created from it, and the text is shown as it was written."""

from __future__ import annotations

import re

import pytest

from bot.desk import auth
from tests.browser.chromium import ARTIFACTS, BOT, INPUT, LAUNCHER, PANEL, USER
from tests.security.support import PASSWORD, say
from tests.stack import running_assistant

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model]

XSS = "<img src=x onerror=window.__xss=1>"
XSS_SCRIPT = "<script>window.__xss=2</script>"
AGENT_NAME = "Eve<img src=x onerror=window.__xss=3>"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    with running_assistant(tmp_path_factory.mktemp("rendering"), model_path, {}) as stack:
        auth.add_agent("eve@example.com", AGENT_NAME, PASSWORD, role="admin")
        yield stack


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def _inert(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


def test_html_everywhere_is_shown_as_text(browser, assistant):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    base = assistant.rasa_url
    # The agent is online first, so the customer is queued for a person (not given a ticket).
    desk = _page(browser)
    desk.goto(f"{base}/desk/")
    desk.fill("#login-email", "eve@example.com")
    desk.fill("#login-password", PASSWORD)
    desk.press("#login-password", "Enter")
    expect(desk.locator("#agent-name")).to_have_text(AGENT_NAME)  # the agent's own name, as text
    expect(desk.locator("#connection-status")).to_have_attribute("data-state", "online")

    customer = _page(browser)
    customer.goto(f"{base}/demo")
    customer.wait_for_selector(LAUNCHER)
    customer.evaluate(f"window.SupportWidget.setCustomer({{name: {XSS!r}, email: 'x@example.com'}})")
    customer.click(LAUNCHER)
    customer.wait_for_selector(PANEL, state="visible")
    for text in (XSS, XSS_SCRIPT):
        customer.fill(INPUT, text)
        customer.press(INPUT, "Enter")
        expect(customer.locator(USER, has_text=text)).to_be_visible()
    customer.fill(INPUT, "I want to talk to a person")
    customer.press(INPUT, "Enter")
    customer.locator(BOT, has_text=re.compile("connecting you", re.I)).last.wait_for()

    # A REST customer whose name and ticket carry HTML too.
    say(assistant, "html-rest", "hi", metadata={"customer": {"name": XSS_SCRIPT}})
    say(assistant, "html-rest", "I'd like to open a support ticket")
    say(assistant, "html-rest", XSS)
    say(assistant, "html-rest", f"{XSS_SCRIPT} broke my order")
    say(assistant, "html-rest", "x@example.com")

    row = desk.locator('[data-testid="queue-row"]').first
    expect(row).to_be_visible()
    row.get_by_role("link", name=re.compile("Open conversation")).click()
    expect(desk.locator('#transcript [data-testid="message-text"]', has_text=XSS).first).to_be_visible()
    expect(desk.locator('#transcript [data-testid="message-text"]', has_text=XSS_SCRIPT).first).to_be_visible()
    expect(desk.locator("#context-customer")).to_contain_text(XSS)
    desk.click("#claim-button")
    customer.locator(BOT, has_text="from our support team has joined").last.wait_for()
    desk.fill("#reply-text", f"{XSS} an agent's reply")
    desk.press("#reply-text", "Enter")
    desk.fill("#note-text", f"{XSS_SCRIPT} a note")
    desk.click("#note-add")
    expect(desk.locator('#notes-list [data-testid="note"]', has_text="a note")).to_contain_text(XSS_SCRIPT)
    customer.locator(BOT, has_text="an agent's reply").last.wait_for()
    expect(customer.locator(BOT, has_text=AGENT_NAME).last).to_be_visible()  # "Eve<img…> from our support team…"

    desk.goto(f"{base}/desk/#/tickets")
    ticket = desk.locator("body", has_text=XSS)
    expect(ticket.first).to_be_visible()

    desk.goto(f"{base}/desk/#/conversations")
    desk.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "security-html-desk.png"))
    customer.screenshot(path=str(ARTIFACTS / "security-html-widget.png"))

    for page in (customer, desk):
        _inert(page)
    assert desk.locator("#view img").count() == 0 and desk.locator("#view script").count() == 0
    assert customer.locator("support-chat-widget img").count() == 0
    customer.context.close()
    desk.context.close()
