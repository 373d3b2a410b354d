""" "Draft an article" for a group of unanswered questions: a Markdown file in the help centre's
format (knowledge_base/loaders.py), with the customers' questions as its phrasings, for a
person to write the answer into.

The file says `draft: true`, so `kb ingest` leaves it out until someone has written it and
removed that line. Its name is made here from the title (letters, digits and dashes) and never
replaces an existing file; what the caller passes is only text, checked and cut to size, and
written as YAML by the YAML library.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence

import yaml

from knowledge_base.documents import slugify

MAX_TITLE = 200
MAX_QUESTIONS = 50
MAX_QUESTION = 500


class DraftError(ValueError):
    """The title or the questions cannot make a draft (the message says why)."""


@dataclass(frozen=True)
class Draft:
    path: Path
    content: str


def _line(text: object, limit: int, what: str) -> str:
    if not isinstance(text, str):
        raise DraftError(f"{what} must be text")
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", text)  # one line: no control characters
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if not cleaned:
        raise DraftError(f"{what} is empty")
    return cleaned[:limit]


def clean_questions(questions: Sequence[object]) -> List[str]:
    if not isinstance(questions, (list, tuple)) or not questions:
        raise DraftError("questions must be a non-empty list")
    if len(questions) > MAX_QUESTIONS:
        raise DraftError(f"at most {MAX_QUESTIONS} questions")
    cleaned: List[str] = []
    for question in questions:
        text = _line(question, MAX_QUESTION, "a question")
        if text.lower() not in {q.lower() for q in cleaned}:
            cleaned.append(text)
    return cleaned


def render(title: str, questions: Sequence[str]) -> str:
    meta = yaml.safe_dump(
        {"title": title, "draft": True, "tags": ["draft"], "questions": list(questions)},
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    # The customers' questions stay in the front matter (YAML, written by the YAML library): never
    # in the body, which becomes the article's text once published.
    return (
        f"---\n{meta}---\n\n# {title}\n\n"
        "Write the answer here, in the words a customer would understand: the questions above "
        "(`questions:`) are how customers asked it. Keep one topic per `##` section.\n\n"
        "When it is ready: replace this text, delete the `draft: true` line, add `url:` if the article "
        "is on the website, and run `python -m bot kb ingest`.\n"
    )


def write_draft(drafts_dir: Path, title: object, questions: Sequence[object]) -> Draft:
    """Write a new draft file; returns where, and what it holds."""
    title = _line(title, MAX_TITLE, "the title")
    cleaned = clean_questions(questions)
    content = render(title, cleaned)
    drafts_dir.mkdir(parents=True, exist_ok=True)
    stem = slugify(title)
    for attempt in range(1, 1000):
        path = drafts_dir / (f"{stem}.md" if attempt == 1 else f"{stem}-{attempt}.md")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # never over an existing file
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        return Draft(path, content)
    raise DraftError(f"too many drafts named {stem} in {drafts_dir}")
