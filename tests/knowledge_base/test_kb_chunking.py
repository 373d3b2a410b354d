from __future__ import annotations

from knowledge_base.chunking import chunk_document, passages, plain_text, sections
from knowledge_base.documents import FAQ, Document
from knowledge_base.formatting import render_plain, shorten


def article(body: str) -> Document:
    return Document(id="doc", title="Title", body=body, url="https://x.example/doc")


def test_sections_follow_the_heading_hierarchy() -> None:
    body = "Intro line.\n\n## A\n\nPara A.\n\n### A1\n\nPara A1.\n\n## B\n\nPara B.\n"
    assert list(sections(body)) == [
        ("", ["Intro line."]),
        ("A", ["Para A."]),
        ("A > A1", ["Para A1."]),
        ("B", ["Para B."]),
    ]


def test_code_fences_stay_whole_even_with_blank_lines_and_hashes() -> None:
    body = "## Code\n\n```\n# not a heading\n\nstill code\n```\n"
    assert list(sections(body)) == [("Code", ["```\n# not a heading\n\nstill code\n```"])]


def test_chunks_keep_document_title_section_and_url() -> None:
    chunks = chunk_document(article("## First\n\nOne.\n\n## Second\n\nTwo."), max_chars=400)
    assert [(c.id, c.doc_id, c.title, c.section, c.url, c.text) for c in chunks] == [
        ("doc#0", "doc", "Title", "First", "https://x.example/doc", "One."),
        ("doc#1", "doc", "Title", "Second", "https://x.example/doc", "Two."),
    ]
    assert chunks[0].phrasings == ("Title. First. One.",)
    assert chunks[0].lexical == "Title First One."


def test_paragraphs_are_packed_up_to_the_limit_and_never_split_needlessly() -> None:
    paragraphs = ["a" * 150, "b" * 150, "c" * 150]
    assert passages(paragraphs, max_chars=400) == ["a" * 150 + "\n\n" + "b" * 150, "c" * 150]


def test_a_long_paragraph_is_cut_at_sentence_ends() -> None:
    sentence = "This sentence is exactly forty-four chars. "
    paragraph = (sentence * 20).strip()
    pieces = passages([paragraph], max_chars=200)
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith("chars.") for p in pieces)
    assert " ".join(pieces) == paragraph


def test_a_sentence_longer_than_the_limit_is_cut_at_a_word() -> None:
    pieces = passages(["word " * 100], max_chars=120)
    assert all(len(p) <= 120 for p in pieces)
    assert "".join(pieces).replace(" ", "") == ("word" * 100)


def test_every_chunk_respects_the_maximum() -> None:
    body = "\n\n".join(f"## S{i}\n\n" + ("Some words here. " * 40) for i in range(3))
    chunks = chunk_document(article(body), max_chars=300)
    assert len(chunks) > 3
    assert max(len(c.text) for c in chunks) <= 300


def test_an_faq_entry_is_one_chunk_whose_phrasings_are_its_questions() -> None:
    doc = Document(
        id="faq-x",
        title="Can I pay later?",
        body="Yes, with **Klarna**.",
        kind=FAQ,
        questions=("Can I pay later?", "Do you offer instalments?"),
        url=None,
    )
    (chunk,) = chunk_document(doc, max_chars=10)  # the limit does not split FAQ answers
    assert chunk.id == "faq-x#0"
    assert chunk.phrasings == ("Can I pay later?", "Do you offer instalments?")
    assert chunk.text == "Yes, with **Klarna**."
    assert chunk.lexical == "Can I pay later? Do you offer instalments? Yes, with Klarna."


def test_plain_text_drops_markup_and_keeps_link_text() -> None:
    assert plain_text("- **Bold** see [the page](https://x.example)\n- `code`") == "Bold see the page code"


def test_render_plain_for_chat_keeps_urls_and_flattens_tables() -> None:
    markdown = (
        "See [returns](https://x.example/r) and **this**.\n\n"
        "| Destination | Price | Free from |\n|---|---|---|\n| Canada | $14.95 | $150 |\n| UK | $19.95 | |\n"
    )
    assert render_plain(markdown) == (
        "See returns (https://x.example/r) and this.\n\n- Canada: Price $14.95; Free from $150\n- UK: Price $19.95"
    )


def test_shorten() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("a much longer button title", 10) == "a much lo…"
