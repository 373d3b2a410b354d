"""Loading knowledge sources: Markdown articles with YAML front matter, FAQ YAML, FAQ CSV.

Support teams keep content where they already edit it; the loaders accept the three
shapes that cover most help centres and fail with the file name and the problem when a
file is malformed, instead of silently indexing half of it.

- `*.md`: optional front matter between `---` lines (`title`, `url`, `tags`, `id`, and
  `questions`: how customers ask what the article answers, matched like an FAQ's phrasings); the
  title falls back to the first `# Heading`, the id to the file name. `draft: true` keeps an
  article out of the index until someone has written it (drafts from `python -m bot report`
  and the desk's dashboard start that way).
- `*.yml` / `*.yaml`: a list of entries (or `{faq: [...]}`), each with `question`,
  `answer`, optional `alternatives` (other phrasings), `url`, `id`, `tags`.
- `*.csv`: a header row `question,answer[,url]`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from knowledge_base.documents import ARTICLE, FAQ, Document, slugify

SUFFIXES = (".md", ".markdown", ".yml", ".yaml", ".csv")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


class LoadError(ValueError):
    """A knowledge source is malformed; the message names the file."""


def split_front_matter(text: str, source: str = "") -> Tuple[Dict[str, Any], str]:
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as err:
        raise LoadError(f"{source}: invalid YAML front matter: {err}") from err
    if not isinstance(meta, dict):
        raise LoadError(f"{source}: front matter must be a mapping, got {type(meta).__name__}")
    return meta, text[match.end() :]


def _tags(raw: Any) -> Tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [t for t in re.split(r"[,\s]+", raw) if t]
    return tuple(str(t).strip() for t in raw if str(t).strip())


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _questions(raw: Any, source: str) -> Tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise LoadError(f"{source}: questions must be a list of questions")
    phrasings: List[str] = []
    for text in raw:
        text = _text(text)
        if text and text.lower() not in {p.lower() for p in phrasings}:
            phrasings.append(text)
    return tuple(phrasings)


def is_draft(path: Path) -> bool:
    """A Markdown article whose front matter says `draft: true`."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return False
    meta, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    return meta.get("draft") is True


def load_markdown(path: Path, root: Optional[Path] = None) -> Document:
    source = _relative(path, root)
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    title = _text(meta.get("title"))
    h1 = _H1.search(body)
    if h1 and body[: h1.start()].strip() == "":
        # The leading "# Title" repeats the title; it is not part of the content.
        title = title or h1.group(1).strip()
        body = body[h1.end() :]
    if not title:
        raise LoadError(f"{source}: no title (add `title:` to the front matter or a '# Heading')")
    if not body.strip():
        raise LoadError(f"{source}: the article has no content")
    return Document(
        id=_text(meta.get("id")) or slugify(path.stem),
        title=title,
        body=body.strip(),
        kind=ARTICLE,
        url=_text(meta.get("url")) or None,
        tags=_tags(meta.get("tags")),
        questions=_questions(meta.get("questions"), source),
        source=source,
    )


def faq_document(entry: Dict[str, Any], source: str, position: int) -> Document:
    """One FAQ entry; `position` only appears in error messages."""
    question = _text(entry.get("question"))
    answer = _text(entry.get("answer"))
    if not question or not answer:
        raise LoadError(f"{source}: entry {position} needs both a question and an answer")
    alternatives = entry.get("alternatives") or []
    if isinstance(alternatives, str):
        alternatives = [alternatives]
    if not isinstance(alternatives, list):
        raise LoadError(f"{source}: entry {position}: alternatives must be a list of questions")
    phrasings: List[str] = []
    for text in [question, *alternatives]:
        text = _text(text)
        if text and text.lower() not in {p.lower() for p in phrasings}:
            phrasings.append(text)
    return Document(
        id=_text(entry.get("id")) or f"faq-{slugify(question)}",
        title=_text(entry.get("title")) or question,
        body=answer,
        kind=FAQ,
        url=_text(entry.get("url")) or None,
        tags=_tags(entry.get("tags")),
        questions=tuple(phrasings),
        source=source,
    )


def load_faq_yaml(path: Path, root: Optional[Path] = None) -> List[Document]:
    source = _relative(path, root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise LoadError(f"{source}: invalid YAML: {err}") from err
    if isinstance(data, dict):
        data = data.get("faq", data.get("entries"))
    if data is None:
        return []
    if not isinstance(data, list):
        raise LoadError(f"{source}: expected a list of FAQ entries (or a mapping with 'faq:')")
    docs = []
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise LoadError(f"{source}: entry {position} is not a mapping")
        docs.append(faq_document(entry, source, position))
    return docs


def load_faq_csv(path: Path, root: Optional[Path] = None) -> List[Document]:
    source = _relative(path, root)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [(c or "").strip().lower() for c in reader.fieldnames or []]
        if "question" not in columns or "answer" not in columns:
            raise LoadError(f"{source}: the header row must name 'question' and 'answer' columns, got {columns}")
        docs = []
        for position, raw in enumerate(reader, start=2):  # line numbers, after the header
            row = {(k or "").strip().lower(): v for k, v in raw.items()}
            if not any(_text(v) for v in row.values()):
                continue
            docs.append(faq_document(row, f"{source} line", position))
    return docs


def load_file(path: Path, root: Optional[Path] = None) -> List[Document]:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return [load_markdown(path, root)]
    if suffix in (".yml", ".yaml"):
        return load_faq_yaml(path, root)
    if suffix == ".csv":
        return load_faq_csv(path, root)
    raise LoadError(f"{path}: unsupported file type (use .md, .yml/.yaml or .csv)")


def source_files(paths: Iterable[Path]) -> List[Path]:
    """Files under `paths` (folders searched recursively), sorted for a stable order."""
    found: List[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not _hidden(p, path)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise LoadError(f"{path}: no such file or folder")
    return found


def load_documents(paths: Sequence[Path], root: Optional[Path] = None) -> List[Document]:
    """All documents under `paths`; ids must be unique (two files claiming one id is an error)."""
    documents: List[Document] = []
    seen: Dict[str, str] = {}
    for path in source_files(paths):
        if is_draft(path):
            continue
        for doc in load_file(path, root):
            if doc.id in seen:
                raise LoadError(f"{doc.source}: document id {doc.id!r} is already used by {seen[doc.id]}")
            seen[doc.id] = doc.source
            documents.append(doc)
    return documents


def _hidden(path: Path, base: Path) -> bool:
    """Dot files, and another language's edition (data/knowledge/ja is indexed on its own)."""
    from knowledge_base.config import EDITIONS

    parts = path.relative_to(base).parts
    return any(part.startswith(".") for part in parts) or (len(parts) > 1 and parts[0] in EDITIONS)


def _relative(path: Path, root: Optional[Path]) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
