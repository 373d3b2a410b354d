"""Files the assistant writes are private to the account that runs it.

`var/` holds password hashes, customer data (SQLite databases), conversation transcripts, the
knowledge-base index, logs and generated secrets. Every process sets a umask of 077 at start, so
whatever it (or a library: SQLite, its WAL files, numpy, the log handler) creates is 0600 / 0700,
and `secure_var_dir` tightens folders and files left by an older version.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def restrict_new_files() -> None:
    """Files and folders this process creates from now on are readable by their owner only."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def secure_var_dir(var_dir: Path) -> Path:
    """Create `var_dir` 0700 and take group/other access away from everything inside it."""
    private_dir(var_dir)
    for root, dirs, files in os.walk(var_dir):
        for name in dirs:
            _strip_group_other(Path(root) / name)
        for name in files:
            _strip_group_other(Path(root) / name)
    return var_dir


def _strip_group_other(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return
        if mode & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & 0o700)
    except FileNotFoundError:  # removed meanwhile (SQLite journal files come and go)
        pass
