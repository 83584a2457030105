"""A bounded, thread-safe cache of built values with one builder per key.

Used for drivers' assignments: building one parses a stored plan and its problem snapshot (tens of
milliseconds of CPU), while the result changes only with a new published version or a stop report.
The key names everything the value depends on, so a stale entry is never found again; the least
recently used entries are dropped beyond ``max_entries``. When many requests miss the same key at
once, one builds and the others wait for its value (no stampede of identical builds).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BuildCache(Generic[K, V]):
    """Values by key, built on a miss by the caller's function.

    Parameters
    ----------
    max_entries
        Entries kept; the least recently used beyond this are dropped.
    """

    def __init__(self, max_entries: int = 512) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._building: dict[K, threading.Lock] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _lookup(self, key: K) -> V | None:
        """The entry (marked recently used), or None; call with ``_lock`` held."""
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return value

    def peek(self, key: K) -> V | None:
        """The value of ``key`` if it is cached (never builds)."""
        with self._lock:
            return self._lookup(key)

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The value of ``key``; built by ``build()`` on a miss (once, however many wait)."""
        with self._lock:
            value = self._lookup(key)
            if value is not None:
                return value
            builder = self._building.setdefault(key, threading.Lock())
        with builder:
            with self._lock:
                value = self._lookup(key)
                if value is not None:
                    return value
            try:
                value = build()
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self.misses += 1
                self._entries[key] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return value
