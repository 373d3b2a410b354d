"""How a message is phrased: a question about how things work, or a request to act.

The intent model knows *what* a message is about (cancelling, tracking, tickets) but not
whether the customer asks how it works ("how does cancelling an order work?") or asks us to do
it ("cancel my order"): both are full of the same words. These cues tell the two apart for the
router (bot/nlu/routing.py). They are deliberately plain patterns, each bounded and linear in the
text's length (customer text is hostile input). English and Japanese have cues of their own
(the `_JA_*` patterns): Japanese drops "my" and marks a question with か/？, a request with
ください/たい/お願い.

- `asks_how`: a general question about a policy or a procedure ("how long…", "is there…",
  "can an order…", "what does … mean", ", does the guarantee cover it").
- `asks_us`: an explicit request ("please", "can you", "I want/need/'d like", an imperative
  action verb opening a clause).
- `evidence(intent, text)`: the words of that very action ("cancel it", "open a ticket",
  "status of my ticket"; for an order's status, about the customer's own order: "where is my
  order", "I ordered on Monday and nothing has arrived"); `mentions_own`: "my", "what I bought".
"""

from __future__ import annotations

import re
from typing import Dict, Pattern

from bot.i18n.detect import has_japanese

_FLAGS = re.IGNORECASE

# A clause starts at the beginning, or after a comma, "and", "but", "so", "?" or "." (bounded).
_CLAUSE = r"(?:^|[,.;!?]\s{0,3}|\b(?:and|but|so|then)\s{1,3})"

_HOW = re.compile(
    _CLAUSE + r"(?:how\s(?:do|does|did|can|could|should|long|much|many|often|soon|quickly|fast)"
    r"|what(?:'s|\sis|\sare)\s(?:your|the\s(?:policy|process|procedure|rule|deadline|price|cost|fee)s?)"
    r"|what\s(?:does|do|happens|if|kind|kinds|sort|types?)|what\s\w{1,20}\s(?:is|are|do|does|can|will)"
    r"|what\swould|which\s\w{1,20}\s(?:do|does|can|are|is)"
    r"|is\s(?:it|there|this|that|normal|my\s\w{1,20}\s(?:covered|eligible))"
    r"|are\s(?:there|your|you\s(?:open|available|closed|around|based))"
    r"|do\s(?:you|i|we)|does\s(?:it|the|this|that|your|a|an)|did\s(?:you|it)"
    r"|can\s(?:i|an?|the|my|gift|someone\selse|it|you\s(?:deliver|ship|send|gift|match|beat))|could\si|may\si|should\si|will\s(?:i|it|the|my\s\w{1,20}\sbe)"
    r"|where\s(?:can|do|should)\si|when\s(?:do|does|will|is|are)|why\b|who\b)\b",
    _FLAGS,
)
_MEANS = re.compile(r"\b(?:mean|means|meaning|normal|allowed|possible|covered|eligible|policy)\b", _FLAGS)

_US = re.compile(
    r"\b(?:please|pls|plz|can\syou|could\syou|would\syou|will\syou|can\su|i\s(?:want|need|would\slike|'d\slike|wanna)"
    r"|i'd\slike|i\swould\slike|help\sme|let\sme|get\sme|i\sdon'?t\swant|i\sno\slonger\swant)\b",
    _FLAGS,
)
_IMPERATIVE = re.compile(
    _CLAUSE
    + r"(?:cancel|track|check|open|raise|log|file|create|start|stop|delete|remove|kill|scrap|undo|refund|replace"
    r"|send|fix|sort|look\sinto|find|show|tell|connect|get|give|call\soff|submit|report|escalate)\b",
    _FLAGS,
)

