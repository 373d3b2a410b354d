"""Welcoming a returning customer at the start of a new conversation (actions/returning.py)."""

from __future__ import annotations

TEXTS = {
    "session.welcome_back": {"en": "Welcome back!", "ja": "またのご利用ありがとうございます。"},
    "session.welcome_back_name": {
        "en": "Welcome back, {name}!",
        "ja": "{name}様、またのご利用ありがとうございます。",
    },
    "session.open_ticket": {
        "en": "Your ticket {reference} (\u201c{subject}\u201d) is still {status}.",
        "ja": "チケット {reference}（「{subject}」）は、現在も{status}です。",
    },
    "session.ticket_status.open": {"en": "open", "ja": "対応中"},
    "session.ticket_status.pending": {"en": "pending", "ja": "お客様からのご返信待ち"},
    "session.latest_order": {
        "en": "Your latest order, {number}, {status}.",
        "ja": "最新のご注文（ご注文番号 {number}）は{status}。",
    },
    "session.order_status.processing": {"en": "is being prepared", "ja": "発送の準備中です"},
    "session.order_status.shipped": {"en": "is on its way", "ja": "配送中です"},
    "session.order_status.delivered": {"en": "was delivered", "ja": "お届け済みです"},
    "session.order_status.cancelled": {"en": "was cancelled", "ja": "キャンセルされました"},
    "session.order_status.returned": {"en": "was returned", "ja": "返品済みです"},
    "session.how_can_i_help": {
        "en": "How can I help today?",
        "ja": "本日はどのようなご用件でしょうか？",
    },
    "session.button.ticket": {"en": "Ticket {reference}", "ja": "チケット {reference}"},
    "session.button.order": {"en": "Order {number}", "ja": "ご注文 {number}"},
}
