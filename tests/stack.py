"""A real assistant on free ports for a whole test module (the per-test version is the
`stack_factory` fixture in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path
from typing import Dict


def settings_with(child_env: Dict[str, str], **replace: object):
    """The settings a process started with `child_env` reads, with `replace` applied; this
    process's environment is left as it was."""
    from bot import settings as settings_module

    saved = {key: os.environ.get(key) for key in child_env}
    os.environ.update(child_env)
    try:
        return dataclasses.replace(settings_module.load(), **replace)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def running_assistant(var: Path, model_path: Path, env: Dict[str, str]):
    """A real assistant (action server + Rasa server) on free ports, with `env` in its processes
    only. Module-scoped use of what `stack_factory` does per test: starting one takes a while."""
    from bot.launcher import Stack
    from bot.store import db
    from bot.store.seed import ensure_seeded
    from tests.conftest import free_port

    child_env = {"VAR_DIR": str(var), "LOG_LEVEL": "INFO", "RASA_TELEMETRY_ENABLED": "false", **env}
    settings = settings_with(child_env, port=free_port(), actions_port=free_port())
    db.configure(settings.app_database_url)
    ensure_seeded()
    with Stack(settings, model_path, env=child_env, log_dir=var / "logs") as stack:
        yield stack
