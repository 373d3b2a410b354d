from __future__ import annotations

from pathlib import Path

import pytest
from kb_fakes import write

from knowledge_base.documents import ARTICLE, FAQ
from knowledge_base.loaders import LoadError, load_documents, load_faq_csv, load_faq_yaml, load_markdown


def test_markdown_front_matter_is_parsed_and_the_repeated_h1_dropped(sources: Path) -> None:
    doc = load_markdown(sources / "articles" / "refund-timing.md", root=sources)
    assert doc.id == "refund-timing"
    assert doc.title == "Refund timing"
    assert doc.url == "https://shop.example.com/help/refund-timing"
    assert doc.tags == ("refunds", "returns")
    assert doc.kind == ARTICLE
    assert doc.source == "articles/refund-timing.md"
    assert not doc.body.startswith("# Refund timing")
    assert doc.body.startswith("## How long refunds take")


def test_tags_may_be_a_comma_separated_string(sources: Path) -> None:
    assert load_markdown(sources / "articles" / "shipping.md").tags == ("shipping", "delivery")


def test_title_falls_back_to_the_first_heading_and_id_can_be_set(tmp_path: Path) -> None:
    path = write(tmp_path / "x.md", "---\nid: custom-id\n---\n# Heading title\n\nBody text.\n")
    doc = load_markdown(path)
    assert (doc.id, doc.title, doc.body, doc.url) == ("custom-id", "Heading title", "Body text.", None)


@pytest.mark.parametrize(
    "text, message",
    [
        ("Just text, no title anywhere.\n", "no title"),
        ("---\ntitle: [unclosed\n---\nBody\n", "invalid YAML front matter"),
        ("---\n- a list\n---\nBody\n", "must be a mapping"),
        ("---\ntitle: Empty\n---\n\n", "no content"),
    ],
)
def test_malformed_articles_fail_with_the_file_name(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "broken.md", text)
    with pytest.raises(LoadError, match=message) as err:
        load_markdown(path, root=tmp_path)
    assert "broken.md" in str(err.value)


def test_faq_yaml_entries_keep_question_alternatives_and_url(sources: Path) -> None:
    first, second = load_faq_yaml(sources / "faq.yml")
    assert first.id == "faq-gift-wrap"
    assert first.kind == FAQ
    assert first.questions == ("Do you offer gift wrapping?", "Can you wrap my present?")
    assert first.body == "Yes, gift wrapping costs 5 dollars per order."
    assert first.url == "https://shop.example.com/help/gifts"
    assert second.id == "faq-do-you-have-a-physical-store"  # a slug of the question
    assert second.questions == ("Do you have a physical store?",)
    assert second.url is None


def test_faq_yaml_accepts_a_mapping_and_drops_duplicate_phrasings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq.yaml",
        """
        faq:
          - question: Can I pay later?
            alternatives: ["can i pay later?", "Do you offer instalments?"]
            answer: Yes, with Klarna.
        """,
    )
    (doc,) = load_faq_yaml(path)
    assert doc.questions == ("Can I pay later?", "Do you offer instalments?")


def test_faq_yaml_entry_without_answer_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "faq.yml", "- question: Where are you?\n")
    with pytest.raises(LoadError, match="entry 1 needs both a question and an answer"):
        load_faq_yaml(path)


def test_csv_import_with_header_and_optional_url(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq.csv",
        'question,answer,url\n"Do you ship to Canada?","Yes, in 5 to 8 days.",https://x.example/ca\n'
        "Can I pay with PayPal?,Yes.,\n\n",
    )
    first, second = load_faq_csv(path)
    assert (first.title, first.body, first.url) == (
        "Do you ship to Canada?",
        "Yes, in 5 to 8 days.",
        "https://x.example/ca",
    )
    assert (second.title, second.body, second.url) == ("Can I pay with PayPal?", "Yes.", None)
    assert first.kind == second.kind == FAQ


def test_csv_without_the_required_header_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "faq.csv", "q,a\nx,y\n")
    with pytest.raises(LoadError, match="'question' and 'answer'"):
        load_faq_csv(path)


def test_load_documents_walks_folders_in_order_and_skips_hidden_files(sources: Path) -> None:
    write(sources / ".drafts" / "secret.md", "---\ntitle: Draft\n---\nNot published.\n")
    write(sources / "notes.txt", "ignored")
    docs = load_documents([sources], root=sources)
    assert [d.id for d in docs] == [
        "password-reset",
        "refund-timing",
        "shipping",
        "faq-gift-wrap",
        "faq-do-you-have-a-physical-store",
    ]


def test_duplicate_ids_across_files_are_an_error(sources: Path) -> None:
    write(sources / "more" / "shipping.md", "---\ntitle: Another\n---\nText.\n")
    with pytest.raises(LoadError, match="'shipping' is already used"):
        load_documents([sources])


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_documents([tmp_path / "nope"])


def test_content_hash_changes_with_content_only(sources: Path) -> None:
    doc = load_markdown(sources / "articles" / "shipping.md")
    again = load_markdown(sources / "articles" / "shipping.md")
    assert doc.content_hash == again.content_hash
    path = sources / "articles" / "shipping.md"
    path.write_text(path.read_text().replace("5.95", "6.95"))
    assert load_markdown(path).content_hash != doc.content_hash
