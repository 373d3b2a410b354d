"""The web widget in headless Chromium: the demo page, a conversation, quick replies, a reload,
a dropped connection, the keyboard, and text that looks like HTML.

Screenshots go to test-artifacts/browser/ (kept out of git).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re

import pytest

from tests.browser.chromium import ARTIFACTS, BOT, INPUT, LAUNCHER, PANEL, REPLY, USER, WIDGET
from tests.stack import running_assistant

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model]

TIMEOUT_MS = 60_000
XSS = "<img src=x onerror=alert(1)>"
REDIS_URL = os.environ.get("SOCKETIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    # With Redis, a test can push messages to a session from outside the server (as handoff does).
    with running_assistant(
        tmp_path_factory.mktemp("browser-var"), model_path, {"SOCKETIO_REDIS_URL": REDIS_URL}
    ) as stack:
        yield stack


@pytest.fixture
def page(browser, assistant):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.page_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    page.goto(f"{assistant.rasa_url}/demo")
    page.wait_for_selector(LAUNCHER)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def send(page, text: str) -> None:
    page.fill(INPUT, text)
    page.press(INPUT, "Enter")


def shown(text: str) -> str:
    """A bubble's text without the screen-reader prefix ("You: ", "Assistant: ")."""
    return re.sub(r"^(You|Assistant):\s*", "", text)


def wait_for_bot(page, pattern: str):
    return page.locator(BOT, has_text=re.compile(pattern, re.IGNORECASE)).last.wait_for()


def test_conversation_quick_reply_and_history_after_reload(page):
    page.click(LAUNCHER)
    page.wait_for_selector(PANEL, state="visible")
    assert page.evaluate(f"document.querySelector('{WIDGET}').shadowRoot.activeElement.className") == "sw-input"
    wait_for_bot(page, "Ask me about an order")  # the page's greeting, shown before anything is sent

    send(page, "hi")
    wait_for_bot(page, "I'm the Demo Shop assistant")
    page.locator(REPLY, has_text="Track my order").wait_for()
    screenshot(page, "01-greeting-with-quick-replies")

    page.locator(REPLY, has_text="Track my order").click()
    wait_for_bot(page, "What's your order number")
    assert shown(page.locator(USER).last.text_content()) == "Track my order"  # the title, not "/check_order"
    assert page.locator(REPLY).count() == 0  # answered: the suggestions are gone
    send(page, "100234")
    wait_for_bot(page, "email address")
    send(page, "alice@example.com")
    wait_for_bot(page, "1Z999AA10123456784")
    screenshot(page, "02-order-status")

    page.reload()
    page.wait_for_selector(PANEL, state="visible")  # it was open: it stays open
    wait_for_bot(page, "1Z999AA10123456784")
    users = [shown(text) for text in page.locator(USER).all_text_contents()]
    assert users == ["hi", "Track my order", "100234", "alice@example.com"]
    assert page.locator(BOT, has_text="What's your order number").count() == 1  # no duplicates
    screenshot(page, "03-history-after-reload")
    assert page.page_errors == []


def test_html_in_messages_is_shown_as_text(page):
    page.click(LAUNCHER)
    send(page, XSS)
    bubble = page.locator(USER, has_text=XSS)
    bubble.wait_for()
    assert shown(bubble.text_content()) == XSS
    page.locator(f"{WIDGET} .sw-typing").wait_for(state="hidden")  # the assistant answered
    assert page.locator(f"{WIDGET} img").count() == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.dialogs == []
    screenshot(page, "04-html-shown-as-text")


def test_links_only_for_web_addresses(page):
    page.click(LAUNCHER)
    send(page, "see https://example.com/help and javascript:alert(1) and [x](javascript:alert(2))")
    bubble = page.locator(USER, has_text="see https://example.com/help")
    bubble.wait_for()
    links = bubble.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "https://example.com/help"
    assert links.first.get_attribute("rel") == "noopener noreferrer nofollow"


