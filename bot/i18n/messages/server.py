"""What the Rasa server itself says: refusing a message (bot/intake.py) and the last-resort
"didn't get that" (bot/handoff/runtime.py, when domain.yml has no utter_default)."""

from __future__ import annotations

TEXTS = {
    "server.too_long": {
        "en": "Your message is {length:,} characters long, and I can read up to {limit:,} at a time. "
        "Could you shorten it, or send it in a few parts?",
        "ja": "お送りいただいたメッセージは{length:,}文字ありますが、一度に読み取れるのは{limit:,}文字までです。"
        "短くしていただくか、何回かに分けてお送りいただけますか？",
    },
    "server.too_fast": {
        "en": "You're sending messages faster than I can read them. Please wait {duration} and try again.",
        "ja": "メッセージの送信間隔が短いため、読み取りが追いついておりません。"
        "{duration}ほどお待ちいただいてから、もう一度お送りください。",
    },
    "server.not_understood": {
        "en": "Sorry, I didn't quite get that. Could you rephrase?",
        "ja": "申し訳ございません、うまく理解できませんでした。別の言葉で言い換えていただけますか？",
    },
}
