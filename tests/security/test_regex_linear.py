"""Every pattern that runs over what a customer typed takes time linear in its length
(docs/SECURITY.md, case 5). The email pattern of data/nlu/orders.yml used to be quadratic: a
60,000-character message held Rasa's NLU for 28 s.

For each pattern and each hostile shape of text, 10x the text must cost well under 100x the time
(a quadratic pattern's ratio is ~100) and the longest must finish in well under a second. Both
bounds leave a wide margin for a busy machine; a quadratic pattern misses them by far."""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path
from typing import Callable, Dict, List

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHAPES: Dict[str, Callable[[int], str]] = {
    "letters": lambda n: "a" * n,
    "address chars then @": lambda n: "a" * (n - 1) + "@",
    "at signs": lambda n: "a@" * (n // 2),
    "dots after @": lambda n: "a@" + "a." * (n // 2),
    "digits": lambda n: "1" * n,
    "digit groups": lambda n: "123 " * (n // 4),
    "spaces": lambda n: " " * n,
    "hashes and spaces": lambda n: "# " * (n // 2),
    "mentions": lambda n: " <@U1" * (n // 5),
    "angle brackets": lambda n: "<a|" * (n // 3),
    "T-": lambda n: "T-" * (n // 2),
    "mixed": lambda n: ("x.y@" + "-" * 10 + " ") * (n // 15),
    "my order words": lambda n: "my order where " * (n // 15),
    "cancel words": lambda n: "cancel " * (n // 7),
}


def nlu_regexes() -> List[str]:
    patterns = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "regex" in block:
                patterns += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    return patterns


def code_patterns() -> Dict[str, Callable[[str], object]]:
    from actions import csat, orders
    from bot import log_privacy
    from bot.analytics import masking
    from bot.nlu import phrasing
    from bot.store import orders as order_store
    from channels.slack import convert as slack_format

    found: Dict[str, Callable[[str], object]] = {
        "extract_order_number": orders.extract_order_number,
        "extract_email": orders.extract_email,
        "normalize_email": order_store.normalize_email,
        "normalize_order_number": order_store.normalize_order_number,
        "strip_mention": lambda text: slack_format.strip_mention(text, None),
        "strip_mention(bot)": lambda text: slack_format.strip_mention(text, "UBOT"),
        "plain_text": slack_format.plain_text,
        "log mask": log_privacy.mask,
        "asks_how": phrasing.asks_how,
        "asks_us": phrasing.asks_us,
        "mentions_own": phrasing.mentions_own,
        **{f"evidence({intent})": functools.partial(phrasing.evidence, intent) for intent in phrasing._WORDS},
    }
    found["parse_rating"] = lambda text: csat.parse_rating(_tracker_with(text))
    found["just_a_closing"] = csat.just_a_closing
    found["export mask"] = masking.mask
    return found


def _tracker_with(text: str):
    from tests.trackers import tracker

    return tracker(text=text)


def _seconds(run: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def _best_times(run: Callable[[str], object], small: str, large: str, rounds: int = 7) -> tuple:
    """The fastest of several interleaved runs of each: on a busy machine one run can be
    preempted, never all of them (a slow pattern stops the rounds at its first second)."""
    t_small = t_large = float("inf")
    for _ in range(rounds):
        t_small = min(t_small, _seconds(run, small))
        t_large = min(t_large, _seconds(run, large))
        if t_large >= 1.0:
            break
    return max(t_small, 2e-4), t_large


def _assert_linear(name: str, run: Callable[[str], object]) -> None:
    for shape, make in SHAPES.items():
        t_small, t_large = _best_times(run, make(4_000), make(40_000))
        assert t_large < 1.0, f"{name} on {shape!r}: {t_large:.2f} s for 40,000 characters"
        assert t_large / t_small < 40, f"{name} on {shape!r}: 10x the text cost {t_large / t_small:.0f}x the time"


@pytest.mark.parametrize("pattern", nlu_regexes())
def test_nlu_regexes_are_linear(pattern):
    compiled = re.compile(pattern)  # Rasa's RegexFeaturizer / RegexEntityExtractor: finditer over the text
    _assert_linear(pattern, lambda text: list(compiled.finditer(text)))


@pytest.mark.parametrize("name", sorted(code_patterns()))
def test_code_patterns_on_customer_text_are_linear(name):
    _assert_linear(name, code_patterns()[name])


def test_the_email_pattern_still_finds_emails():
    (email,) = [p for p in nlu_regexes() if "@" in p]
    compiled = re.compile(email)
    text = "it's alice.smith+shop@mail.example.co.uk, not bob@example.com."
    assert [m.group(0) for m in compiled.finditer(text)] == ["alice.smith+shop@mail.example.co.uk", "bob@example.com"]
