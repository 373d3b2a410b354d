"""The store on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.store.models import Order, OrderStatus
from bot.store.orders import CancelResult, cancel_order, find_order, normalize_order_number, orders_for_email
from bot.store.seed import seed
from bot.store.tickets import get_ticket, infer_priority, open_ticket, set_status, tickets_for_email


def test_demo_data_has_every_state_and_the_documented_orders(store):
    with store.session_scope() as session:
        counts = dict(session.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        total = session.execute(select(func.count(Order.id))).scalar_one()
    assert total >= 30
    assert set(counts) == set(OrderStatus)
    alice = find_order("100234", "alice@example.com")
    assert (alice.status, alice.carrier, alice.tracking_number) == ("shipped", "UPS", "1Z999AA10123456784")
    assert find_order("100235", "bob@example.com").status == "processing"
    assert find_order("100236", "carol@example.com").status == "delivered"


def test_seeding_twice_changes_nothing(store):
    summary = seed()
    assert (summary.orders_added, summary.customers_added) == (0, 0)
    assert summary.orders_total >= 30


def test_an_order_needs_number_and_email(store):
    assert find_order("100234", "bob@example.com") is None
    assert find_order("100234", None) is None
    assert find_order(None, "alice@example.com") is None
    assert find_order(" #100234 ", " ALICE@example.com ").number == "100234"


def test_cancel_only_processing_orders(store):
    assert cancel_order("100234", "alice@example.com")[0] == CancelResult.NOT_CANCELLABLE
    assert cancel_order("100235", "alice@example.com")[0] == CancelResult.NOT_FOUND
    result, order = cancel_order("100235", "bob@example.com")
    assert result == CancelResult.CANCELLED and order.status == "cancelled"
    assert cancel_order("100235", "bob@example.com")[0] == CancelResult.NOT_CANCELLABLE


def test_ticket_lifecycle(store):
    ticket = open_ticket(
        "Refund missing", "Returned it two weeks ago", "Alice@example.com", channel="slack", sender_id="s"
    )
    assert ticket.reference.startswith("T-") and len(ticket.reference) == 8
    assert ticket.email == "alice@example.com"
    assert get_ticket(ticket.reference.lower()).subject == "Refund missing"
    resolved = set_status(ticket.reference, "resolved")
    assert resolved.status == "resolved"
    assert [t.reference for t in tickets_for_email("alice@example.com")] == [ticket.reference]


def test_customer_orders_newest_first(store):
    orders = orders_for_email("alice@example.com")
    assert orders and [o.placed_at for o in orders] == sorted((o.placed_at for o in orders), reverse=True)


def test_priority_inference():
    assert infer_priority("help", "need it ASAP") == "urgent"
    assert infer_priority("Item damaged", "") == "high"
    assert infer_priority("question", "not urgent, whenever you can") == "low"
    assert infer_priority("question about sizes", "") == "normal"


def test_order_number_normalisation():
    assert normalize_order_number("order 100234") == "100234"
    assert normalize_order_number("12345") is None