_MINE = re.compile(
    r"\b(?:my|mine|our|i\s(?:ordered|bought|placed|purchased|got)|what\si\s(?:bought|ordered)|the\sorder\si)\b", _FLAGS
)
_THING = re.compile(
    r"\b(?:orders?|package|parcel|delivery|deliveries|stuff|purchases?|shipment|items?|things|box|ordered|bought)\b",
    _FLAGS,
)
_WORDS: Dict[str, Pattern[str]] = {
    "check_order": re.compile(
        r"\b(?:where|status|track\w{0,3}|arriv\w{0,3}|ship(?:ped)?|deliver(?:ed)?|on\s(?:its|the)\sway|going\son"
        r"|when\s(?:will|does|is)|eta|late|delay\w{0,2}|left|sent\sout|lands?|close|come|progress|update\w?|yet)\b",
        _FLAGS,
    ),
    "cancel_order": re.compile(
        r"\b(?:cancel\w{0,4}|call\soff|undo|kill|scrap|delete|remove|stop|get\srid\sof"
        r"|(?:don'?t|do\snot|no\slonger)\swant)\b.{0,40}\b(?:orders?|purchases?|it|this|that|everything"
        r"|what\si\s(?:bought|ordered))\b",
        _FLAGS,
    ),
    "open_ticket": re.compile(
        r"\b(?:ticket|complain\w{0,4}|log\s(?:an?\s)?(?:issue|problem)|raise\s(?:an?\s)?(?:issue|case|ticket)"
        r"|look\sinto|sort\s(?:it|this|that)\sout|fix(?:ed)?|replace\w{0,4}|send\sthe\sright|report\s(?:an?\s)?\w{0,20}"
        r"|escalate|submit\s(?:an?\s)?(?:complaint|issue|request))\b",
        _FLAGS,
    ),
    "ticket_status": re.compile(
        r"(?:\b(?:status|update|news|progress|reply|replied|answer\w{0,2}|still\sopen|sorted|resolved|follow\w{0,3}\sup)\b"
        r".{0,40}\b(?:ticket|case|request|complaint|issue)\b|\b(?:ticket|case|request|complaint)\b.{0,40}\b(?:status"
        r"|update|news|progress|reply|replied|still\sopen|sorted|resolved)\b|\bt-?\d{6}\b)",
        _FLAGS,
    ),
}
# Checking an order is about the customer's own order; the other actions say so in their words.
_NEEDS_OWN_THING = {"check_order"}

