"""The satisfaction question at the end of a conversation, and what follows it (actions/csat.py)."""

from __future__ import annotations

TEXTS = {
    "csat.question": {
        "en": "How would you rate the help you got today, from 1 (very poor) to 5 (excellent)?",
        "ja": "本日のサポートはいかがでしたか？1（大変不満）から5（大変満足）の5段階で評価をお願いいたします。",
    },
    # The opener, then the question.
    "csat.ask": {"en": "{opener} {question}", "ja": "{opener}{question}"},
    "csat.opener.thank": {
        "en": "You're welcome! Before you go:",
        "ja": "どういたしまして。最後にひとつだけお伺いします。",
    },
    "csat.opener.goodbye": {"en": "Before you go:", "ja": "最後にひとつだけお伺いします。"},
    "csat.opener.deny": {
        "en": "Alright! Before you go:",
        "ja": "承知しました。最後にひとつだけお伺いします。",
    },
    "csat.opener.kb_feedback": {
        "en": "Glad it helped! One quick question (or just ask me something else):",
        "ja": "お役に立てて何よりです。ひとつだけお伺いします（ほかのご質問もそのままどうぞ）。",
    },
    "csat.rating.5": {"en": "5 – Excellent", "ja": "5 – 大変満足"},
    "csat.rating.4": {"en": "4 – Good", "ja": "4 – 満足"},
    "csat.rating.3": {"en": "3 – OK", "ja": "3 – 普通"},
    "csat.rating.2": {"en": "2 – Poor", "ja": "2 – 不満"},
    "csat.rating.1": {"en": "1 – Very poor", "ja": "1 – 大変不満"},
    "csat.button.skip": {"en": "Skip", "ja": "スキップ"},
    "csat.comment_prompt": {
        "en": "Thank you! Is there anything you'd like to tell us about it? Type it here, or tap Skip.",
        "ja": "ご評価ありがとうございます。ご意見やご感想がございましたら、こちらにご入力ください。"
        "特にない場合は「スキップ」を押してください。",
    },
    "csat.low_comment_prompt": {
        "en": "I'm sorry we didn't do better. A team lead will review this conversation (ticket {ticket}) and get back "
        "to you here. What went wrong? Type it here, or tap Skip.",
        "ja": "ご期待に沿えず、申し訳ございません。責任者がこの会話（チケット {ticket}）を確認し、"
        "こちらでご連絡いたします。どのような点にご不満がございましたか？こちらにご入力いただくか、"
        "「スキップ」を押してください。",
    },
    "csat.comment_thanks": {
        "en": "Thank you, I've passed that on to the team. Have a great day!",
        "ja": "ありがとうございます。いただいたご意見はチームに共有いたします。良い一日をお過ごしください。",
    },
    "csat.low_comment_thanks": {
        "en": "Thank you, I've added that to ticket {ticket}. A team lead will be in touch.",
        "ja": "ありがとうございます。チケット {ticket} に追記いたしました。責任者よりご連絡いたします。",
    },
    "csat.skipped": {
        "en": "No problem. Thanks for chatting with us, and have a great day!",
        "ja": "承知しました。ご利用ありがとうございました。良い一日をお過ごしください。",
    },
    "csat.all_done": {
        "en": "Alright! Come back any time.",
        "ja": "承知しました。またいつでもお気軽にお問い合わせください。",
    },
    "csat.youre_welcome": {"en": "You're welcome!", "ja": "どういたしまして。"},
}
