"""The order actions against a real database (SQLite and PostgreSQL), exact events asserted."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.orders import (
    LOCKED_TEXT,
    ActionCancelOrder,
    ActionKeepOrder,
    ActionLookupOrder,
    ActionPrepareCancellation,
    ValidateOrderStatusForm,
    extract_email,
    extract_order_number,
)
from tests.trackers import run, texts, tracker

NOT_FOUND = "I can't find an order with those details"


def test_lookup_shows_status_carrier_tracking_and_eta(store):
    events, messages = run(ActionLookupOrder(), tracker({"order_number": "100234", "email": "alice@example.com"}))
    assert events == [
        SlotSet("order_result", "found"),
        SlotSet("order_lookup_failures", 0),
        SlotSet("order_number", "100234"),
        SlotSet("email", "alice@example.com"),
        SlotSet("verified_email", "alice@example.com"),
        SlotSet("verified_by", "order 100234"),
        SlotSet("order_value", 126.0),
    ]
    answer = texts(messages)
    assert "Status: shipped with UPS." in answer
    assert "Tracking number: 1Z999AA10123456784" in answer
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in answer
    assert "Estimated delivery:" in answer


def test_lookup_email_is_case_insensitive(store):
    events, _ = run(ActionLookupOrder(), tracker({"order_number": "100234", "email": "Alice@Example.COM"}))
    assert SlotSet("order_result", "found") in events


@pytest.mark.parametrize(
    "number, email",
    [("100234", "bob@example.com"), ("999999", "alice@example.com"), ("999999", "nobody@example.com")],
    ids=["wrong email", "unknown order", "both unknown"],
)
def test_wrong_pair_same_answer_no_enumeration(store, number, email):
    events, messages = run(ActionLookupOrder(), tracker({"order_number": number, "email": email}))
    assert events == [
        SlotSet("order_result", "not_found"),
        SlotSet("order_lookup_failures", 1),
        SlotSet("email", None),
    ]
    assert messages == [{**messages[0], "response": "utter_order_not_found"}]
    assert not messages[0]["text"]  # the domain response, identical for every case


def test_third_failure_offers_a_ticket(store):
    events, messages = run(
        ActionLookupOrder(), tracker({"order_number": "100234", "email": "x@example.com", "order_lookup_failures": 2})
    )
    assert events[0] == SlotSet("order_result", "too_many_failures")
    assert SlotSet("order_lookup_failures", 3) in events
    assert messages[0]["response"] == "utter_offer_ticket_after_failures"


def _lookup(number: str, email: str, sender: str, customer: dict | None = None):
    metadata = {"customer": customer} if customer else None
    return run(
        ActionLookupOrder(), tracker({"order_number": number, "email": email}, sender_id=sender, metadata=metadata)
    )


def _locked(events, messages) -> bool:
    return events[0] == SlotSet("order_result", "too_many_failures") and LOCKED_TEXT in texts(messages)


def test_failures_are_counted_per_conversation_across_restarts(store):
    """The lock outlives the conversation's slots (what `/restart` resets)."""
    for number in ("111111", "222222", "333333", "444444", "555555", "666666"):
        _lookup(number, "x@example.com", "rest:mallory")
    events, messages = _lookup("100234", "alice@example.com", "rest:mallory")  # fresh slots, same conversation
    assert _locked(events, messages)
    assert "1Z999" not in texts(messages)
    assert messages[0]["buttons"] == [{"title": "Open a ticket", "payload": "/open_ticket"}]


def test_failures_are_counted_per_order_across_conversations(store):
    for attempt in range(5):
        _lookup("100234", f"guess{attempt}@example.com", f"rest:attacker-{attempt}")
    events, messages = _lookup("100234", "alice@example.com", "rest:someone-new")
    assert _locked(events, messages)
    # Another order is not affected.
    events, _ = _lookup("100236", "carol@example.com", "rest:someone-else")
    assert SlotSet("order_result", "found") in events


