"""Test helpers for the knowledge-base tests: a fake deterministic encoder and small sources."""

from __future__ import annotations

import re
import textwrap
import zlib
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from knowledge_base.config import KBConfig, ScoringConfig, Thresholds


class FakeEncoder:
    """Bag of words: each word is a fixed random vector (seeded by its CRC), summed and normalised.

    Texts sharing words are similar, unrelated texts are close to orthogonal, and
    `synonyms` maps words onto others so tests can model a paraphrase, `ignore` makes
    words invisible to the encoder (but not to BM25). It records
    every text it encodes, so tests can tell what was (re-)embedded.
    """

    def __init__(
        self,
        dim: int = 64,
        synonyms: Optional[Dict[str, str]] = None,
        name: str = "fake-encoder",
        ignore: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.ignore = set(ignore)
        self.dim = dim
        self.synonyms = synonyms or {}
        self.calls: List[List[str]] = []

    @property
    def encoded(self) -> List[str]:
        return [t for call in self.calls for t in call]

    def word_vector(self, word: str) -> np.ndarray:
        rng = np.random.default_rng(zlib.crc32(word.encode()))
        return rng.standard_normal(self.dim).astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if word in self.ignore:
                    continue
                out[i] += self.word_vector(self.synonyms.get(word, word))
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


def make_config(index_dir: Path, sources: Optional[Path] = None, **thresholds) -> KBConfig:
    return KBConfig(
        index_dir=index_dir,
        sources=sources or index_dir.parent / "sources",
        model=None,
        max_chunk_chars=400,
        auto_ingest=False,
        thresholds=Thresholds(**{"answer": 0.6, "suggest": 0.35, "margin": 0.05, "max_suggestions": 3, **thresholds}),
        scoring=ScoringConfig(lexical_weight=0.3, head_weight=1.0, head_min_phrasings=5),
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


REFUNDS = """
---
title: Refund timing
url: https://shop.example.com/help/refund-timing
tags: [refunds, returns]
---

# Refund timing

## How long refunds take

Refunds reach your bank 5 to 10 business days after your return arrives.

## Where the refund goes

Refunds always go back to the original payment method.
"""

SHIPPING = """
---
title: Shipping costs
url: https://shop.example.com/help/shipping
tags: shipping, delivery
---

## Prices

Standard shipping costs 5.95 dollars and is free over 75 dollars.

## Carriers

We ship with UPS, FedEx, USPS and DHL.
"""

PASSWORD = """
---
title: Password reset
url: https://shop.example.com/help/password
---

## Resetting your password

Choose forgot password on the sign in page and follow the reset link in the email.
"""

FAQ = """
- id: faq-gift-wrap
  question: Do you offer gift wrapping?
  alternatives:
    - Can you wrap my present?
  answer: Yes, gift wrapping costs 5 dollars per order.
  url: https://shop.example.com/help/gifts
- question: Do you have a physical store?
  answer: No, we are online only.
"""


def write_sources(root: Path) -> Path:
    write(root / "articles" / "refund-timing.md", REFUNDS)
    write(root / "articles" / "shipping.md", SHIPPING)
    write(root / "articles" / "password-reset.md", PASSWORD)
    write(root / "faq.yml", FAQ)
    return root
