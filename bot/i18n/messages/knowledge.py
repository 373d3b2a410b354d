"""Answers from the help centre and the customer's reaction to them (actions/knowledge.py).

The articles themselves come from knowledge_base/ in the language they are written in; these
are only the words around them.
"""

from __future__ import annotations

TEXTS = {
    "kb.source": {"en": "Source: {source}", "ja": "参考記事：{source}"},
    "kb.see_also": {"en": "See also: {source}", "ja": "関連記事：{source}"},
    # A Japanese question answered from an English article (no Japanese edition yet).
    "kb.english_only": {
        "en": "(This article is only available in English.)",
        "ja": "※この記事は現在英語版のみのため、英語でご案内します。",
    },
    "kb.was_helpful": {"en": "Was this helpful?", "ja": "この回答はお役に立ちましたか？"},
    "kb.was_helpful_can_do": {
        "en": "Was this helpful? I can also do it for you.",
        "ja": "この回答はお役に立ちましたか？こちらでお手続きすることもできます。",
    },
    "kb.was_answer_helpful": {"en": "Was the answer helpful?", "ja": "回答はお役に立ちましたか？"},
    "kb.did_you_mean_many": {
        "en": "Did you mean one of these?",
        "ja": "お探しの内容は、次のうちどれでしょうか？",
    },
    "kb.did_you_mean_one": {"en": "Did you mean this?", "ja": "お探しの内容はこちらでしょうか？"},
    "kb.button.none_of_these": {"en": "None of these", "ja": "どれも当てはまらない"},
    "kb.button.read": {"en": "Read: {title}", "ja": "記事を読む：{title}"},
    "kb.no_answer": {
        "en": "Sorry, I couldn't find anything about that in our help centre. "
        "I can open a ticket for our support team, or connect you with a person.",
        "ja": "申し訳ございません。ヘルプセンターに該当する情報が見つかりませんでした。"
        "サポートチームへのチケットを作成するか、担当者におつなぎすることができます。",
    },
    "kb.none_of_these": {
        "en": "Sorry I couldn't find the right article. "
        "I can open a ticket for our support team, or connect you with a person.",
        "ja": "適切な記事をご案内できず、申し訳ございません。"
        "サポートチームへのチケットを作成するか、担当者におつなぎすることができます。",
    },
    "kb.unhelpful": {
        "en": "Sorry about that — I can open a ticket or get you a person.",
        "ja": "お役に立てず申し訳ございません。チケットを作成するか、担当者におつなぎすることができます。",
    },
    "kb.helpful": {
        "en": "Glad it helped! Anything else I can do for you?",
        "ja": "お役に立てて何よりです。ほかにお手伝いできることはございますか？",
    },
    # ---- what the assistant can also do: a button, and "do this, or read that?" ---------------
    "kb.offer.check_order.button": {"en": "Check my order", "ja": "注文を確認"},
    "kb.offer.cancel_order.button": {"en": "Cancel an order", "ja": "注文をキャンセル"},
    "kb.offer.open_ticket.button": {"en": "Open a ticket", "ja": "チケットを作成"},
    "kb.offer.ticket_status.button": {"en": "Check a ticket", "ja": "チケットを確認"},
    "kb.offer.check_order.clarify": {
        "en": "Do you want me to check your order, or to read \u201c{title}\u201d?",
        "ja": "ご注文の状況をお調べしましょうか？それとも「{title}」をご覧になりますか？",
    },
    "kb.offer.cancel_order.clarify": {
        "en": "Do you want me to cancel an order, or to read \u201c{title}\u201d?",
        "ja": "ご注文のキャンセルをお手伝いしましょうか？それとも「{title}」をご覧になりますか？",
    },
    "kb.offer.open_ticket.clarify": {
        "en": "Do you want me to open a ticket for our team, or to read \u201c{title}\u201d?",
        "ja": "サポートチームへのチケットを作成しましょうか？それとも「{title}」をご覧になりますか？",
    },
    "kb.offer.ticket_status.clarify": {
        "en": "Do you want me to check on your ticket, or to read \u201c{title}\u201d?",
        "ja": "チケットの状況をお調べしましょうか？それとも「{title}」をご覧になりますか？",
    },
}
