"""Real servers on free ports, real model, conversations over the REST channel."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def assistant(request, tmp_path_factory, model_path):
    """One running assistant shared by this module's conversations (each has its own sender)."""
    from tests.conftest import stack_factory as _unused  # noqa: F401  (fixture lives in conftest)

    yield from _module_stack(tmp_path_factory, model_path)


def _module_stack(tmp_path_factory, model_path):
    import dataclasses
    import os

    from bot import settings as settings_module
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from tests.conftest import free_port

    var = tmp_path_factory.mktemp("e2e-var")
    env = {"VAR_DIR": str(var)}
    os.environ.update(env)
    try:
        settings = dataclasses.replace(settings_module.load(), port=free_port(), actions_port=free_port())
    finally:
        os.environ.pop("VAR_DIR")
    db.configure(settings.app_database_url)
    ensure_seeded()
    with Stack(settings, model_path, env=env, log_dir=var / "logs") as stack:
        yield stack


def test_order_lookup_succeeds(assistant, chat_factory):
    chat = chat_factory(assistant)
    assert "order number" in chat.text("where is my order?").lower()
    assert "email" in chat.text("100234").lower()
    answer = chat.text("alice@example.com")
    assert "shipped" in answer
    assert "UPS" in answer
    assert "1Z999AA10123456784" in answer
    assert re.search(r"Estimated delivery: \w+day \d+ \w+", answer)


def test_order_lookup_in_one_message(assistant, chat_factory):
    chat = chat_factory(assistant)
    answer = chat.text("can you check order 100236 for carol@example.com")
    assert "delivered" in answer.lower()
    assert "Desk lamp" in answer


def test_wrong_pair_gets_the_same_answer_whether_or_not_the_order_exists(assistant, chat_factory):
    existing, unknown = chat_factory(assistant), chat_factory(assistant)
    existing.text("track order 100234")
    unknown.text("track order 999999")
    wrong_email = existing.text("bob@example.com")
    no_such_order = unknown.text("bob@example.com")
    assert "can't find an order with those details" in wrong_email
    assert wrong_email == no_such_order
    assert "1Z999AA10123456784" not in wrong_email


def test_third_failure_offers_a_ticket(assistant, chat_factory):
    chat = chat_factory(assistant)
    chat.text("where is my order")
    for attempt in range(3):
        chat.text("100234")
        answer = chat.text(f"nobody{attempt}@example.com")
    assert "open a ticket" in answer.lower()
    assert "[Yes, open a ticket]" in answer
    # Accepting the offer starts the ticket form.
    assert "what is it about" in chat.text("/open_ticket").lower()


def test_cancel_a_processing_order_after_confirmation(assistant, chat_factory):
    chat = chat_factory(assistant)
    question = chat.text("I want to cancel order 100235, my email is bob@example.com")
    assert "Do you want me to cancel it" in question
    assert "cancelled" in chat.text("yes").lower()
    # It really is cancelled now.
    assert "Status: cancelled" in chat_factory(assistant).text("status of order 100235 for bob@example.com")


def test_shipped_order_cannot_be_cancelled(assistant, chat_factory):
    chat = chat_factory(assistant)
    answer = chat.text("please cancel order 100234, email alice@example.com")
    assert "already shipped" in answer
    assert "Do you want me to cancel" not in answer


def test_open_a_ticket_then_look_it_up(assistant, chat_factory):
    chat = chat_factory(assistant)
    assert "what is it about" in chat.text("I'd like to open a support ticket").lower()
    chat.text("Lamp arrived broken")
    chat.text("The base of the desk lamp from order 100236 is cracked. I need a replacement urgently.")
    opened = chat.text("carol@example.com")
    reference = re.search(r"T-\d{6}", opened).group(0)
    assert "urgent priority" in opened

    other = chat_factory(assistant)
    other.text("what's the status of my ticket?")
    status = other.text(reference)
    assert reference in status and "open" in status
    assert "Lamp arrived broken" not in status  # a stranger doesn't see the subject
    assert "Lamp arrived broken" in chat.text(f"any update on {reference}?")


def test_a_message_the_dialogue_has_no_answer_for_still_gets_one(assistant, chat_factory):
    """A "yes" to no question, mid-conversation: never silence."""
    chat = chat_factory(assistant)
    chat.text("hi")
    chat.text("where is my order?")
    chat.text("stop")
    for text in ("yes", "😀😀😀", "注文はどこですか？"):
        assert chat.say(text), f"no answer to {text!r}"


def test_a_returning_verified_customer_is_welcomed_back_with_their_ticket_and_order(assistant, chat_factory):
    """An order lookup verified Alice's email in this conversation; when she comes back (a new
    session of the same conversation), she is greeted by name and offered her open ticket and
    latest order first; one click shows the order without asking for the email again."""
    chat = chat_factory(assistant)
    assert "Order 100234" in chat.text("where is order 100234? my email is alice@example.com")
    chat.text("I'd like to open a support ticket")
    chat.text("Hoodie too small")
    opened = chat.text("I want to exchange the hoodie for a larger size")  # the email is known: no question
    reference = re.search(r"T-\d{6}", opened).group(0)
    replies = chat.say("/session_start")
    welcome = next((r for r in replies if (r.get("text") or "").startswith("Welcome back")), None)
    assert welcome is not None, replies
    assert welcome["text"].startswith("Welcome back, Alice!")
    titles = [b["title"] for b in welcome.get("buttons") or []]
    assert "Order 100234" in titles
    assert f"Ticket {reference}" in titles and f"Your ticket {reference}" in welcome["text"]
    order = next(b for b in welcome["buttons"] if b["title"] == "Order 100234")
    answer = chat.text(order["payload"])
    assert "Order 100234" in answer and "What's the email" not in answer


def test_a_first_time_visitor_is_not_welcomed_back(assistant, chat_factory):
    chat = chat_factory(assistant)
    replies = chat.say("/session_start")
    assert not any((r.get("text") or "").startswith("Welcome back") for r in replies)
