"""SQLAlchemy models for the shop and the support desk: customers, orders, tickets."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class OrderStatus(str, enum.Enum):
    processing = "processing"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"
    returned = "returned"


class TicketStatus(str, enum.Enum):
    open = "open"
    pending = "pending"  # waiting on the customer
    resolved = "resolved"
    closed = "closed"


class TicketPriority(str, enum.Enum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


def enum_column(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no native PG enum) so adding a state needs no migration.
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True, index=True)
    name = Column(String(200), nullable=False, default="")
    phone = Column(String(40))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    orders: List[Order] = relationship("Order", back_populates="customer", order_by="Order.placed_at.desc()")
    tickets: List[Ticket] = relationship("Ticket", back_populates="customer", order_by="Ticket.created_at.desc()")


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True, index=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    status = Column(enum_column(OrderStatus), nullable=False, default=OrderStatus.processing)
    placed_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    carrier = Column(String(40))
    tracking_number = Column(String(60))
    estimated_delivery = Column(Date)
    delivered_at = Column(DateTime)
    currency = Column(String(3), nullable=False, default="USD")
    ship_name = Column(String(200), nullable=False, default="")
    ship_line1 = Column(String(200), nullable=False, default="")
    ship_line2 = Column(String(200))
    ship_city = Column(String(100), nullable=False, default="")
    ship_postal_code = Column(String(20), nullable=False, default="")
    ship_country = Column(String(2), nullable=False, default="US")

    customer: Customer = relationship("Customer", back_populates="orders")
    items: List[OrderItem] = relationship(
        "OrderItem", back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )

    @property
    def total(self) -> Decimal:
        return sum((item.unit_price * item.quantity for item in self.items), Decimal("0"))

    @property
    def shipping_address(self) -> str:
        parts = [
            self.ship_name,
            self.ship_line1,
            self.ship_line2,
            self.ship_postal_code + " " + self.ship_city,
            self.ship_country,
        ]
        return ", ".join(p.strip() for p in parts if p and p.strip())


class OrderItem(Base):
    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    sku = Column(String(40), nullable=False)
    name = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit_price_cents = Column(Integer, nullable=False)  # integer cents: exact on every backend

    @property
    def unit_price(self) -> Decimal:
        return Decimal(self.unit_price_cents) / 100

    order: Order = relationship("Order", back_populates="items")


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True, index=True)
    subject = Column(String(200), nullable=False)
    description = Column(Text, nullable=False, default="")
    status = Column(enum_column(TicketStatus), nullable=False, default=TicketStatus.open)
    priority = Column(enum_column(TicketPriority), nullable=False, default=TicketPriority.normal)
    customer_id = Column(Integer, ForeignKey("customers.id"), index=True)
    email = Column(String(254), index=True)  # None: the answer goes back on the channel only
    channel = Column(String(40), nullable=False, default="rest")
    sender_id = Column(String(255), index=True)  # the Rasa conversation it came from
    order_number = Column(String(20))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    resolved_at = Column(DateTime)

    customer: Optional[Customer] = relationship("Customer", back_populates="tickets")
    messages: List[TicketMessage] = relationship(
        "TicketMessage", back_populates="ticket", cascade="all, delete-orphan", order_by="TicketMessage.id"
    )


class TicketMessage(Base):
    """A reply on a ticket: from an agent (delivered on the ticket's channel and/or by email) or the customer."""

    __tablename__ = "ticket_messages"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(20), nullable=False)  # agent | customer
    agent_id = Column(Integer)  # agents.id (no FK: agents live in the handoff module)
    agent_name = Column(String(200))
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered = Column(Boolean, nullable=False, default=False)  # on the ticket's chat channel
    delivery_error = Column(Text)
    emailed_to = Column(String(320))  # also sent by email to this address
    email_error = Column(Text)  # why the email could not be sent

    ticket: Ticket = relationship("Ticket", back_populates="messages")


def ticket_reference(ticket_id: int) -> str:
    return f"T-{ticket_id:06d}"
