"""A working day in the desk, in headless Chromium: canned replies with placeholders inserted with
a shortcut, the available/away switch the queue and the widget's header respect, admins disabling
an agent and resetting a password; and the widget's richer messages (order card, sender names
and avatars, times) at normal size and at 200 % zoom. axe-core checks each screen for serious
accessibility problems (labels, contrast, names, focusable controls).

Screenshots go to test-artifacts/browser/ (kept out of git).
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.chromium import LAUNCHER, PANEL, WIDGET
from tests.browser.pages import (
    PASSWORD,
    TIMEOUT_MS,
    customer_says,
    log_in,
    new_page,
    screenshot,
    serious_a11y_violations,
    wait_for_bot,
)
from tests.stack import running_assistant

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model, pytest.mark.usefixtures("desk_expect_timeout")]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    """A running assistant with one admin, Ada, and one agent, Bob."""
    from bot.desk import auth

    with running_assistant(tmp_path_factory.mktemp("desk-day-var"), model_path, {}) as stack:
        auth.add_agent("ada@example.com", "Ada Lovelace", PASSWORD, "admin")
        auth.add_agent("bob@example.com", "Bob", PASSWORD)
        yield stack


@pytest.fixture
def desk(browser, assistant):
    page = new_page(browser, 1280, 800, accept_dialogs=True)
    log_in(page, assistant.rasa_url, "ada@example.com", "Ada Lovelace")
    yield page
    assert page.page_errors == []
    page.context.close()


@pytest.fixture
def customer(browser, assistant):
    page = new_page(browser, 1200, 800)
    page.goto(f"{assistant.rasa_url}/demo")
    page.wait_for_selector(LAUNCHER)
    yield page
    assert page.page_errors == []
    page.context.close()


def header_status(page):
    return page.locator(f"{WIDGET} .sw-subtitle")


def reopen(page) -> None:
    """Close and open the widget: it asks for the team's status when it opens."""
    page.click(f"{WIDGET} .sw-close")
    page.click(LAUNCHER)
    page.wait_for_selector(PANEL, state="visible")


