"""BM25 over chunks (bm25s), with a score that means the same thing for every query.

Raw BM25 scores grow with the length and rarity of the query, so they cannot be fused
with a cosine similarity or compared to a threshold. `coverage` divides a chunk's BM25
score by the most any chunk could score for that query (the sum of the query terms'
IDF: each term's saturated term-frequency factor is below 1 in Lucene's BM25). The
result, in [0, 1), reads as "how much of what the query says, weighted by how telling
each word is, this passage contains". A query made of words the knowledge base has never
seen covers nothing, which is exactly the out-of-scope signal we want; normalising by
the best hit per query instead would hand every nonsense query a perfect lexical score.

Tokens are lower-cased words minus stop words, with a light suffix stemmer
(plural, -ing, -ed) so "refunds"/"refunded" and "shipping"/"shipped"/"ship" meet; it is
deliberately conservative, and small enough to need no extra package.
"""

from __future__ import annotations

import math
import re
from typing import Dict, List, Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from bot.i18n.detect import has_japanese
from bot.i18n.japanese import content_words

K1 = 1.2
B = 0.75
_WORD = re.compile(r"[a-z0-9]+")
# Lucene's list plus the pronouns and auxiliaries every support question is full of; they
# carry no topic, and in an article corpus they are rare enough to get a misleading IDF.
_STOP = (
    frozenset(STOPWORDS_EN)
    | frozenset(
        [
            "i",
            "me",
            "my",
            "mine",
            "we",
            "us",
            "our",
            "you",
            "your",
            "yours",
            "he",
            "she",
            "him",
            "her",
            "its",
            "do",
            "does",
            "did",
            "done",
            "can",
            "could",
            "would",
            "should",
            "have",
            "has",
            "had",
            "am",
            "been",
            "being",
            "so",
            "what",
            "how",
            "when",
            "where",
            "which",
            "who",
            "whom",
            "why",
            "im",
            "ive",
            "id",
            "dont",
            "cant",
            "please",
            "hi",
            "hello",
            "hey",
            "thanks",
            "thank",
            "get",
            "got",
            "want",
            "need",
            "know",
            "tell",
        ]
    )
) - {"not", "no"}


def stem(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            return word
        if suffix == "es" and not word.endswith(("sses", "shes", "ches", "xes", "zes")):
            continue  # "cases" -> "case" via the "s" rule, "boxes" -> "box" here
        stemmed = word[: -len(suffix)] + replacement
        if suffix in ("ing", "ed") and len(stemmed) >= 5 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeious":
            stemmed = stemmed[:-1]  # "shipped" -> "shipp" -> "ship", "cancelled" -> "cancel"
        return stemmed
    return word


# Japanese words that occur in nearly every question and say nothing about its topic
# (Sudachi's normalized forms: する, ある, いる, なる, こと, もの, できる, ください, いい, の).
_STOP_JA = frozenset(
    [
        "為る",
        "有る",
        "居る",
        "成る",
        "事",
        "物",
        "出来る",
        "下さる",
        "良い",
        "の",
        "ん",
        "其れ",
        "此れ",
        "何",
        "頂く",
        "貰う",
        "思う",
        "言う",
        "方",
        "時",
        "所",
        "様",
    ]
)


def tokenize(text: str) -> List[str]:
    if has_japanese(text):
        return _tokenize_japanese(text)
    words = _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))
    return [stem(w) for w in words if w not in _STOP]


def _tokenize_japanese(text: str) -> List[str]:
    """Content words by their normalized form (返品しました -> 返品); Latin words as in English."""
    tokens = []
    for word in content_words(text):
        if word.isascii():
            tokens += [stem(w) for w in _WORD.findall(word) if w not in _STOP]
        elif word not in _STOP_JA:
            tokens.append(word)
    return tokens


class LexicalIndex:
    """BM25 over one text per chunk; `coverage(query)` returns one score per chunk."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        corpus = [tokenize(t) for t in texts]
        self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        if self.size:
            self._bm25.index(corpus, show_progress=False)
        df: Dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        self._df = df

    def idf(self, token: str) -> float:
        df = self._df.get(token, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """Raw BM25 score of every chunk."""
        tokens = [t for t in tokenize(query) if t in self._df]
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def coverage(self, query: str) -> np.ndarray:
        tokens = tokenize(query)
        ceiling = sum(self.idf(t) for t in tokens)
        if ceiling <= 0:
            return np.zeros(self.size, dtype=np.float32)
        return self.scores(query) / np.float32(ceiling)

    def coverage_of(self, query: str, text: str) -> float:
        """The share of the query's words (weighted by rarity) that `text` contains: the same
        measure as `coverage`, for one text that need not be in the index."""
        tokens = set(tokenize(query))
        ceiling = sum(self.idf(t) for t in tokens)
        if not ceiling:
            return 0.0
        present = set(tokenize(text))
        return sum(self.idf(t) for t in tokens if t in present) / ceiling
