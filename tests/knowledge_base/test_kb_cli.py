"""`python -m bot kb ...` end to end, with the fake encoder in place of the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_fakes import FakeEncoder, write

from bot import cli
from bot.store import db
from bot.store.knowledge import record_query


@pytest.fixture
def env(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("KB_AUTO_INGEST", "false")
    monkeypatch.setenv("KB_ANSWER_THRESHOLD", "0.4")  # the fake encoder's similarities are lower
    monkeypatch.setenv("KB_SUGGEST_THRESHOLD", "0.2")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    encoder = FakeEncoder()
    monkeypatch.setattr("knowledge_base.encoder.get_encoder", lambda model=None: encoder)
    monkeypatch.setattr("knowledge_base.service.get_encoder", lambda model=None: encoder)
    yield tmp_path
    db.engine().dispose()


def test_ingest_search_stats_and_gaps(env: Path, sources: Path, capsys) -> None:
    assert cli.main(["kb", "ingest", str(sources)]) == 0
    out = capsys.readouterr().out
    assert "Documents:   5" in out and "Re-embedded: 5 documents" in out and "published generation 1" in out

    path = sources / "articles" / "shipping.md"
    path.write_text(path.read_text().replace("5.95", "6.95"))
    (sources / "articles" / "password-reset.md").unlink()
    assert cli.main(["kb", "ingest", str(sources)]) == 0
    out = capsys.readouterr().out
    assert "Re-embedded: 1 documents" in out and "Removed:     1 (password-reset)" in out
    assert "published generation 2" in out

    assert cli.main(["kb", "search", "how long do refunds take to reach your bank"]) == 0
    out = capsys.readouterr().out
    assert "Decision: ANSWERED" in out
    assert "refund-timing#0" in out and "https://shop.example.com/help/refund-timing" in out

    db.configure(f"sqlite:///{env / 'var' / 'app.db'}")  # where the CLI looks (VAR_DIR)
    db.create_schema()
    record_query("do you ship to mars", "no_answer")
    record_query("shipping to mars?", "no_answer")
    assert cli.main(["kb", "stats"]) == 0
    out = capsys.readouterr().out
    assert "generation 2" in out and "Documents:  4" in out and "no_answer     2" in out

    assert cli.main(["kb", "gaps"]) == 0
    out = capsys.readouterr().out
    assert "2 unanswered or unhelpful questions" in out


def test_ingest_reports_malformed_sources(env: Path, capsys) -> None:
    write(env / "bad" / "x.md", "no title here\n")
    assert cli.main(["kb", "ingest", str(env / "bad")]) == 1
    assert "Cannot ingest" in capsys.readouterr().err


def test_search_without_an_index_explains_what_to_do(env: Path, capsys) -> None:
    assert cli.main(["kb", "search", "anything"]) == 1
    assert "kb ingest" in capsys.readouterr().err


def test_eval_on_a_csv_dataset(env: Path, capsys) -> None:
    write(
        env / "ds" / "train.csv",
        "text,label\nreset my password,pw\nforgot password,pw\nshipping cost,ship\nprice of shipping,ship\n",
    )
    write(env / "ds" / "test.csv", "text,label\npassword reset,pw\nshipping price,ship\n")
    assert (
        cli.main(
            ["kb", "eval", "--dataset", str(env / "ds"), "--modes", "hybrid", "bm25", "--json", str(env / "r.json")]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2 labels, 4 training questions, 2 test queries" in out
    assert "| ds | hybrid | 100.00 |" in out
    assert (env / "r.json").exists()
