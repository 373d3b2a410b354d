"""Train the Rasa model only when the assistant's definition changed.

The model's file name carries a hash of config.yml, domain.yml, the NLU/rules/stories
files and the Rasa version, so "is the model current?" is a file-exists check that takes
milliseconds, and switching branches back and forth reuses models already trained.
Knowledge-base content is deliberately not part of it: it never needs retraining.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot.settings import Settings

logger = logging.getLogger(__name__)

TRAINING_DIRS = ("nlu", "rules", "stories")


def training_files(root: Path) -> List[Path]:
    files = [root / "config.yml", root / "domain.yml"]
    for folder in TRAINING_DIRS:
        files += sorted((root / "data" / folder).rglob("*.yml"))
    return files


def fingerprint(root: Path, files: Optional[Iterable[Path]] = None) -> str:
    import rasa

    digest = hashlib.sha256(f"rasa=={rasa.__version__}".encode())
    for path in files or training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path_for(settings: Settings) -> Path:
    return settings.models_dir / f"assistant-{fingerprint(settings.root)}.tar.gz"


def ensure_model(settings: Settings, force: bool = False) -> Path:
    """Return a model trained on the current data, training it first if needed."""
    if settings.model_path:
        path = Path(settings.model_path)
        if not path.exists():
            raise FileNotFoundError(f"RASA_MODEL points to {path}, which does not exist")
        return path
    target = model_path_for(settings)
    if target.exists() and not force:
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(settings.models_dir / ".train.lock"):
        if target.exists() and not force:  # another process trained it while we waited
            return target
        return _train(settings, target)


@contextlib.contextmanager
def _exclusive(lock_path: Path):
    """One training at a time per checkout (parallel test runs share the models folder)."""
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _train(settings: Settings, target: Path) -> Path:
    print(f"Training the assistant (data changed or no model yet) -> {target.name}", flush=True)
    started = time.monotonic()
    data_dirs = [str(settings.root / "data" / d) for d in TRAINING_DIRS]
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(settings.root / "config.yml"),
        "--domain",
        str(settings.root / "domain.yml"),
        "--data",
        *data_dirs,
        "--out",
        str(settings.models_dir),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
        "--force",
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(cmd, cwd=settings.root, env=env)
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"rasa train failed (exit code {result.returncode})")
    print(f"Trained in {time.monotonic() - started:.0f} s", flush=True)
    return target