# Japanese. A general question: how / how long / how much / what is / is it possible, or a
# policy word with a question ending.
_JA_HOW = re.compile(
    r"(?:どう(?:やって|すれば|したら|いう)|どの(?:くらい|ぐらい|ように|よう|方法)|どれ(?:くらい|ぐらい)|いくら"
    r"|何(?:日|営業日|週間|時間|円|ドル|が|を|で|の)|なん(?:にち|で)|いつ(?:まで|から|頃|ごろ)|方法|手順|やり方|仕方"
    r"|とは|って(?:何|なに|どういう)|(?:でき|出来)(?:ます|る)(?:か|の|？|\?)|可能(?:です)?(?:か|？|\?)|ありますか"
    r"|(?:条件|規約|ポリシー|対象|期限|期間|料金|送料|費用|手数料)(?:は|って|を)|(?:ため)?には[？?]?$|場合は|ってある|ってあります"
    r"|どこ(?:で|から|に)(?:確認|見|調べ|申し込|手続))"
)
# A question word in a message that ends as a question (ランプの保証は何年？).
# ("where is it", 「どこですか」, and "how is it going", 「どうなっていますか」, ask about the
# customer's own order, as in English: not general questions.)
_JA_WH = re.compile(r"(?:何|なに|なん|いつ|どの|どれ|誰|だれ|いくら|なぜ)")
_JA_QUESTION_END = re.compile(r"(?:[？?]|か[。]?|の[？?]?)\s*$")
_JA_REQUEST = re.compile(
    r"(?:ください|下さい|くださいませんか|して(?:ほしい|欲しい|もらえ|もらい|いただけ|頂け)|お願い|おねがい|頼む|たのむ"
    r"|(?:し|き|み|べ|め|け|せ|え|れ|げ|び)たい(?:です|んです|のですが|んだけど|の|。|！|$|\s|、)|ちょうだい|してくれ)"
)
_JA_MINE = re.compile(
    r"(?:私の|わたしの|僕の|ぼくの|自分の|うちの|俺の|こちらの|注文した|頼んだ|買った|購入した|届いた|届く予定|注文番号|オーダー番号"
    r"|送った|出した|申し込んだ|問い合わせた)"
)
_JA_THING = re.compile(
    r"(?:注文|オーダー|荷物|にもつ|商品|品物|小包|配達物|購入品|パッケージ|届け物|買った物|買ったもの)"
)
_JA_WORDS: Dict[str, Pattern[str]] = {
    "check_order": re.compile(
        # "not arrived" (届かない, 届いていない), not "arrived" (届いた: a damaged or wrong item)
        r"(?:どこ|状況|ステータス|追跡|届か|届いてな|届いていな|届きませ|とどか|まだ(?:来|こ|届)|来(?:ない|ません)|いつ(?:届|着|来)"
        r"|(?:発送|出荷)(?:され|済)|配送状況|配達状況|遅れ|遅い|確認したい|調べて)"
    ),
    "cancel_order": re.compile(
        r"(?:キャンセル|取り消|取消|とりけし|やめ(?:たい|ます|て)|止めて|いらなくな|要らなくな|不要にな)"
    ),
    "open_ticket": re.compile(
        r"(?:チケット(?:を)?(?:作|発行|起票|切|登録|上げ|立て|お願い)|問い合わせ(?:を)?(?:作|登録|したい)|苦情|クレーム|報告したい"
        r"|対応して|調べて(?:ほしい|欲しい|もらえ|ください)|交換して|直して|不具合|壊れて(?:い|た)|破損)"
    ),
    "ticket_status": re.compile(
        r"(?:(?:チケット|問い合わせ|問合せ|お問い合わせ|依頼|申請|ケース|苦情|クレーム).{0,20}(?:状況|進捗|返事|返信|回答|どうなっ|その後|まだ)"
        r"|(?:[TtＴｔ][-－‐]?[0-9０-９]{6}))"
    ),
}


def foreign_script(text: str) -> bool:
    """Letters, and none of them Latin or Japanese: a language the intent model was not trained
    on (its guesses for Arabic or Korean are noise)."""
    if has_japanese(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any("a" <= c.lower() <= "z" or "\u00c0" <= c <= "\u024f" for c in letters)


def asks_how(text: str) -> bool:
    """A general question about how something works (a policy, a procedure, a meaning)."""
    if has_japanese(text):
        question = _JA_HOW.search(text) or (_JA_WH.search(text) and _JA_QUESTION_END.search(text))
        return bool(question) and not _JA_REQUEST.search(text)
    return bool(_HOW.search(text)) or (text.rstrip().endswith("?") and bool(_MEANS.search(text)))


def asks_us(text: str) -> bool:
    """An explicit request for us to do something."""
    if has_japanese(text):
        return bool(_JA_REQUEST.search(text))
    return bool(_US.search(text) or _IMPERATIVE.search(text))


def names_thing(text: str) -> bool:
    """The message names an order, a parcel, a purchase... (not just "it" or "that")."""
    return bool(_THING.search(text) or _JA_THING.search(text))


def mentions_own(text: str) -> bool:
    """The customer speaks of their own things ("my order", "what I bought")."""
    return bool(_MINE.search(text) or _JA_MINE.search(text))


def evidence(intent: str, text: str) -> bool:
    """The message speaks of this very action (for checking an order: of the customer's own order)."""
    japanese = has_japanese(text)
    pattern = (_JA_WORDS if japanese else _WORDS).get(intent)
    if pattern is None or not pattern.search(text):
        return False
    if intent in _NEEDS_OWN_THING:
        if japanese:  # Japanese rarely says "my": an order or parcel named is the customer's own
            return names_thing(text) or mentions_own(text)
        return mentions_own(text) and bool(_THING.search(text))
    return True
