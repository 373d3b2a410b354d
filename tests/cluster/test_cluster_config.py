"""`python -m bot run --servers N` refuses storage that one process owns, before it starts anything."""

from __future__ import annotations

import dataclasses

import pytest

from bot import settings as settings_module
from bot.launcher import Stack, check_cluster
from bot.settings import ConfigError
from tests.cluster.harness import cluster_env


def _settings(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return settings_module.load()


def test_several_servers_on_the_embedded_defaults_are_refused_with_every_reason(monkeypatch, tmp_path):
    settings = _settings(monkeypatch, tmp_path)
    check_cluster(settings, 1)  # one server: the defaults are fine
    with pytest.raises(ConfigError) as refused:
        check_cluster(settings, 2)
    message = str(refused.value)
    for variable in (
        "DATABASE_URL",
        "TRACKER_STORE_URL",
        "LOCK_STORE_URL",
        "SOCKETIO_REDIS_URL",
        "EVENTS_REDIS_URL",
        "RATE_LIMIT_STORAGE_URL",
    ):
        assert variable in message
    with pytest.raises(ConfigError):
        Stack(settings, tmp_path / "model.tar.gz", servers=2)


def test_shared_storage_is_accepted_and_ports_follow_each_other(monkeypatch, tmp_path):
    env = cluster_env("postgresql+psycopg2://postgres@127.0.0.1:5432/test", "redis://127.0.0.1:6379")
    settings = dataclasses.replace(_settings(monkeypatch, tmp_path, **env), port=7100)
    stack = Stack(settings, tmp_path / "model.tar.gz", servers=3)
    assert stack.rasa_urls == ["http://127.0.0.1:7100", "http://127.0.0.1:7101", "http://127.0.0.1:7102"]
    assert [stack.rasa_name(i) for i in range(3)] == ["rasa", "rasa-1", "rasa-2"]
    # The servers share the machine's cores instead of each sizing its math threads to all of them.
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert stack._threads_env()["TF_NUM_INTRAOP_THREADS"] == "2" and stack._threads_env()["OMP_NUM_THREADS"] == "2"
    monkeypatch.setenv("OMP_NUM_THREADS", "4")  # the operator's choice wins
    assert "OMP_NUM_THREADS" not in stack._threads_env()
    assert Stack(settings, tmp_path / "model.tar.gz")._threads_env() == {}  # one server: untouched


def test_telegram_long_polling_is_refused_in_a_cluster(monkeypatch, tmp_path):
    env = cluster_env("postgresql+psycopg2://postgres@127.0.0.1:5432/test", "redis://127.0.0.1:6379")
    settings = _settings(monkeypatch, tmp_path, **env, TELEGRAM_BOT_TOKEN="123:fake", TELEGRAM_MODE="polling")
    with pytest.raises(ConfigError, match="TELEGRAM_MODE=webhook"):
        check_cluster(settings, 2)


def test_the_command_says_why_and_exits_2(monkeypatch, tmp_path, capsys):
    from bot.cli import main

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert main(["run", "--servers", "2"]) == 2
    assert "DATABASE_URL is SQLite" in capsys.readouterr().err
