"""Order status, tracking and cancellation (actions/orders.py)."""

from __future__ import annotations

TEXTS = {
    # ---- asking for the order ---------------------------------------------------------------
    "orders.invalid_email": {
        "en": "That doesn't look like an email address. It should look like name@example.com.",
        "ja": "メールアドレスの形式ではないようです。name@example.com のような形式でご入力ください。",
    },
    "orders.invalid_number": {
        "en": "That doesn't look like an order number. It's the 6 digits in your order "
        "confirmation email, for example 100234.",
        "ja": "ご注文番号の形式ではないようです。ご注文番号は、ご注文確認メールに記載されている"
        "6桁の数字です（例：100234）。",
    },
    "orders.locked": {
        "en": "For your security I can't look up any more orders right now. "
        "I can open a ticket and our team will help you find it.",
        "ja": "セキュリティ保護のため、現在これ以上ご注文をお調べすることができません。"
        "チケットを作成いただければ、担当者がご注文の確認をお手伝いいたします。",
    },
    # ---- the order --------------------------------------------------------------------------
    "orders.item": {"en": "{quantity} × {name}", "ja": "{name} × {quantity}"},
    "orders.heading": {
        "en": "Order {number} ({items}, {total}), placed {date}:",
        "ja": "ご注文番号 {number}（{items}、{total}）、{date}のご注文です。",
    },
    "orders.line.processing": {
        "en": "Status: processing. We're preparing it and it hasn't shipped yet, so you can still cancel it.",
        "ja": "ステータス：準備中。現在発送の準備をしており、まだ発送前のため、キャンセルいただけます。",
    },
    "orders.line.shipped": {
        "en": "Status: shipped with {carrier}.",
        "ja": "ステータス：{carrier}にて発送済みです。",
    },
    "orders.line.tracking_number": {
        "en": "Tracking number: {tracking_number}",
        "ja": "追跡番号：{tracking_number}",
    },
    "orders.line.track_here": {
        "en": "Track it here: {url}",
        "ja": "配送状況はこちらからご確認いただけます：{url}",
    },
    "orders.line.estimated_delivery": {
        "en": "Estimated delivery: {date}.",
        "ja": "お届け予定日：{date}",
    },
    "orders.line.delivered_on": {
        "en": "Status: delivered on {date} by {carrier} (tracking number {tracking_number}).",
        "ja": "ステータス：{date}に{carrier}にてお届け済みです（追跡番号 {tracking_number}）。",
    },
    "orders.line.delivered": {
        "en": "Status: delivered by {carrier} (tracking number {tracking_number}).",
        "ja": "ステータス：{carrier}にてお届け済みです（追跡番号 {tracking_number}）。",
    },
    "orders.line.cancelled": {
        "en": "Status: cancelled. If you paid, the refund goes back to your original payment method.",
        "ja": "ステータス：キャンセル済み。お支払い済みの場合は、ご購入時のお支払い方法へ返金いたします。",
    },
    "orders.line.returned": {
        "en": "Status: returned. Your return was received; the refund goes back to your original payment method.",
        "ja": "ステータス：返品済み。返品の商品を受け付けました。ご購入時のお支払い方法へ返金いたします。",
    },
    "orders.line.shipping_to": {"en": "Shipping to: {address}", "ja": "お届け先：{address}"},
    # ---- the order card's status and note (channels/cards.py draws them) ----------------------
    "orders.status.processing": {"en": "Processing", "ja": "準備中"},
    "orders.status.shipped": {"en": "Shipped", "ja": "発送済み"},
    "orders.status.delivered": {"en": "Delivered", "ja": "お届け済み"},
    "orders.status.cancelled": {"en": "Cancelled", "ja": "キャンセル済み"},
    "orders.status.returned": {"en": "Returned", "ja": "返品済み"},
    "orders.note.processing": {
        "en": "We're preparing it and it hasn't shipped yet, so you can still cancel it.",
        "ja": "現在発送の準備をしており、まだ発送前のため、キャンセルいただけます。",
    },
    "orders.note.cancelled": {
        "en": "If you paid, the refund goes back to your original payment method.",
        "ja": "お支払い済みの場合は、ご購入時のお支払い方法へ返金いたします。",
    },
    "orders.note.returned": {
        "en": "Your return was received; the refund goes back to your original payment method.",
        "ja": "返品の商品を受け付けました。ご購入時のお支払い方法へ返金いたします。",
    },
    # ---- cancelling -------------------------------------------------------------------------
    "orders.carrier_unknown": {"en": "the carrier", "ja": "配送業者"},
    "orders.not_cancellable.shipped": {
        "en": "Order {number} has already shipped with {carrier}, so it can't be cancelled any more. "
        "Once it arrives you can return it within 30 days for a full refund.",
        "ja": "ご注文番号 {number} はすでに{carrier}にて発送済みのため、キャンセルいたしかねます。"
        "お届け後30日以内であれば、返品により全額を返金いたします。",
    },
    "orders.not_cancellable.delivered": {
        "en": "Order {number} has already been delivered, so it can't be cancelled. "
        "You can return it within 30 days of delivery for a full refund.",
        "ja": "ご注文番号 {number} はすでにお届け済みのため、キャンセルいたしかねます。"
        "お届けから30日以内であれば、返品により全額を返金いたします。",
    },
    "orders.not_cancellable.cancelled": {
        "en": "Order {number} is already cancelled; there's nothing more to do.",
        "ja": "ご注文番号 {number} はすでにキャンセル済みです。これ以上のお手続きは必要ございません。",
    },
    "orders.not_cancellable.returned": {
        "en": "Order {number} has already been returned, so it can't be cancelled.",
        "ja": "ご注文番号 {number} はすでに返品済みのため、キャンセルいたしかねます。",
    },
    "orders.confirm_cancel": {
        "en": "Order {number} ({items}, {total}) hasn't shipped yet, so I can cancel it. "
        "Do you want me to cancel it now?",
        "ja": "ご注文番号 {number}（{items}、{total}）はまだ発送前のため、キャンセルが可能です。"
        "今すぐキャンセルいたしますか？",
    },
    "orders.button.cancel_yes": {"en": "Yes, cancel it", "ja": "はい、キャンセルする"},
    "orders.button.cancel_no": {"en": "No, keep it", "ja": "いいえ、キャンセルしない"},
    "orders.nothing_to_confirm": {
        "en": "There's no cancellation waiting for your confirmation. If you want to cancel an order, "
        'say "cancel my order".',
        "ja": "確認待ちのキャンセルはございません。ご注文をキャンセルされる場合は、"
        "「注文をキャンセルしたい」とお知らせください。",
    },
    "orders.cancelled": {
        "en": "Done: order {number} is cancelled. The refund of {total} "
        "goes back to your original payment method within 5 to 10 business days.",
        "ja": "ご注文番号 {number} のキャンセルが完了しました。{total} は5〜10営業日以内に、"
        "ご購入時のお支払い方法へ返金いたします。",
    },
    "orders.ask_cancel_again": {
        "en": "I haven't cancelled anything yet. Do you want me to cancel order {number} now?",
        "ja": "まだキャンセルは行っておりません。ご注文番号 {number} を今すぐキャンセルいたしますか？",
    },
    "orders.kept": {
        "en": "Okay, I haven't cancelled anything. Order {number} stays as it is.",
        "ja": "承知しました。キャンセルは行っておりません。ご注文番号 {number} はそのままとなります。",
    },
}
