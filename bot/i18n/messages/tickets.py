"""Opening support tickets and checking on them (actions/tickets.py)."""

from __future__ import annotations

TEXTS = {
    "tickets.ask_subject_again": {
        "en": "Could you say in a few words what the ticket is about?",
        "ja": "どのようなお問い合わせか、簡単にお聞かせいただけますか？",
    },
    "tickets.ask_description_again": {
        "en": "A little more detail helps our team solve it on the first reply. What happened?",
        "ja": "もう少し詳しくお聞かせいただけると、担当者が最初のご返信で解決しやすくなります。"
        "どのような状況でしょうか？",
    },
    "tickets.invalid_reference": {
        "en": "That doesn't look like a ticket reference. It looks like T-000123.",
        "ja": "チケット番号の形式ではないようです。チケット番号は T-000123 のような形式です。",
    },
    # ---- a new ticket -------------------------------------------------------------------------
    "tickets.opened": {
        "en": 'I\'ve opened ticket {reference}: "{subject}" with {priority} priority ({how}). '
        "Our team will reply to {email}, usually within one business day. "
        "You can ask me about {reference} any time.",
        "ja": "チケット {reference}「{subject}」を作成しました。優先度は「{priority}」です（{how}）。"
        "通常1営業日以内に、担当者より {email} 宛てにご連絡いたします。"
        "{reference} の状況は、いつでもこちらでお尋ねいただけます。",
    },
    "tickets.priority_how.asked": {"en": "as you asked", "ja": "ご指定のとおり"},
    "tickets.priority_how.inferred": {
        "en": "based on what you wrote",
        "ja": "お問い合わせの内容から判断しました",
    },
    "tickets.priority.low": {"en": "low", "ja": "低"},
    "tickets.priority.normal": {"en": "normal", "ja": "通常"},
    "tickets.priority.high": {"en": "high", "ja": "高"},
    "tickets.priority.urgent": {"en": "urgent", "ja": "緊急"},
    # ---- a ticket's status --------------------------------------------------------------------
    "tickets.state.open": {"en": "open and waiting for our team", "ja": "受付済みで、担当者の対応待ち"},
    "tickets.state.pending": {"en": "waiting for a reply from you", "ja": "お客様からのご返信待ち"},
    "tickets.state.resolved": {"en": "resolved", "ja": "解決済み"},
    "tickets.state.closed": {"en": "closed", "ja": "クローズ済み"},
    "tickets.subject_part": {"en": ' ("{subject}")', "ja": "（「{subject}」）"},
    "tickets.status_line": {
        "en": "Ticket {reference}{subject} is {state}. Priority: {priority}. Opened {opened}, last updated {updated}.",
        "ja": "チケット {reference}{subject}は{state}です。優先度：{priority}。作成：{opened}、最終更新：{updated}。",
    },
    "tickets.check_email": {
        "en": " Please check the email we sent.",
        "ja": "お送りしたメールをご確認ください。",
    },
    "tickets.check_email_to": {
        "en": " Please check the email we sent to {email}.",
        "ja": "{email} 宛てにお送りしたメールをご確認ください。",
    },
    # ---- how long ago -------------------------------------------------------------------------
    "tickets.ago.just_now": {"en": "just now", "ja": "たった今"},
    "tickets.ago.day.one": {"en": "{count} day ago", "ja": "{count}日前"},
    "tickets.ago.day.other": {"en": "{count} days ago", "ja": "{count}日前"},
    "tickets.ago.hour.one": {"en": "{count} hour ago", "ja": "{count}時間前"},
    "tickets.ago.hour.other": {"en": "{count} hours ago", "ja": "{count}時間前"},
    "tickets.ago.minute.one": {"en": "{count} minute ago", "ja": "{count}分前"},
    "tickets.ago.minute.other": {"en": "{count} minutes ago", "ja": "{count}分前"},
}