def test_a_morning_with_canned_replies_the_away_switch_and_an_order_card(desk, customer, assistant):
    from playwright.sync_api import expect

    # An admin adds a shared canned reply with placeholders.
    desk.click("#nav-canned")
    desk.fill("#canned-shortcut", "refund")
    desk.fill("#canned-title", "Refund on its way")
    desk.fill("#canned-text", "Hi {first_name}, the refund for order {order_number} is on its way. {agent_name}")
    expect(desk.locator("#canned-shared")).to_be_checked()
    desk.click("#canned-save")
    expect(desk.locator('[data-testid="canned-row"]', has_text="/refund")).to_be_visible()
    assert serious_a11y_violations(desk) == []
    screenshot(desk, "desk-day-01-canned-replies")

    # Away: the widget's header says nobody can answer; available again: it says so.
    desk.click("#availability-toggle")
    expect(desk.locator("#availability-text")).to_have_text("Away")
    customer.click(LAUNCHER)
    customer.wait_for_selector(PANEL, state="visible")
    expect(header_status(customer)).to_contain_text("Our team is away")
    desk.click("#availability-toggle")
    expect(desk.locator("#availability-text")).to_have_text("Available")
    reopen(customer)
    expect(header_status(customer)).to_contain_text("Our team is online")

    # The customer finds their order: a card with a "Track parcel" link, not a raw URL.
    customer_says(customer, "where is my order?")
    wait_for_bot(customer, "order number")
    customer_says(customer, "100234")
    wait_for_bot(customer, "email")
    customer_says(customer, "alice@example.com")
    card = customer.locator(f"{WIDGET} .sw-card")
    expect(card.locator(".sw-card-title")).to_have_text("Order 100234")
    expect(card.locator(".sw-card-status")).to_have_text("Shipped")
    expect(card).to_contain_text("UPS")
    track = customer.locator(f"{WIDGET} a.sw-reply", has_text="Track parcel")
    assert track.get_attribute("href").startswith("https://")
    assert "https://" not in card.inner_text()
    expect(customer.locator(f"{WIDGET} .sw-item-card .sw-time")).to_have_count(1)
    screenshot(customer, "desk-day-02-order-card")

    customer_says(customer, "I want to talk to a person")
    wait_for_bot(customer, "connecting you with a person")
    sender = customer.evaluate("window.SupportWidget.sessionId")

    # Ada claims it and answers with the canned reply: "/ref", Enter, placeholders filled.
    desk.click("#nav-queue")
    desk.locator(f'[data-testid="queue-row"][data-sender-id="{sender}"] [data-testid="queue-claim"]').click()
    expect(desk).to_have_url(re.compile(r"#/handoff/\d+$"))
    expect(desk.locator("#assign-select")).to_be_visible()  # give it to a team or an agent
    reply = desk.locator("#reply-text")
    expect(reply).to_be_enabled()
    reply.press_sequentially("/ref")
    expect(desk.locator('[data-testid="canned-option"]', has_text="/refund")).to_be_visible()
    screenshot(desk, "desk-day-03-canned-picker")
    reply.press("Enter")
    expect(reply).to_have_value("Hi Alice, the refund for order 100234 is on its way. Ada Lovelace")
    # Typing both ways: the customer sees Ada writing; Ada sees the customer writing.
    expect(customer.locator(f"{WIDGET} .sw-typing-name")).to_have_text("Ada Lovelace is typing…")
    customer.locator(f"{WIDGET} .sw-input").press_sequentially("thanks, one more")
    expect(desk.locator("#customer-typing")).to_have_text("alice@example.com is typing…")
    customer.locator(f"{WIDGET} .sw-input").fill("")
    reply.press("Enter")
    expect(reply).to_have_value("")
    wait_for_bot(customer, "the refund for order 100234 is on its way")
    from_ada = customer.locator(f"{WIDGET} .sw-item-agent", has_text="the refund for order 100234")
    expect(from_ada.locator(".sw-author")).to_have_text("Ada Lovelace · support team")
    expect(from_ada.locator(".sw-avatar-agent")).to_have_text("AL")
    assert serious_a11y_violations(desk) == []
    assert serious_a11y_violations(customer, WIDGET) == []
    screenshot(customer, "desk-day-04-agent-reply-in-widget")

    # A label on the conversation, then the list: who, channel, last message, status, labels;
    # search and filters.
    desk.fill("#labels-conversation-input", "Refund")
    desk.press("#labels-conversation-input", "Enter")
    expect(desk.locator('[data-testid="conversation-labels"] [data-testid="label"]')).to_have_text(["refund×"])
    desk.click("#nav-conversations")
    row = desk.locator(f'[data-testid="conversation-row"][data-sender-id="{sender}"]')
    expect(row).to_contain_text("alice@example.com")
    expect(row).to_contain_text("the refund for order 100234")
    expect(row).to_contain_text("Agent: Ada Lovelace")
    desk.fill("#conversations-search", "ZEBRA crossing")  # nobody wrote that: no match
    expect(desk.locator('[data-testid="conversation-row"]')).to_have_count(0)
    desk.fill("#conversations-search", "where is my order")  # in the transcript only
    expect(row).to_be_visible()
    desk.check("#conversations-mine")
    expect(row).to_be_visible()
    desk.select_option("#conversations-status", "waiting")
    expect(desk.locator('[data-testid="conversation-row"]')).to_have_count(0)
    desk.select_option("#conversations-status", "with_agent")
    expect(row).to_be_visible()
    expect(row.locator('[data-testid="label"]')).to_have_text(["refund"])
    desk.select_option("#conversations-label", "refund")
    expect(desk.locator('[data-testid="conversation-row"]')).to_have_count(1)
    assert serious_a11y_violations(desk) == []
    screenshot(desk, "desk-day-07-conversation-list")


def test_admins_disable_an_agent_and_reset_a_password(desk, assistant):
    from playwright.sync_api import expect

    from bot.desk import auth

    desk.click("#nav-agents")
    bob = desk.locator('[data-testid="agent-row"]', has_text="bob@example.com")
    bob.locator('[data-testid="agent-toggle"]').click()
    expect(bob).to_contain_text("disabled")
    assert auth.authenticate("bob@example.com", PASSWORD) is None
    expect(
        desk.locator('[data-testid="agent-row"]', has_text="ada@example.com").locator('[data-testid="agent-toggle"]')
    ).to_be_disabled()

    bob.locator('input[type="password"]').fill("a fresh password for bob")
    bob.locator('[data-testid="agent-reset"] button').click()
    expect(desk.locator("#toast")).to_contain_text("password is reset")
    bob.locator('[data-testid="agent-toggle"]').click()
    expect(bob).to_contain_text("active")
    assert auth.authenticate("bob@example.com", PASSWORD) is None
    assert auth.authenticate("bob@example.com", "a fresh password for bob") is not None
    # Teams: Bob works in billing.
    bob_id = next(a.id for a in auth.list_agents() if a.email == "bob@example.com")
    desk.check(f"#agent-{bob_id}-team-billing")
    expect(desk.locator("#toast")).to_contain_text("Bob: billing.")
    assert next(a for a in auth.list_agents() if a.id == bob_id).teams == ("billing",)
    assert serious_a11y_violations(desk) == []
    screenshot(desk, "desk-day-05-agents")