def test_keyboard_escape_focus_and_aria(page):
    page.focus(LAUNCHER)
    page.keyboard.press("Enter")
    page.wait_for_selector(PANEL, state="visible")
    launcher = page.locator(LAUNCHER)
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.locator(f"{WIDGET} .sw-log").get_attribute("role") == "log"
    assert page.locator(f"{WIDGET} .sw-log").get_attribute("aria-live") == "polite"
    assert page.locator(f"{WIDGET} .sw-close").get_attribute("aria-label") == "Close chat"
    assert page.locator(f"{WIDGET} .sw-panel").get_attribute("role") == "dialog"
    page.keyboard.press("Escape")
    page.wait_for_selector(PANEL, state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false"
    active = page.evaluate(f"document.querySelector('{WIDGET}').shadowRoot.activeElement.className")
    assert active == "sw-launcher"


def test_unread_badge_while_closed(page):
    badge = page.locator(f"{WIDGET} .sw-badge")
    assert badge.is_hidden()
    page.evaluate("window.SupportWidget.send('hi')")  # the panel stays closed
    badge.wait_for(state="visible")
    assert badge.inner_text() == "1"
    assert "1 unread" in page.locator(LAUNCHER).get_attribute("aria-label")
    screenshot(page, "05-unread-badge")
    page.click(LAUNCHER)
    badge.wait_for(state="hidden")


def test_host_page_css_does_not_reach_the_widget(page):
    page.click(LAUNCHER)
    style = page.evaluate(
        f"""() => {{
          const send = document.querySelector('{WIDGET}').shadowRoot.querySelector('.sw-send');
          const s = getComputedStyle(send);
          return {{font: s.fontFamily, border: s.borderTopStyle, transform: s.textTransform}};
        }}"""
    )
    assert "Courier" not in style["font"]
    assert style["border"] != "dashed"
    assert style["transform"] == "none"


def test_websocket_transport_in_the_browser(page):
    page.wait_for_function(f"document.querySelector('{WIDGET}').dataset.transport === 'websocket'")


def test_messages_sent_while_offline_arrive_after_reconnecting(page, assistant):
    from tests.channels.webchat_client import WidgetClient

    page.click(LAUNCHER)
    send(page, "hi")
    wait_for_bot(page, "I'm the Demo Shop assistant")
    session_id = page.evaluate("window.SupportWidget.sessionId")

    page.context.set_offline(True)
    page.wait_for_function(f"document.querySelector('{WIDGET}').dataset.connected === 'false'")

    async def other_tab() -> None:  # the same customer, in another tab, while this one is offline
        client = WidgetClient(assistant.rasa_url)
        try:
            await client.connect(session_id=session_id)
            await client.say("where is my order?")
        finally:
            await client.close()

    # Playwright's sync API owns this thread's event loop: the Socket.IO client gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, other_tab()).result(timeout=120)
    page.context.set_offline(False)
    wait_for_bot(page, "What's your order number")
    page.locator(USER, has_text="where is my order?").wait_for()
    assert page.locator(BOT, has_text="I'm the Demo Shop assistant").count() == 1
    screenshot(page, "06-caught-up-after-reconnect")


def push(session_id: str, *messages: dict) -> None:
    """Send bot messages to a widget session from outside the server (Redis), as handoff will."""

    async def deliver() -> None:
        from channels.webchat.push import redis_output

        output = redis_output(REDIS_URL)
        for message in messages:
            await output.send_response(session_id, dict(message))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, deliver()).result(timeout=30)


def test_pushed_messages_render_html_as_text_and_only_web_images(page, assistant):
    page.click(LAUNCHER)
    page.wait_for_function(f"document.querySelector('{WIDGET}').dataset.sessionId")
    session_id = page.evaluate("window.SupportWidget.sessionId")
    image = f"{assistant.rasa_url}/no-such-picture.png"
    push(
        session_id,
        {"text": "Agent <b>Sam</b> here <img src=y onerror=alert(2)>"},
        {"attachment": {"type": "image", "payload": {"src": "javascript:alert(3)"}}},
        {"image": image},
        {"text": "Pick one", "buttons": [{"title": "<i>Yes</i>", "payload": "/affirm"}]},
    )
    page.locator(REPLY, has_text="<i>Yes</i>").wait_for()
    assert page.locator(BOT, has_text="Agent <b>Sam</b> here <img src=y onerror=alert(2)>").count() == 1
    images = page.locator(f"{WIDGET} img")
    assert images.count() == 1
    assert images.first.get_attribute("src") == image
    assert images.first.get_attribute("alt")
    assert page.evaluate(f"document.querySelector('{WIDGET}').shadowRoot.querySelectorAll('b, i').length") == 0
    assert page.dialogs == []
    screenshot(page, "07-pushed-agent-messages")
