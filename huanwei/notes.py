"""Warnings shown to a command's user as short notes (the road network's islands, say)."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def notes() -> Iterator[None]:
    """Print each warning (the road network's islands) once, shortened, after the block."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for note in dict.fromkeys(str(w.message) for w in caught):
        print(f"note: {note[:160]}{'…' if len(note) > 160 else ''}", file=sys.stderr)
