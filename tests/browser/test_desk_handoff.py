"""The agent desk in headless Chromium, next to a customer in the web widget: the whole handoff
loop with two pages in one browser (a customer context and an agent context), customer text
that looks like HTML shown as text in the desk, and (last: it adds a seeded week to the
desk's database) the admins' analytics dashboard drawing the report's numbers.

Screenshots go to test-artifacts/browser/ (kept out of git).
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.chromium import ARTIFACTS, BOT, LAUNCHER, PANEL, REPLY, WIDGET
from tests.browser.pages import (
    PASSWORD,
    customer_says,
    log_in,
    new_page,
    screenshot,
    transcript_entry,
    wait_for_bot,
)
from tests.stack import running_assistant
from tests.trackers import bot_spoke_while_paused

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.model, pytest.mark.usefixtures("desk_expect_timeout")]

XSS = "<img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    """A running assistant (action server + Rasa server with the desk) and one desk agent, Ann."""
    from bot.desk import auth

    var = tmp_path_factory.mktemp("desk-browser-var")
    with running_assistant(var, model_path, {"KB_DRAFTS_DIR": str(var / "drafts")}) as stack:
        auth.add_agent("ann@example.com", "Ann", PASSWORD)
        stack.drafts_dir = var / "drafts"  # where "Draft an article" writes (not the project's KB)
        yield stack


@pytest.fixture
def agent_page(browser, assistant):
    page = new_page(browser, 1280, 800)
    yield page
    page.context.close()


@pytest.fixture
def customer_page(browser, assistant):
    page = new_page(browser, 1200, 800)
    page.goto(f"{assistant.rasa_url}/demo")
    page.wait_for_selector(LAUNCHER)
    yield page
    page.context.close()


def ask_for_a_person(page) -> str:
    page.click(LAUNCHER)
    page.wait_for_selector(PANEL, state="visible")
    customer_says(page, "I want to talk to a person")
    wait_for_bot(page, "connecting you with a person")
    return page.evaluate("window.SupportWidget.sessionId")


def tracker(base_url: str, sender_id: str) -> dict:
    """Rasa's HTTP API, with the tests' token."""
    from tests.conftest import api_url

    with urllib.request.urlopen(api_url(base_url, f"/conversations/{sender_id}/tracker"), timeout=30) as response:
        return json.loads(response.read())


def test_agent_takes_a_widget_conversation_from_the_queue_and_hands_it_back(agent_page, customer_page, assistant):
    from playwright.sync_api import expect

    desk, customer, base = agent_page, customer_page, assistant.rasa_url

    # 1. The agent signs in through the form (a wrong password first: the error is shown).
    desk.goto(f"{base}/desk/")
    desk.fill("#login-email", "ann@example.com")
    desk.fill("#login-password", "not the password")
    desk.click("#login-submit")
    expect(desk.locator("#login-error")).to_contain_text("Wrong email or password")
    log_in(desk, base)
    expect(desk.locator("#queue-empty")).to_be_visible()
    desk.evaluate("window.__samePage = true")  # gone if anything reloads the page

    # 2. The customer asks for a person in the widget.
    sender = ask_for_a_person(customer)

    # 3. The conversation appears in the agent's queue, live.
    row = desk.locator(f'[data-testid="queue-row"][data-sender-id="{sender}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("the customer asked for a person")
    expect(row).to_contain_text("webchat")
    expect(desk.locator("#queue-badge")).to_have_text("1")
    assert desk.evaluate("window.__samePage") is True
    screenshot(desk, "desk-01-queue-live")

    row.get_by_role("link", name=re.compile("Open conversation")).click()
    expect(desk).to_have_url(re.compile(r"#/handoff/\d+$"))
    expect(transcript_entry(desk, "customer", "I want to talk to a person")).to_be_visible()
    expect(transcript_entry(desk, "bot", "connecting you with a person")).to_be_visible()
    expect(desk.locator("#context-reason")).to_contain_text("the customer asked for a person")
    expect(desk.locator("#context-summary")).to_contain_text("I want to talk to a person")
    expect(desk.locator("#reply-text")).to_be_disabled()
    expect(desk.locator("#reply-hint")).to_contain_text("Claim this conversation")
    screenshot(desk, "desk-02-conversation-before-claim")

    desk.click("#claim-button")
    expect(desk.locator("#handoff-status")).to_have_attribute("data-status", "assigned")
    expect(desk.locator("#reply-text")).to_be_enabled()
    wait_for_bot(customer, "Ann from our support team has joined")

    # 4. They talk: the customer's message arrives live, the agent's reply reaches the widget.
    customer_says(customer, "My parcel from order 100234 never arrived")
    expect(transcript_entry(desk, "customer", "My parcel from order 100234 never arrived")).to_be_visible()
    reply = desk.locator("#reply-text")
    reply.fill("Hi, I'm Ann.")
    reply.press("Shift+Enter")  # a new line, not sent
    reply.press_sequentially("Let me check that parcel for you.")
    expect(reply).to_have_value("Hi, I'm Ann.\nLet me check that parcel for you.")
    reply.press("Enter")
    expect(reply).to_have_value("")
    wait_for_bot(customer, "Let me check that parcel for you")
    # The customer can tell a person wrote it (the bot's own messages carry no such label).
    from_ann = customer.locator(f"{WIDGET} .sw-item-agent", has_text="Let me check that parcel for you")
    expect(from_ann.locator(".sw-author")).to_have_text("Ann · support team")
    expect(from_ann.locator(".sw-avatar-agent")).to_have_text("A")
    expect(from_ann.locator(".sw-time")).to_have_count(1)
    # The assistant's own messages are labelled as the assistant, never as a person.
    expect(customer.locator(f"{WIDGET} .sw-item-bot:not(.sw-item-agent) .sw-author").first).to_have_text("Assistant")
    expect(customer.locator(f"{WIDGET} .sw-item-bot:not(.sw-item-agent) .sw-avatar-agent")).to_have_count(0)
    expect(transcript_entry(desk, "agent", "Let me check that parcel for you")).to_be_visible()

    desk.fill("#note-text", "UPS claim needed")
    desk.click("#note-add")
    expect(desk.locator('#notes-list [data-testid="note"]', has_text="UPS claim needed")).to_be_visible()

    customer_says(customer, "thank you")
    expect(transcript_entry(desk, "customer", "thank you")).to_be_visible()
    screenshot(desk, "desk-03-talking")
    assert bot_spoke_while_paused(tracker(base, sender)) == []
    said_by_bot = " ".join(customer.locator(BOT).all_text_contents())
    assert "You're welcome" not in said_by_bot and "Happy to help" not in said_by_bot

    # 5. The agent hands back (with a note); the bot resumes and asks for a rating.
    desk.click("#handback-button")
    desk.fill("#handback-note", "Opened a UPS claim; refund if not found in 3 days.")
    desk.click("#handback-confirm")
    expect(desk.locator("#handoff-status")).to_have_attribute("data-status", "resolved")
    expect(desk.locator("#reply-text")).to_be_disabled()
    expect(desk.locator('#notes-list [data-testid="note"]', has_text="Opened a UPS claim")).to_be_visible()
    expect(transcript_entry(desk, "system", "Handed back to the assistant")).to_be_visible()

    wait_for_bot(customer, "Ann has handed you back to me, the virtual assistant. Is there anything else")
    customer.locator(REPLY, has_text="No, that's all").click()
    wait_for_bot(customer, "how would you rate the help you got today")
    expect(transcript_entry(desk, "bot", "how would you rate")).to_be_visible()  # the desk keeps following

    assert bot_spoke_while_paused(tracker(base, sender)) == []
    assert desk.evaluate("window.__samePage") is True
    screenshot(desk, "desk-04-handed-back")
    screenshot(customer, "desk-05-customer-widget")
    assert desk.page_errors == [] and customer.page_errors == []
    assert desk.dialogs == [] and customer.dialogs == []


def test_customer_html_is_shown_as_text_in_the_desk(agent_page, customer_page, assistant):
    from playwright.sync_api import expect

    desk, customer, base = agent_page, customer_page, assistant.rasa_url
    log_in(desk, base)
    sender = ask_for_a_person(customer)
    row = desk.locator(f'[data-testid="queue-row"][data-sender-id="{sender}"]')
    row.get_by_role("link", name=re.compile("Open conversation")).click()
    expect(transcript_entry(desk, "customer", "I want to talk to a person")).to_be_visible()

    customer_says(customer, XSS)
    live = transcript_entry(desk, "customer", XSS)  # arrives over the live stream
    expect(live).to_be_visible()
    expect(live.locator('[data-testid="message-text"]')).to_have_text(XSS)
    assert desk.locator("#transcript img").count() == 0
    assert desk.evaluate("typeof window.__xss") == "undefined"

    desk.reload()  # and rendered again from the API
    expect(transcript_entry(desk, "customer", XSS).locator('[data-testid="message-text"]')).to_have_text(XSS)
    expect(desk.locator("#context-summary")).to_be_visible()
    assert desk.locator("#view img").count() == 0
    assert desk.evaluate("typeof window.__xss") == "undefined"
    screenshot(desk, "desk-06-html-as-text")
    assert desk.page_errors == [] and desk.dialogs == []


def test_the_dashboard_draws_the_reports_numbers_for_admins_only(agent_page, assistant):
    """The seeded week (tests/analytics/seed.py) on the dashboard, for 30 Nov - 6 Dec 2026 (UTC,
    the stack's business time zone; the other tests' conversations of this module are later):
    the tiles and the charts show the figures the report computes, and "Draft an article" writes
    the group's draft."""
    from playwright.sync_api import expect

    from bot.desk import auth
    from tests.analytics import seed

    seed.seed()
    auth.add_agent("ada@example.com", "Ada", PASSWORD, role="admin")

    log_in(agent_page, assistant.rasa_url)  # Ann is an agent: no analytics
    expect(agent_page.locator("#nav-analytics-item")).to_be_hidden()
    agent_page.click("#logout-button")

    page = agent_page
    log_in(page, assistant.rasa_url, "ada@example.com", "Ada")
    page.click("#nav-analytics")
    page.select_option("#analytics-range", "custom")
    page.fill("#analytics-to", "2026-12-06")
    page.fill("#analytics-from", "2026-11-30")
    page.locator("#analytics-from").dispatch_event("change")
    expect(page.locator("#analytics-charts")).to_have_attribute("data-ready", "true")
    expect(page.locator('[data-testid="kpi-conversations"]')).to_have_text("9")  # c1-c11 but c3 and c8
    expect(page.locator('[data-testid="kpi-csat"]')).to_have_text("3.50")  # a 5 and a 2

    charts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#analytics-charts canvas')].map((c) => {
            const chart = Chart.getChart(c);
            return [c.id, {labels: chart.data.labels, datasets: chart.data.datasets.map((d) => [d.label, d.data])}];
        }))"""
    )
    report = page.evaluate("async () => (await fetch('/desk/api/analytics?since=2026-11-30&until=2026-12-07')).json()")
    days = ["11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06"]
    by_channel = dict(charts["chart-conversations"]["datasets"])
    assert charts["chart-conversations"]["labels"] == days
    assert by_channel == {
        "Slack": [0, 0, 0, 1, 0, 0, 0],
        "Telegram": [0, 0, 0, 1, 1, 0, 0],
        "Website": [0, 3, 1, 0, 0, 1, 1],
    }
    assert charts["chart-csat"]["datasets"] == [["Ratings", [0, 1, 0, 0, 1]]]
    assert dict(
        zip(charts["chart-escalations"]["labels"], charts["chart-escalations"]["datasets"][0][1], strict=True)
    ) == {
        "Customer asked": 2,
        "Frustration": 1,
    }
    containment = [None if v is None else round(v * 1000) / 10 for v in report["series"]["containment_rate"]]
    assert charts["chart-containment"]["datasets"][0][1] == containment
    assert report["totals"]["conversations"] == 9

    groups = page.locator('[data-testid="gap-group"]')
    mars = groups.filter(has_text="mars").first
    expect(mars.locator("a")).to_have_count(2)  # c7 and c4, each a link to its conversation
    expect(mars.locator('a[href="#/conversation/webchat%3Ac7"]')).to_have_count(1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-analytics.png"), full_page=True)
    mars.locator('[data-testid="draft-article"]').click()
    expect(mars.locator(".alert-info")).to_contain_text("Draft written")
    [draft] = assistant.drafts_dir.iterdir()
    assert "do you ship to mars" in draft.read_text(encoding="utf-8")
    assert page.page_errors == []
