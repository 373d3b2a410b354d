"""`python -m bot agents add` tells the new agent where to log in: the address of the server
running on this var/ folder (its `run --port`), not the default port."""

from __future__ import annotations

import dataclasses
import io

from bot import settings as settings_module
from bot.cli import main
from bot.launcher import Stack, running_base_url


def _add(monkeypatch, email: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["agents", "add", email, "--password-stdin"]) == 0


def test_the_running_servers_port_is_the_one_printed(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    settings = dataclasses.replace(settings_module.load(), port=6123)
    stack = Stack(settings, tmp_path / "model.tar.gz")  # as `run --port 6123` builds it
    stack._record_address()  # what start() does once the servers answer
    _add(monkeypatch, "ann@example.com")
    assert "log in at http://localhost:6123/desk/" in capsys.readouterr().out

    stack.stop()  # stopped: the address is forgotten, the configured one is printed
    assert running_base_url(tmp_path) is None
    _add(monkeypatch, "bob@example.com")
    assert "log in at http://localhost:5005/desk/" in capsys.readouterr().out


def test_an_address_left_by_a_crashed_run_is_ignored(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "address.json").write_text('{"pid": 999999999, "base_url": "http://localhost:7000"}')
    assert running_base_url(tmp_path) is None
    (tmp_path / "run" / "address.json").write_text("not json")
    assert running_base_url(tmp_path) is None
