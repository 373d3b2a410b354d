"""The application database: customers, orders and tickets (and later handoffs and feedback)."""
