"""Secrets the assistant needs even when nobody configured them: the Rasa HTTP API token and
the token the Rasa server shows the action server.

A secret set in the environment always wins. Otherwise one is generated on first use and kept
in `var/secrets/<name>` (0600 in a 0700 folder), so it survives restarts and every process
started on the same var/ folder agrees on it. `python -m bot run` resolves both before it
starts the servers and prints a generated API token once, when it is created.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

from bot.files import private_dir

API_TOKEN = "rasa_api_token"
ACTION_SERVER_TOKEN = "action_server_token"
ADDRESS_SALT = "address_salt"  # keys the hashes of client addresses kept for lookup limits


def _path(var_dir: Path, name: str) -> Path:
    return private_dir(var_dir / "secrets") / name


def get_or_create(var_dir: Path, name: str, configured: Optional[str] = None) -> Tuple[str, bool]:
    """(secret, created): the configured value, the stored one, or a new one (stored)."""
    if configured:
        return configured, False
    path = _path(var_dir, name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value, False
        # An empty file (a crash between create and write): replace it.
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    value = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value, True


@dataclass(frozen=True)
class Tokens:
    api: str
    actions: str
    address_salt: str = ""
    api_created: bool = False


def resolve(settings) -> Tokens:  # noqa: ANN001 - bot.settings.Settings (imported lazily: no cycle)
    """The Rasa HTTP API token and the action server token for this installation."""
    api, created = get_or_create(settings.var_dir, API_TOKEN, settings.api_token)
    actions, _ = get_or_create(settings.var_dir, ACTION_SERVER_TOKEN, settings.action_server_token)
    salt, _ = get_or_create(settings.var_dir, ADDRESS_SALT, settings.address_hash_key)
    return Tokens(api=api, actions=actions, address_salt=salt, api_created=created)