def test_failures_are_counted_per_client_address_across_conversations(store):
    customer = {"channel": "webchat", "id": "x", "address_key": "addr-1"}
    for attempt in range(20):
        _lookup(str(300000 + attempt), "x@example.com", f"session{attempt:020d}", customer)
    events, messages = _lookup("100236", "carol@example.com", "session-new-0000000000", customer)
    assert _locked(events, messages)
    other = {"channel": "webchat", "id": "y", "address_key": "addr-2"}
    events, _ = _lookup("100236", "carol@example.com", "session-other-000000000", other)
    assert SlotSet("order_result", "found") in events


def test_failures_are_counted_per_platform_user_across_conversations(store):
    """A Telegram user opening new chats (new sender ids) is still the same identity."""
    for attempt in range(6):
        customer = {"channel": "telegram", "id": "4242"}
        _lookup(str(400000 + attempt), "x@example.com", f"telegram:{-attempt - 1}", customer)
    events, messages = _lookup("100236", "carol@example.com", "telegram:-99", {"channel": "telegram", "id": "4242"})
    assert _locked(events, messages)


def test_prepare_cancellation_asks_for_confirmation(store):
    events, messages = run(ActionPrepareCancellation(), tracker({"order_number": "100235", "email": "bob@example.com"}))
    assert events[0] == SlotSet("order_result", "confirm_cancel")
    assert "Do you want me to cancel it now?" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


@pytest.mark.parametrize(
    "number, email, expected",
    [("100234", "alice@example.com", "already shipped"), ("100236", "carol@example.com", "already been delivered")],
)
def test_orders_past_processing_cannot_be_cancelled(store, number, email, expected):
    events, messages = run(ActionPrepareCancellation(), tracker({"order_number": number, "email": email}))
    assert events[0] == SlotSet("order_result", "not_cancellable")
    assert expected in messages[0]["text"]


