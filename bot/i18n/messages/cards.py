"""The order card's labels (channels/cards.py: the widget, Slack and Telegram draw it)."""

from __future__ import annotations

TEXTS = {
    "card.title": {"en": "Order {number}", "ja": "ご注文番号 {number}"},
    "card.line": {"en": "{label}: {value}", "ja": "{label}：{value}"},
    "card.track": {"en": "Track parcel", "ja": "配送状況を確認"},
    "card.label.items": {"en": "Items", "ja": "商品"},
    "card.label.total": {"en": "Total", "ja": "合計"},
    "card.label.placed": {"en": "Placed", "ja": "ご注文日"},
    "card.label.carrier": {"en": "Carrier", "ja": "配送業者"},
    "card.label.tracking_number": {"en": "Tracking number", "ja": "追跡番号"},
    "card.label.estimated_delivery": {"en": "Estimated delivery", "ja": "お届け予定日"},
    "card.label.delivered": {"en": "Delivered", "ja": "お届け日"},
    "card.label.ship_to": {"en": "Shipping to", "ja": "お届け先"},
}
