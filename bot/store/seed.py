"""Load the demo shop (customers and orders) from `data/demo/shop.yml`.

Idempotent: customers are matched by email and orders by number, so seeding twice
changes nothing and never touches tickets or conversations. Dates in the file are
relative to today so the demo's "estimated delivery" is always in the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

import yaml
from sqlalchemy import select

from bot.settings import PROJECT_ROOT
from bot.store.db import create_schema, session_scope
from bot.store.models import Customer, Order, OrderItem, OrderStatus, utcnow

DEMO_FILE = PROJECT_ROOT / "data" / "demo" / "shop.yml"


@dataclass
class SeedSummary:
    customers_added: int = 0
    orders_added: int = 0
    orders_total: int = 0


def _days_ago(now: dt.datetime, days: Optional[int]) -> Optional[dt.datetime]:
    return None if days is None else now - dt.timedelta(days=int(days))


def seed(path: Path = DEMO_FILE, today: Optional[dt.datetime] = None) -> SeedSummary:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    now = (today or utcnow()).replace(microsecond=0)
    summary = SeedSummary()
    create_schema()
    with session_scope() as session:
        customers = {c.email: c for c in session.execute(select(Customer)).scalars()}
        for entry in data["customers"]:
            email = entry["email"].lower()
            if email not in customers:
                customers[email] = Customer(email=email, name=entry.get("name", ""), phone=entry.get("phone"))
                session.add(customers[email])
                summary.customers_added += 1
        existing = set(session.execute(select(Order.number)).scalars())
        for entry in data["orders"]:
            summary.orders_total += 1
            if entry["number"] in existing:
                continue
            placed = _days_ago(now, entry.get("placed_days_ago", 0))
            eta = entry.get("eta_in_days")
            address = entry.get("shipping_address", {})
            order = Order(
                number=str(entry["number"]),
                customer=customers[entry["email"].lower()],
                status=OrderStatus(entry["status"]),
                placed_at=placed,
                updated_at=placed,
                carrier=entry.get("carrier"),
                tracking_number=entry.get("tracking_number"),
                estimated_delivery=(now + dt.timedelta(days=int(eta))).date() if eta is not None else None,
                delivered_at=_days_ago(now, entry.get("delivered_days_ago")),
                currency=entry.get("currency", "USD"),
                ship_name=address.get("name", ""),
                ship_line1=address.get("line1", ""),
                ship_line2=address.get("line2"),
                ship_city=address.get("city", ""),
                ship_postal_code=str(address.get("postal_code", "")),
                ship_country=address.get("country", "US"),
                items=[
                    OrderItem(
                        sku=i["sku"],
                        name=i["name"],
                        quantity=int(i.get("quantity", 1)),
                        unit_price_cents=int(Decimal(str(i["unit_price"])) * 100),
                    )
                    for i in entry.get("items", [])
                ],
            )
            session.add(order)
            summary.orders_added += 1
    return summary


def ensure_seeded() -> Optional[SeedSummary]:
    """Create the schema and load the demo data the first time the database is used."""
    if create_schema():
        return seed()
    return None