def test_the_widget_keeps_the_conversation_in_view_at_200_percent_zoom(browser, assistant):
    """200 % zoom of a 1280×800 screen is a 640×400 CSS-pixel window."""
    page = new_page(browser, 640, 400)
    try:
        page.goto(f"{assistant.rasa_url}/demo")
        page.click(LAUNCHER)
        page.wait_for_selector(PANEL, state="visible")
        customer_says(page, "what are your shipping options?")
        wait_for_bot(page, "shipping")
        sizes = page.evaluate(
            f"""() => {{
              const root = document.querySelector('{WIDGET}').shadowRoot;
              const box = (sel) => root.querySelector(sel).getBoundingClientRect();
              const launcher = getComputedStyle(root.querySelector('.sw-launcher')).display;
              return {{log: box('.sw-log').height, input: box('.sw-input').bottom, panel: box('.sw-panel').height, launcher}};
            }}"""
        )
        assert sizes["panel"] <= 400 and sizes["input"] <= 400  # nothing cut off below the window
        assert sizes["log"] >= 200  # most of the height is the conversation
        assert sizes["launcher"] == "none"  # the launcher does not cover the reply box
        assert serious_a11y_violations(page, WIDGET) == []
        screenshot(page, "desk-day-06-widget-200-percent")
        assert page.page_errors == []
    finally:
        page.context.close()


NOTIFICATION_SPY = """
  window.__notes = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) { super(title, options); window.__notes.push({title, body: (options || {}).body}); }
  };
"""


def notified(page, title: str, timeout: float = TIMEOUT_MS / 1000) -> None:
    """Wait for a browser notification (the desk's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    while not any(n["title"] == title for n in page.evaluate("window.__notes")):
        assert time.monotonic() < deadline, f"no notification {title!r}: {page.evaluate('window.__notes')}"
        page.wait_for_timeout(200)


def test_notifications_for_a_waiting_customer_and_a_reply_as_each_agent_chose(browser, assistant):
    from playwright.sync_api import expect

    desk = new_page(browser, 1280, 800)
    desk.context.grant_permissions(["notifications"], origin=assistant.rasa_url)
    desk.add_init_script(NOTIFICATION_SPY)
    customers = []
    try:
        log_in(desk, assistant.rasa_url, "ada@example.com", "Ada Lovelace")
        desk.click("#nav-tickets")  # busy elsewhere in the desk
        notes = lambda: desk.evaluate("window.__notes")  # noqa: E731

        first = new_page(browser, 1200, 800)
        customers.append(first)
        first.goto(f"{assistant.rasa_url}/demo")
        first.click(LAUNCHER)
        customer_says(first, "I want to talk to a person")
        wait_for_bot(first, "connecting you with a person")
        notified(desk, "A customer is waiting")
        assert "webchat" in next(n["body"] for n in notes() if n["title"] == "A customer is waiting")

        sender = first.evaluate("window.SupportWidget.sessionId")
        desk.click("#nav-queue")
        desk.locator(f'[data-testid="queue-row"][data-sender-id="{sender}"] [data-testid="queue-claim"]').click()
        expect(desk.locator("#reply-text")).to_be_enabled()
        desk.click("#nav-tickets")
        customer_says(first, "are you still there?")
        notified(desk, "The customer replied")
        assert next(n["body"] for n in notes() if n["title"] == "The customer replied") == "are you still there?"

        # Ada turns off "a customer starts waiting": the next one comes without a notification.
        desk.click("#notify-button")
        expect(desk.locator("#notify-permission")).to_contain_text("notifications are on")
        assert serious_a11y_violations(desk, "#notify-panel") == []
        desk.uncheck("#pref-notify_waiting")
        expect(desk.locator("#pref-notify_waiting")).not_to_be_checked()
        screenshot(desk, "desk-day-08-notification-settings")
        count = len(notes())
        second = new_page(browser, 1200, 800)
        customers.append(second)
        second.goto(f"{assistant.rasa_url}/demo")
        second.click(LAUNCHER)
        customer_says(second, "I want to talk to a person")
        wait_for_bot(second, "connecting you with a person")
        expect(desk.locator("#queue-badge")).to_have_text("1")  # the queue knows...
        assert len(notes()) == count  # ...but Ada asked not to be told
        desk.reload()
        desk.click("#notify-button")
        expect(desk.locator("#pref-notify_waiting")).not_to_be_checked()  # kept with her account
        assert desk.page_errors == []
    finally:
        for page in customers:
            page.context.close()
        desk.context.close()
