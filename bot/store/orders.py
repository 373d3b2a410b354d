"""Order queries. An order is only ever returned for a matching number *and* email."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.store.db import session_scope
from bot.store.models import Customer, Order, OrderStatus, utcnow

ORDER_NUMBER_RE = re.compile(r"^[0-9]{6}$")  # ASCII: full-width digits are folded first
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def normalize_order_number(raw: object) -> Optional[str]:
    """'#100 234', 'order 100234.', '１００２３４' -> '100234'; None when it is not a 6-digit number."""
    if raw is None:
        return None
    digits = re.sub(r"[\s#\-.]|order|no\.?|number", "", unicodedata.normalize("NFKC", str(raw)), flags=re.IGNORECASE)
    return digits if ORDER_NUMBER_RE.match(digits) else None


def normalize_email(raw: object) -> Optional[str]:
    if raw is None:
        return None
    value = unicodedata.normalize("NFKC", str(raw)).strip().strip("<>.,;").lower()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    return value if EMAIL_RE.match(value) else None


@dataclass(frozen=True)
class ItemView:
    name: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderView:
    number: str
    email: str
    customer_name: str
    status: str
    placed_at: dt.datetime
    carrier: Optional[str]
    tracking_number: Optional[str]
    estimated_delivery: Optional[dt.date]
    delivered_at: Optional[dt.datetime]
    shipping_address: str
    currency: str
    total: Decimal
    items: Tuple[ItemView, ...]

    @property
    def cancellable(self) -> bool:
        return self.status == OrderStatus.processing.value


def _view(order: Order) -> OrderView:
    return OrderView(
        number=order.number,
        email=order.customer.email,
        customer_name=order.customer.name,
        status=order.status.value,
        placed_at=order.placed_at,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        estimated_delivery=order.estimated_delivery,
        delivered_at=order.delivered_at,
        shipping_address=order.shipping_address,
        currency=order.currency,
        total=order.total,
        items=tuple(ItemView(i.name, i.quantity, i.unit_price) for i in order.items),
    )


def _matching(session, number: str, email: str) -> Optional[Order]:
    stmt = (
        select(Order)
        .join(Customer)
        .where(Order.number == number, func.lower(Customer.email) == email.lower())
        .options(selectinload(Order.items), selectinload(Order.customer))
    )
    return session.execute(stmt).scalars().first()


def find_order(number: object, email: object) -> Optional[OrderView]:
    """The order, or None when the pair does not match (whether or not the order exists)."""
    number, email = normalize_order_number(number), normalize_email(email)
    if not number or not email:
        return None
    with session_scope() as session:
        order = _matching(session, number, email)
        return _view(order) if order else None


class CancelResult:
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"
    NOT_CANCELLABLE = "not_cancellable"


def cancel_order(number: object, email: object) -> Tuple[str, Optional[OrderView]]:
    """Cancel a processing order. Checks status inside the transaction (row lock on PG)."""
    number, email = normalize_order_number(number), normalize_email(email)
    if not number or not email:
        return CancelResult.NOT_FOUND, None
    with session_scope() as session:
        stmt = (
            select(Order)
            .join(Customer)
            .where(Order.number == number, func.lower(Customer.email) == email.lower())
            .with_for_update(of=Order)
        )
        order = session.execute(stmt).scalars().first()
        if order is None:
            return CancelResult.NOT_FOUND, None
        if order.status != OrderStatus.processing:
            return CancelResult.NOT_CANCELLABLE, _view(order)
        order.status = OrderStatus.cancelled
        order.updated_at = utcnow()
        session.flush()
        return CancelResult.CANCELLED, _view(order)


def orders_for_email(email: object, limit: int = 10) -> List[OrderView]:
    """A customer's recent orders (for agents, who see the customer's verified identity)."""
    email = normalize_email(email)
    if not email:
        return []
    with session_scope() as session:
        stmt = (
            select(Order)
            .join(Customer)
            .where(func.lower(Customer.email) == email)
            .options(selectinload(Order.items), selectinload(Order.customer))
            .order_by(Order.placed_at.desc())
            .limit(limit)
        )
        return [_view(o) for o in session.execute(stmt).scalars()]


def customer_name_for(email: object) -> Optional[str]:
    """The name on the shop account of a (verified) email, if there is one."""
    email = normalize_email(email)
    if not email:
        return None
    with session_scope() as session:
        name = session.execute(select(Customer.name).where(func.lower(Customer.email) == email)).scalar_one_or_none()
        return name or None
