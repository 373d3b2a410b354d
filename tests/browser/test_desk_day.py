"""A working day in the desk, in headless Chromium: canned replies with placeholders inserted with
a shortcut, the available/away switch the queue and the widget's header respect, admins disabling
an agent and resetting a password; and the widget's richer messages (order card, sender names
and avatars, times) at normal size and at 200 % zoom. axe-core checks each screen for serious
accessibility problems (labels, contrast, names, focusable controls).

Screenshots go to test-artifacts/browser/ (kept out of git).
"""

from __future__ import annotations

import re

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

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module", autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


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
    reply = desk.locator("#reply-text")
    expect(reply).to_be_enabled()
    reply.press_sequentially("/ref")
    expect(desk.locator('[data-testid="canned-option"]', has_text="/refund")).to_be_visible()
    screenshot(desk, "desk-day-03-canned-picker")
    reply.press("Enter")
    expect(reply).to_have_value("Hi Alice, the refund for order 100234 is on its way. Ada Lovelace")
    reply.press("Enter")
    expect(reply).to_have_value("")
    wait_for_bot(customer, "the refund for order 100234 is on its way")
    from_ada = customer.locator(f"{WIDGET} .sw-item-agent", has_text="the refund for order 100234")
    expect(from_ada.locator(".sw-author")).to_have_text("Ada Lovelace · support team")
    expect(from_ada.locator(".sw-avatar-agent")).to_have_text("AL")
    assert serious_a11y_violations(desk) == []
    assert serious_a11y_violations(customer, WIDGET) == []
    screenshot(customer, "desk-day-04-agent-reply-in-widget")


def test_admins_disable_an_agent_and_reset_a_password(desk, assistant):
    from playwright.sync_api import expect

    from bot.desk import auth

    desk.click("#nav-agents")
    bob = desk.locator('[data-testid="agent-row"]', has_text="bob@example.com")
    bob.locator('[data-testid="agent-toggle"]').click()
    expect(bob).to_contain_text("disabled")
    assert auth.authenticate("bob@example.com", PASSWORD) is None
    expect(desk.locator('[data-testid="agent-row"]', has_text="ada@example.com").locator('[data-testid="agent-toggle"]')).to_be_disabled()

    bob.locator('input[type="password"]').fill("a fresh password for bob")
    bob.locator('[data-testid="agent-reset"] button').click()
    expect(desk.locator("#toast")).to_contain_text("password is reset")
    bob.locator('[data-testid="agent-toggle"]').click()
    expect(bob).to_contain_text("active")
    assert auth.authenticate("bob@example.com", PASSWORD) is None
    assert auth.authenticate("bob@example.com", "a fresh password for bob") is not None
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
