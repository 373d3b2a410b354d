"""The saved index: vectors, chunk metadata and a generation number, under var/kb/.

Layout:

    var/kb/CURRENT              {"generation": 7, "dir": "gen-000007", ...}  <- readers stat this
    var/kb/gen-000007/vectors.npy   float32 [rows, dim], L2-normalised, rows grouped by chunk
    var/kb/gen-000007/offsets.npy   int64 [chunks + 1]: chunk i owns rows offsets[i]:offsets[i+1]
    var/kb/gen-000007/meta.json     documents (with content hashes), chunks, model, fingerprint
    var/kb/gen-000007/head.npz      optional phrasing classifier (see head.py)

A new generation is written into a temporary folder, fsynced, renamed into place, and
only then published by atomically replacing CURRENT (write + fsync + os.replace). A
reader therefore sees the old index or the new one, never half of one, and noticing a
change costs one stat() of CURRENT. Older generations are pruned, keeping a few so a
reader that is still loading one is not pulled out from under (it retries otherwise).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from knowledge_base.documents import Chunk, DocumentInfo
from knowledge_base.head import PhrasingClassifier

POINTER = "CURRENT"
FORMAT_VERSION = 1
KEEP_GENERATIONS = 3

Stamp = Tuple[int, int, int]  # (inode, mtime_ns, size) of CURRENT


@dataclass
class Index:
    """An index in memory; `offsets` maps chunks to their rows in `vectors`."""

    model: str
    fingerprint: str
    documents: Dict[str, DocumentInfo]
    chunks: List[Chunk]
    vectors: np.ndarray
    offsets: np.ndarray
    generation: int = 0
    head: Optional[PhrasingClassifier] = None
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        self.offsets = np.asarray(self.offsets, dtype=np.int64)
        if len(self.offsets) != len(self.chunks) + 1 or int(self.offsets[-1]) != len(self.vectors):
            raise ValueError("index offsets do not match its chunks and vectors")

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def rows_of(self, chunk_index: int) -> np.ndarray:
        return self.vectors[self.offsets[chunk_index] : self.offsets[chunk_index + 1]]

    def chunks_by_document(self) -> Dict[str, List[int]]:
        grouped: Dict[str, List[int]] = {}
        for position, chunk in enumerate(self.chunks):
            grouped.setdefault(chunk.doc_id, []).append(position)
        return grouped


class IndexStore:
    """Reads and writes generations of the index in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def pointer(self) -> Path:
        return self.directory / POINTER

    def stamp(self) -> Optional[Stamp]:
        """Cheap change detection: a new generation always replaces CURRENT (new inode)."""
        try:
            st = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def read_pointer(self) -> Optional[dict]:
        try:
            return json.loads(self.pointer.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def exists(self) -> bool:
        return self.pointer.exists()

    def load(self, attempts: int = 3) -> Optional[Index]:
        """The current generation, or None when nothing was ingested yet."""
        for attempt in range(attempts):
            pointer = self.read_pointer()
            if pointer is None:
                return None
            try:
                return self._load_generation(self.directory / pointer["dir"], int(pointer["generation"]))
            except FileNotFoundError:
                # Pruned between reading CURRENT and opening it: a newer one is published.
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05)
        return None

    def _load_generation(self, folder: Path, generation: int) -> Index:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{folder}: index format {meta.get('format')} is not {FORMAT_VERSION}; run `kb ingest`")
        head_path = folder / "head.npz"
        return Index(
            model=meta["model"],
            fingerprint=meta["fingerprint"],
            documents={d["id"]: DocumentInfo.from_json(d) for d in meta["documents"]},
            chunks=[Chunk.from_json(c) for c in meta["chunks"]],
            vectors=np.load(folder / "vectors.npy", allow_pickle=False),
            offsets=np.load(folder / "offsets.npy", allow_pickle=False),
            generation=generation,
            head=PhrasingClassifier.load(head_path) if head_path.exists() else None,
            created_at=meta.get("created_at", ""),
        )

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (two `kb ingest` runs, or an ingest and an auto-ingest)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def next_generation(self) -> int:
        pointer = self.read_pointer()
        return int(pointer["generation"]) + 1 if pointer else 1

    def save(self, index: Index) -> int:
        """Publish `index` as the next generation; call while holding `lock()`."""
        generation = self.next_generation()
        name = f"gen-{generation:06d}"
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        meta = {
            "format": FORMAT_VERSION,
            "generation": generation,
            "model": index.model,
            "fingerprint": index.fingerprint,
            "created_at": index.created_at,
            "documents": [d.to_json() for d in index.documents.values()],
            "chunks": [c.to_json() for c in index.chunks],
        }
        _write_bytes(tmp / "meta.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        _write_array(tmp / "vectors.npy", index.vectors)
        _write_array(tmp / "offsets.npy", index.offsets)
        if index.head is not None:
            index.head.save(tmp / "head.npz")
        _fsync_dir(tmp)
        final = self.directory / name
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        pointer = {"generation": generation, "dir": name, "created_at": index.created_at}
        pointer_tmp = self.directory / f".{POINTER}.tmp-{os.getpid()}"
        _write_bytes(pointer_tmp, json.dumps(pointer).encode("utf-8"))
        os.replace(pointer_tmp, self.pointer)
        _fsync_dir(self.directory)
        index.generation = generation
        self.prune()
        return generation

    def prune(self, keep: int = KEEP_GENERATIONS) -> None:
        current = (self.read_pointer() or {}).get("dir")
        generations = sorted(p for p in self.directory.glob("gen-*") if p.is_dir())
        for old in generations[:-keep]:
            if old.name != current:
                shutil.rmtree(old, ignore_errors=True)


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_array(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as handle:
        np.save(handle, array, allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
