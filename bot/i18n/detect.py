"""Which language a customer writes in: Japanese or English, from the characters themselves.

Script-based, so it is deterministic and costs microseconds. Japanese is the only language
here written in kana and kanji, and one short Japanese sentence is unmistakable, whereas
statistical detectors are unreliable on the 2-10 word messages of a support chat ("ok",
"100234", "返品"). What decides:

- a message with kana or kanji (after width folding) that are at least a third of its letters
  is Japanese ("注文100234の状況を教えて", "Tシャツを返品したい");
- a message of at least two Latin-script words and no Japanese is English;
- anything else (numbers, an email address, emoji, "ok", a button's payload) says nothing and
  the conversation keeps its language.

An explicit request ("English please", 「日本語で」) switches at once: `requested_language`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

JA = "ja"
EN = "en"

# Hiragana, katakana (with the phonetic extensions and the prolonged sound mark), CJK
# ideographs (with extension A and the compatibility block) and the iteration mark 々.
_JAPANESE = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]")
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}(?:'[A-Za-z]+)?")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|\b[Tt]-?\d+\b")


# Asking for a language by name, in either language ("in English", "英語でお願いします",
# "日本語に戻して", "日本語わかりますか", "do you speak Japanese"). Checked on short messages only,
# and only in the shape of a request: "the English manual is missing" or 英語の説明書 is
# about something else.
def _asking_for(names: str) -> re.Pattern:
    return re.compile(
        rf"(?:\b(?:in|speak|use|prefer|switch\s+to|change\s+(?:the\s+language\s+)?to|reply\s+in|answer\s+in"
        rf"|talk\s+in|write\s+in|continue\s+in|back\s+to)\s+{names}\b"
        rf"|^\s*{names}\s*(?:please|pls|ok|okay)?\s*[.!?。！？]*\s*$|\b{names}\s+please\b"
        rf"|{names}\s*で(?:お?願い|おねがい|頼|たの|話|はな|喋|しゃべ|対応|返|答|回答|書いて|かいて|いい|良い|大丈夫|ok|OK|[。！!？?、\s]|$)"
        rf"|\b{names}\s+de\b|{names}\s*に(?:して|切り?替え|きりかえ|変更|変えて|かえて|戻して|もどして)|{names}\s*(?:が|の方が|のほうが)(?:いい|良い)"
        rf"|{names}\s*(?:は|を)?\s*(?:わかり|分かり|わかる|分かる|話せ|はなせ|でき|出来|対応してい))",
        re.IGNORECASE,
    )


_TO_ENGLISH = _asking_for(r"(?:english|英語|えいご|eigo)")
_TO_JAPANESE = _asking_for(r"(?:japanese|日本語|にほんご|ニホンゴ|nihongo)")
SWITCH_MAX_CHARS = 60


def fold_width(text: str) -> str:
    """Full-width Latin letters and digits to ASCII, half-width katakana to full width (NFKC)."""
    return unicodedata.normalize("NFKC", text or "")


def has_japanese(text: str) -> bool:
    """Any kana or kanji in `text`."""
    return bool(text) and _JAPANESE.search(text) is not None


def detect(text: str) -> Optional[str]:
    """'ja', 'en', or None when the message does not say (digits, an address, emoji, one word)."""
    folded = _ADDRESS.sub(" ", fold_width(text))
    if folded.startswith("/"):
        return None  # a button's intent payload
    japanese = len(_JAPANESE.findall(folded))
    latin = len(_LATIN_LETTER.findall(folded))
    # Mostly kana/kanji, or some kana (only Japanese has kana: "iPhoneケースが割れた").
    if japanese and (japanese * 3 >= latin or len(_KANA.findall(folded)) >= 2):
        return JA
    if not japanese and len(_LATIN_WORD.findall(folded)) >= 2:
        return EN
    return None


def requested_language(text: str) -> Optional[str]:
    """The language a short message asks for by name, or None."""
    folded = fold_width(text).strip()
    if not folded or len(folded) > SWITCH_MAX_CHARS:
        return None
    to_en, to_ja = bool(_TO_ENGLISH.search(folded)), bool(_TO_JAPANESE.search(folded))
    if to_en == to_ja:
        return None
    return EN if to_en else JA


def from_hint(hint: object) -> Optional[str]:
    """A client's language tag ("ja-JP", "en-GB", Telegram's "ja") as one of ours, or None."""
    if not isinstance(hint, str) or not hint or len(hint) > 35:
        return None
    primary = hint.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in (JA, EN) else None


def choose(current: Optional[str], text: str, hint: object = None, default: str = EN) -> str:
    """The conversation's language after this message.

    Order: an explicit request; what the message is written in; the language already kept;
    the client's hint (browser or app language) for a conversation that has none yet; the
    deployment's default.
    """
    found = requested_language(text) or detect(text)
    if found or current:
        return found or current
    # The first word of a conversation: one English word ("hi", "help") is English, even
    # from a Japanese browser; digits, an address or emoji leave it to the hint.
    return lean(text) or from_hint(hint) or default


def lean(text: str) -> Optional[str]:
    """EN for a message of Latin words and no Japanese; else what `detect` says."""
    folded = _ADDRESS.sub(" ", fold_width(text))
    if folded.startswith("/"):
        return None
    if not has_japanese(folded) and _LATIN_WORD.search(folded):
        return EN
    return detect(text)
