"""Splitting documents into passages that answer one thing each.

Articles are split at their headings first (a section is about one thing), then packed
paragraph by paragraph up to `max_chars`, so a passage never ends mid-paragraph unless a
single paragraph is longer than that (then it is cut at sentence ends). The customer is
shown the passage, not the article, so passages must read well on their own; each one
remembers its document, title, section and URL. The default of 800 characters (~150
tokens) stays inside what all-MiniLM-L6-v2 reads (256 word pieces; it was trained on 128)
and is about what fits in a chat bubble.

An FAQ entry is always one chunk: the answer is shown whole, and every phrasing of the
question is embedded separately so any of them can match.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Sequence, Tuple

from knowledge_base.documents import FAQ, Chunk, Document
from knowledge_base.formatting import tables_to_lines

CHUNKER_VERSION = 1  # bump when the output changes, so ingest re-embeds everything
DEFAULT_MAX_CHARS = 800

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(\*\*|__|`|^\s*[-*+]\s+|^\s*\d+\.\s+|^\s*>\s?|^#+\s*)", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """Markdown without its markup: what the encoder and BM25 should read."""
    text = _LINK.sub(r"\1", tables_to_lines(markdown))
    text = _MARKUP.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def sections(markdown: str) -> Iterator[Tuple[str, List[str]]]:
    """(heading path, paragraphs) for each section, in order; code fences stay whole."""
    path: List[Tuple[int, str]] = []
    paragraphs: List[str] = []
    current: List[str] = []
    in_fence = False

    def flush_paragraph() -> None:
        if current and "\n".join(current).strip():
            paragraphs.append("\n".join(current).strip())
        current.clear()

    def heading_path() -> str:
        return " > ".join(title for _, title in path)

    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            current.append(line)
            continue
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            flush_paragraph()
            if paragraphs:
                yield heading_path(), list(paragraphs)
                paragraphs.clear()
            level = len(heading.group(1))
            path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, heading.group(2).strip())]
        elif not line.strip() and not in_fence:
            flush_paragraph()
        else:
            current.append(line.rstrip())
    flush_paragraph()
    if paragraphs:
        yield heading_path(), paragraphs


def _split_long(paragraph: str, max_chars: int) -> List[str]:
    """A paragraph longer than max_chars, cut at sentence ends (or words, as a last resort)."""
    pieces: List[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    return _pack(pieces, max_chars, joiner=" ")


def _pack(parts: Sequence[str], max_chars: int, joiner: str = "\n\n") -> List[str]:
    packed: List[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if current and len(candidate) > max_chars:
            packed.append(current)
            current = part
        else:
            current = candidate
    if current:
        packed.append(current)
    return packed


def passages(paragraphs: Sequence[str], max_chars: int) -> List[str]:
    parts: List[str] = []
    for paragraph in paragraphs:
        parts += [paragraph] if len(paragraph) <= max_chars else _split_long(paragraph, max_chars)
    return _pack(parts, max_chars)


def chunk_document(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> List[Chunk]:
    if doc.kind == FAQ:
        phrasings = doc.questions or (doc.title,)
        lexical = " ".join([*phrasings, plain_text(doc.body)])
        return [
            Chunk(
                id=f"{doc.id}#0",
                doc_id=doc.id,
                title=doc.title,
                section="",
                url=doc.url,
                text=doc.body.strip(),
                phrasings=tuple(phrasings),
                lexical=lexical,
                kind=FAQ,
            )
        ]
    chunks: List[Chunk] = []
    # An article's `questions` (front matter) are matched like an FAQ's phrasings, on its
    # first passage: the one that says what the article is about.
    extra = tuple(doc.questions)
    for section, paragraphs in sections(doc.body):
        for text in passages(paragraphs, max_chars):
            body = plain_text(text)
            context = f"{doc.title}. {section}." if section else f"{doc.title}."
            chunks.append(
                Chunk(
                    id=f"{doc.id}#{len(chunks)}",
                    doc_id=doc.id,
                    title=doc.title,
                    section=section,
                    url=doc.url,
                    text=text,
                    phrasings=(f"{context} {body}", *(extra if not chunks else ())),
                    lexical=" ".join([doc.title, section, body, *(extra if not chunks else ())]),
                    kind=doc.kind,
                    position=len(chunks),
                )
            )
    return chunks


def chunk_documents(docs: Sequence[Document], max_chars: int = DEFAULT_MAX_CHARS) -> List[Chunk]:
    return [chunk for doc in docs for chunk in chunk_document(doc, max_chars)]
