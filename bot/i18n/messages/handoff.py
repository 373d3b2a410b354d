"""Handing a conversation to a person and back (actions/handoff.py, bot/handoff/texts.py,
escalation.py and runtime.py): what the customer hears from the action server and from the
Rasa server alike."""

from __future__ import annotations

TEXTS = {
    # ---- buttons ------------------------------------------------------------------------------
    "handoff.button.stop_waiting": {"en": "Stop waiting", "ja": "待つのをやめる"},
    "handoff.button.no_email": {"en": "No email, answer here", "ja": "メール不要（このチャットで回答）"},
    "handoff.button.nothing_else": {"en": "No, that's all", "ja": "いいえ、以上です"},
    # ---- why nobody can answer ({hours}: the business hours) ----------------------------------
    "handoff.not_now.closed": {
        "en": "our support team is outside business hours right now ({hours})",
        "ja": "ただいまサポートチームの営業時間外です（営業時間：{hours}）",
    },
    "handoff.not_now.no_agents": {
        "en": "no one from our support team is available right now",
        "ja": "ただいま対応できるサポート担当者がおりません",
    },
    "handoff.no_longer.closed": {
        "en": "our team is outside business hours now",
        "ja": "サポートチームの営業時間が終了しました",
    },
    "handoff.no_longer.no_agents": {
        "en": "no one from our team is available right now",
        "ja": "ただいま対応できる担当者がおりません",
    },
    # ---- asking where the answer should go -----------------------------------------------------
    "handoff.contact_email_question": {
        "en": "I'm sorry, {why}. I'll open a ticket with our whole conversation so a person can answer it. "
        "What email address should the answer go to? It will also appear here if you keep this chat open.",
        "ja": "申し訳ございません。{why}。これまでの会話内容を添えてチケットを作成し、担当者からご回答いたします。"
        "回答をお送りするメールアドレスを教えていただけますか？このチャットを開いたままにしていただければ、"
        "こちらにも回答が表示されます。",
    },
    "handoff.contact_email_again": {
        "en": "That doesn't look like an email address (it should look like name@example.com). "
        "Type it again, or choose \u201cNo email\u201d and the answer will only come here.",
        "ja": "メールアドレスの形式ではないようです（例：name@example.com）。もう一度ご入力いただくか、"
        "「メール不要」をお選びいただければ、回答はこのチャットにのみお送りします。",
    },
    # ---- the widget's header ------------------------------------------------------------------
    "handoff.team_available": {
        "en": "Our team is online · replies in about {duration}",
        "ja": "担当者が対応可能です · 返信まで約{duration}",
    },
    "handoff.team_away.closed": {
        "en": "Our team is away (hours: {hours}) · the assistant answers now",
        "ja": "担当者は営業時間外です（営業時間：{hours}） · アシスタントがすぐにお答えします",
    },
    "handoff.team_away.no_agents": {
        "en": "Our team is away right now · the assistant answers now",
        "ja": "ただいま担当者は不在です · アシスタントがすぐにお答えします",
    },
    # ---- waiting in line ----------------------------------------------------------------------
    "handoff.next_in_line": {"en": "You're next in line", "ja": "次の順番でご案内いたします"},
    "handoff.number_in_line": {
        "en": "You're number {place} in line",
        "ja": "現在{place}番目にお待ちいただいています",
    },
    "handoff.wait": {
        "en": "{ahead}; the expected wait is about {duration}.",
        "ja": "{ahead}。お待ち時間は約{duration}の見込みです。",
    },
    "handoff.queue_update": {
        "en": "{wait} Everything you write here goes to the agent.",
        "ja": "{wait}こちらにご入力いただいた内容は、すべて担当者に届きます。",
    },
    "handoff.passed_on": {
        "en": "Thanks, I've passed that on. {update}",
        "ja": "ありがとうございます。担当者にお伝えしました。{update}",
    },
    "handoff.connecting": {
        "en": "I'm connecting you with a person from our support team. They'll see our whole conversation, so you "
        "won't need to repeat anything. {wait} I'll keep you posted here.",
        "ja": "サポート担当者におつなぎします。これまでの会話内容は担当者に共有されますので、"
        "同じ内容を繰り返しご説明いただく必要はございません。{wait}状況はこちらでお知らせいたします。",
    },
    "handoff.already_waiting": {
        "en": "You're already waiting for a person from our team; they'll see everything you write here.",
        "ja": "すでに担当者への接続をお待ちいただいています。こちらにご入力いただいた内容は、すべて担当者に届きます。",
    },
    "handoff.joined": {
        "en": "{agent} from our support team has joined the conversation and can see everything so far.",
        "ja": "サポート担当の{agent}が会話に参加しました。これまでのやり取りはすべて担当者に共有されています。",
    },
    # ---- nobody can answer: a ticket instead ---------------------------------------------------
    "handoff.ticket_opened": {
        "en": "I'm sorry, {why}. I've opened ticket {reference} with our whole conversation, so you won't "
        "have to repeat anything",
        "ja": "申し訳ございません。{why}。これまでの会話内容を添えてチケット {reference} を作成しましたので、"
        "同じ内容を繰り返しご説明いただく必要はございません",
    },
    "handoff.ticket_instead_of_queue": {
        "en": "{opened}. Our team will answer right here in this chat{by_email} as soon as they can.",
        "ja": "{opened}。担当者が確認次第、このチャット{by_email}でご回答いたします。",
    },
    "handoff.by_email": {"en": " (and by email to {email})", "ja": "（および {email} 宛てのメール）"},
    "handoff.ticket_instead_of_wait": {
        "en": "{opened}; the answer will come right here in this chat.",
        "ja": "{opened}。回答はこのチャットにお届けいたします。",
    },
    # ---- the action server's own words ---------------------------------------------------------
    "handoff.frustration": {
        "en": "I'm sorry this has been frustrating. If you'd rather talk to a person, just say so.",
        "ja": "ご不便をおかけして申し訳ございません。担当者との会話をご希望の場合は、お気軽にお申し付けください。",
    },
    "handoff.handed_back": {
        "en": "{agent} has handed you back to me, the virtual assistant. Is there anything else I can help you with?",
        "ja": "担当の{agent}より、バーチャルアシスタントの私が引き継ぎました。ほかにお手伝いできることはございますか？",
    },
    "handoff.handed_back_team": {
        "en": "our support team has handed you back to me, the virtual assistant. "
        "Is there anything else I can help you with?",
        "ja": "サポートチームより、バーチャルアシスタントの私が引き継ぎました。ほかにお手伝いできることはございますか？",
    },
    "handoff.stopped_waiting": {
        "en": "Okay, you're out of the queue and back with me, the virtual assistant. What can I do for you?",
        "ja": "承知しました。待機を終了し、ここからはバーチャルアシスタントの私がご案内します。ご用件をお聞かせください。",
    },
    # ---- an agent's answer to a ticket, by email ----------------------------------------------
    "handoff.answer_mail_body": {
        "en": "Hello,\n\n{agent} from our support team answered your request {reference}:\n\n"
        "{text}\n\n"
        "You can reply to this email, or write to {support_email} quoting {reference}.\n",
        "ja": "お客様\n\nお問い合わせいただきありがとうございます。お問い合わせ {reference} について、"
        "サポート担当の{agent}よりご回答いたします。\n\n"
        "{text}\n\n"
        "このメールにご返信いただくか、{reference} を記載のうえ {support_email} までご連絡ください。\n",
    },
}
