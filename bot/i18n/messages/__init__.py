"""Every text the actions and the server say to customers, in each language.

One module per area; each maps a key to {"en": ..., "ja": ...} (str.format placeholders, the
same ones in both languages). `bot.i18n.t` reads them. The catalogue is checked when it is
imported: a key defined twice, or a text missing a language, fails at start-up rather than in
front of a customer.

Counted texts ("1 minute" / "2 minutes") have two keys, `<base>.one` and `<base>.other`
(Japanese has the same text in both): `plural_key` chooses.
"""

from __future__ import annotations

from typing import Dict, Iterable, Mapping

from bot.i18n.messages import cards, common, csat, handoff, knowledge, orders, server, session, tickets

REQUIRED = ("en", "ja")
Catalogue = Mapping[str, Mapping[str, str]]


def merge(parts: Iterable[tuple[str, Catalogue]]) -> Dict[str, Dict[str, str]]:
    """One dict of every area's texts; ValueError on a duplicate key or a missing language."""
    merged: Dict[str, Dict[str, str]] = {}
    for area, texts in parts:
        for key, translations in texts.items():
            if key in merged:
                raise ValueError(f"i18n: message key {key!r} is defined twice (again in {area})")
            missing = [lang for lang in REQUIRED if not isinstance(translations.get(lang), str)]
            if missing:
                raise ValueError(f"i18n: message {key!r} ({area}) has no {', '.join(missing)} text")
            merged[key] = dict(translations)
    return merged


def plural_key(base: str, count: int) -> str:
    """`<base>.one` for 1, `<base>.other` for any other count."""
    return f"{base}.one" if count == 1 else f"{base}.other"


MESSAGES: Dict[str, Dict[str, str]] = merge(
    (module.__name__.rsplit(".", 1)[-1], module.TEXTS)
    for module in (common, orders, cards, tickets, knowledge, csat, handoff, session, server)
)
