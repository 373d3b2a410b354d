"""A client written for Rasa's own socketio protocol, in the browser: rasa-webchat 1.0.1 (vendored
under tests/browser/vendor/ with its Apache-2.0 licence; loaded from disk, never downloaded).

It gets one-argument `bot_uttered` payloads (id and time in `metadata`), its Markdown keeps our
line breaks (an order's lines stay lines), and a reply sent while its page was away (a reload)
is sent again when it comes back, since it keeps its own copy of the conversation and never reads
our `history` event.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.pages import new_page
from tests.stack import running_assistant

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model]

VENDOR = Path(__file__).parent / "vendor" / "rasa-webchat-1.0.1.js"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>rasa-webchat</title></head><body>
<div id="webchat"></div>
<script src="/rw-test/rasa-webchat.js"></script>
<script>
  WebChat.default({selector: "#webchat", socketUrl: location.origin, socketPath: "/socket.io/",
                   customData: {language: "en"}, title: "Support", params: {storage: "local"}}, null);
</script></body></html>"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    with running_assistant(tmp_path_factory.mktemp("rasa-webchat"), model_path, {}) as stack:
        yield stack


@pytest.fixture
def page(browser, assistant):
    page = new_page(browser, 1200, 800)
    # The test page and the widget's script, served at the assistant's origin (no CORS involved).
    page.route(f"{assistant.rasa_url}/rw-test.html", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
    page.route(
        f"{assistant.rasa_url}/rw-test/rasa-webchat.js",
        lambda route: route.fulfill(body=VENDOR.read_bytes(), content_type="application/javascript"),
    )
    page.goto(f"{assistant.rasa_url}/rw-test.html")
    yield page
    page.context.close()


def say(page, text: str) -> None:
    page.fill(".rw-new-message", text)
    page.press(".rw-new-message", "Enter")


def test_rasa_webchat_talks_keeps_line_breaks_and_gets_what_it_missed(page, assistant):
    from playwright.sync_api import expect

    page.click(".rw-launcher")
    say(page, "hi")
    expect(page.locator(".rw-response", has_text="Demo Shop assistant")).to_be_visible(timeout=60_000)

    say(page, "where is order 100234? my email is alice@example.com")
    order = page.locator(".rw-response", has_text="Order 100234")
    expect(order).to_be_visible(timeout=60_000)
    # One line per fact, as written: "Items: …", "Total: …", "Carrier: UPS" (Markdown would join them).
    assert order.locator("br").count() >= 4, order.inner_html()
    expect(page.locator(".rw-reply", has_text="Track parcel")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rasa-webchat-01-order.png"))

    # A person takes over; the page goes away (a reload, a closed tab) and the agent's answer
    # is sent meanwhile: it is there when the page comes back, once.
    from bot.desk import auth
    from tests.handoff.desk_client import Desk

    auth.add_agent("ann@example.com", "Ann", "correct horse battery staple")
    desk = Desk(assistant.rasa_url)
    assert desk.login("ann@example.com", "correct horse battery staple").status_code == 200
    say(page, "I want to talk to a person")
    expect(page.locator(".rw-response", has_text="connecting you with a person")).to_be_visible(timeout=60_000)
    session_id = page.evaluate("JSON.parse(localStorage.getItem('chat_session')).session_id")
    handoff = desk.handoff_for(session_id)
    assert desk.post(f"/handoffs/{handoff['id']}/claim").status_code == 200
    expect(page.locator(".rw-response", has_text="Ann from our support team has joined")).to_be_visible()
    page.goto("about:blank")
    time.sleep(1.0)  # the server notices the socket went away
    sent = desk.post(f"/handoffs/{handoff['id']}/messages", {"text": "Sent while you were away: it ships today."})
    assert sent.status_code == 201
    page.goto(f"{assistant.rasa_url}/rw-test.html")
    expect(page.locator(".rw-response", has_text="Sent while you were away")).to_be_visible(timeout=30_000)
    expect(page.locator(".rw-response", has_text="Sent while you were away")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "rasa-webchat-02-missed-reply.png"))
    # Chromium logs a failed WebSocket attempt while the page comes back (its local-network
    # checks on the reload); script errors are what must not happen.
    assert [e for e in page.page_errors if "WebSocket connection to" not in e] == []
