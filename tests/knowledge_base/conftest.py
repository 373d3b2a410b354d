"""Fixtures for the knowledge-base tests (helpers live in kb_fakes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_fakes import FakeEncoder, make_config, write_sources

from knowledge_base.config import KBConfig


@pytest.fixture
def encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def kb_config(tmp_path: Path) -> KBConfig:
    return make_config(tmp_path / "kb", tmp_path / "sources")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return write_sources(tmp_path / "sources")
