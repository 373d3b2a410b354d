"""What the knowledge base is made of: documents (articles, FAQ entries) and their chunks.

A document's id is stable across edits (the article's file name or front-matter `id`,
an FAQ entry's `id` or a slug of its question), so feedback, gaps and did-you-mean
buttons keep pointing at the same thing after content changes. The content hash is what
incremental ingest compares to decide whether a document must be embedded again.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional, Tuple

ARTICLE = "article"
FAQ = "faq"


def slugify(text: str, max_length: int = 60) -> str:
    """'How do I reset my password?' -> 'how-do-i-reset-my-password'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


@dataclass(frozen=True)
class Document:
    """One article or FAQ entry, as loaded from its source file."""

    id: str
    title: str
    body: str  # the article's Markdown body, or the FAQ answer
    kind: str = ARTICLE
    url: Optional[str] = None
    tags: Tuple[str, ...] = ()
    questions: Tuple[str, ...] = ()  # FAQ: the question first, then its alternative phrasings
    source: str = ""

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            [self.kind, self.title, self.body, self.url, list(self.tags), list(self.questions)],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """The unit that is searched and shown: a passage of one document.

    `text` is what the customer sees. `phrasings` are the texts embedded for it (one
    for an article passage, the question and each alternative for an FAQ entry), and
    `lexical` is the text BM25 sees.
    """

    id: str
    doc_id: str
    title: str
    section: str
    url: Optional[str]
    text: str
    phrasings: Tuple[str, ...]
    lexical: str
    kind: str = ARTICLE
    position: int = 0

    def to_json(self) -> Dict[str, Any]:
        data = asdict(self)
        data["phrasings"] = list(self.phrasings)
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> Chunk:
        return cls(**{**data, "phrasings": tuple(data["phrasings"])})


@dataclass
class DocumentInfo:
    """What the index remembers about a document (for re-ingest and for answers)."""

    id: str
    title: str
    url: Optional[str]
    kind: str
    hash: str
    source: str
    tags: Tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> Dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> DocumentInfo:
        return cls(**{**data, "tags": tuple(data.get("tags") or ())})

    @classmethod
    def of(cls, doc: Document) -> DocumentInfo:
        return cls(doc.id, doc.title, doc.url, doc.kind, doc.content_hash, doc.source, doc.tags)
