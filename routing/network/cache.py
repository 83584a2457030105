"""On-disk cache of travel matrices, keyed by a content hash of everything that shapes them.

Files are uncompressed ``.npz`` (ids, distances, times) named by the key, written atomically, so
a crashed run never leaves a half file that a later run would read. A file that cannot be read is
treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

#: Environment variable naming the cache folder.
CACHE_DIR_ENV = "HUANWEI_CACHE_DIR"

_NETWORK_CODE = Path(__file__).parent


def matrix_cache_dir() -> Path:
    """The folder for cached matrices: ``$HUANWEI_CACHE_DIR`` or ``.cache/huanwei/matrices``."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    return Path(configured) if configured else Path.cwd() / ".cache" / "huanwei" / "matrices"


def code_digest() -> str:
    """Hash of this package's source, so that a change of rules or method invalidates the cache."""
    digest = hashlib.sha256()
    for module in sorted(_NETWORK_CODE.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()


def cache_key(inputs: object) -> str:
    """Hex SHA-256 of ``inputs`` (JSON-ready data) together with :func:`code_digest`."""
    text = json.dumps({"code": code_digest(), "inputs": inputs}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedMatrix:
    """What is stored per key: ids, distances (m), times (s), and the locations on islands."""

    location_ids: tuple[str, ...]
    distance_m: NDArray[np.int32]
    time_s: NDArray[np.int32]
    islands: tuple[str, ...]


def read_cached(directory: Path, key: str) -> CachedMatrix | None:
    """The matrix cached under ``key``, or ``None`` on a miss (or an unreadable file)."""
    path = directory / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            return CachedMatrix(
                tuple(str(i) for i in stored["ids"]),
                stored["distance_m"],
                stored["time_s"],
                tuple(str(i) for i in stored["islands"]),
            )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def write_cached(directory: Path, key: str, matrix: CachedMatrix) -> Path:
    """Store one matrix under ``key``; returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.npz"
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(
                stream,
                ids=np.asarray(matrix.location_ids, dtype=str),
                distance_m=matrix.distance_m,
                time_s=matrix.time_s,
                islands=np.asarray(matrix.islands, dtype=str),
            )
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