def _confirmation_events():
    return [
        {"event": "action", "name": "action_prepare_cancellation"},
        {"event": "slot", "name": "order_result", "value": "confirm_cancel"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]


def test_cancel_after_confirmation(store):
    slots = {"order_number": "100235", "email": "bob@example.com", "order_result": "confirm_cancel"}
    events, messages = run(
        ActionCancelOrder(), tracker(slots, text="yes", intent="affirm", events=_confirmation_events())
    )
    assert events == [SlotSet("order_result", "cancelled")]
    assert "order 100235 is cancelled" in messages[0]["text"]
    assert "$119.00" in messages[0]["text"]
    # A second confirmation finds it already cancelled.
    events, messages = run(
        ActionCancelOrder(), tracker(slots, text="yes", intent="affirm", events=_confirmation_events())
    )
    assert events == [SlotSet("order_result", "not_cancellable")]
    assert "already cancelled" in messages[0]["text"]


def test_a_later_yes_never_cancels(store):
    slots = {"order_number": "100235", "email": "bob@example.com", "order_result": "confirm_cancel"}
    stale = [
        *_confirmation_events()[:3],
        {"event": "user", "text": "what can you do", "parse_data": {"intent": {"name": "capabilities"}}},
        {"event": "action", "name": "utter_capabilities"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    events, messages = run(ActionCancelOrder(), tracker(slots, text="yes", intent="affirm", events=stale))
    assert events == [SlotSet("order_result", None)]
    assert "no cancellation waiting" in messages[0]["text"]
    from bot.store.orders import find_order

    assert find_order("100235", "bob@example.com").status == "processing"


def test_keep_order():
    events, messages = run(ActionKeepOrder(), tracker({"order_number": "100235", "order_result": "confirm_cancel"}))
    assert events == [SlotSet("order_result", "found")]
    assert "Order 100235 stays as it is" in messages[0]["text"]


def test_database_failure_gets_an_apology_not_a_trace(monkeypatch):
    import actions.orders as orders

    def broken(*_args, **_kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(orders, "find_order", broken)
    events, messages = run(ActionLookupOrder(), tracker({"order_number": "100234", "email": "alice@example.com"}))
    assert events == []
    assert messages[0]["response"] == "utter_something_went_wrong"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("100234", "100234"),
        ("#100234", "100234"),
        ("it's 100 234", "100234"),
        ("order no. 100234.", "100234"),
        ("10023", None),
        ("1002345", None),
        ("100234 or 100235", None),
        ("abc", None),
    ],
)
def test_extract_order_number(raw, expected):
    assert extract_order_number(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Alice@Example.com", "alice@example.com"),
        ("it's <bob@example.com>.", "bob@example.com"),
        ("mailto:carol@example.com", "carol@example.com"),
        ("alice at example dot com", None),
        ("a@b", None),
    ],
)
def test_extract_email(raw, expected):
    assert extract_email(raw) == expected


def test_form_validation_explains_bad_values():
    validator = ValidateOrderStatusForm()
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = asyncio.run(validator.validate_order_number("my order", dispatcher, tracker(), {}))
    assert result == {"order_number": None}
    assert "6 digits" in dispatcher.messages[0]["text"]
    result = asyncio.run(validator.validate_email("alice@example.com please", CollectingDispatcher(), tracker(), {}))
    assert result == {"email": "alice@example.com"}


# ---- in Japanese (the conversation's `language` slot) ----------------------------------------


def test_lookup_in_japanese_says_everything_in_japanese_and_keeps_the_facts(store):
    from channels.cards import order_card_of, text_lines, track_button

    slots = {"order_number": "100234", "email": "alice@example.com", "language": "ja"}
    events, messages = run(ActionLookupOrder(), tracker(slots))
    assert SlotSet("order_result", "found") in events
    answer = texts(messages)
    lines = answer.splitlines()
    assert lines[0].startswith("ご注文番号 100234（") and lines[0].endswith("のご注文です。")
    assert "$" in lines[0] and "月" in lines[0] and "日(" in lines[0]  # the total as it is, the date in Japanese
    assert "ステータス：UPSにて発送済みです。" in lines
    assert "追跡番号：1Z999AA10123456784" in lines
    assert "配送状況はこちらからご確認いただけます：https://www.ups.com/track?tracknum=1Z999AA10123456784" in lines
    assert any(line.startswith("お届け予定日：") for line in lines)
    assert lines[-1].startswith("お届け先：")
    assert "Status" not in answer and "Estimated" not in answer

    # The card the channels draw: Japanese values and labels, the same facts.
    card = order_card_of({"custom": messages[0]["custom"]})
    assert (card["status"], card["status_text"], card["lang"]) == ("shipped", "発送済み", "ja")
    assert text_lines(card)[0] == "ご注文番号 100234：発送済み"
    assert "追跡番号：1Z999AA10123456784" in text_lines(card)
    assert track_button(card)[0]["title"] == "配送状況を確認"


def test_cancellation_in_japanese_keeps_the_payloads(store):
    slots = {"order_number": "100235", "email": "bob@example.com", "language": "ja"}  # processing
    _, [message] = run(ActionPrepareCancellation(), tracker(slots))
    assert message["text"].startswith("ご注文番号 100235（")
    assert message["text"].endswith("今すぐキャンセルいたしますか？")
    assert message["buttons"] == [
        {"title": "はい、キャンセルする", "payload": "/affirm"},
        {"title": "いいえ、キャンセルしない", "payload": "/deny"},
    ]
    slots = {"order_number": "100236", "email": "carol@example.com", "language": "ja"}  # delivered
    _, [message] = run(ActionPrepareCancellation(), tracker(slots))
    assert message["text"].startswith("ご注文番号 100236 はすでにお届け済みのため、キャンセルいたしかねます。")
