"""A progress bar on standard error: time used of the limit, and the best cost when known."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType


class ProgressBar:
    """Draws ``[#####.....]  12 s / 60 s`` on stderr while a solve runs (only on a terminal or
    when asked), updated by a ticker thread and by the solver's progress callback."""

    WIDTH = 30

    def __init__(self, limit_s: float, *, enabled: bool = True) -> None:
        self.limit_s = max(limit_s, 1e-3)
        self.enabled = enabled
        self.began = time.perf_counter()
        self.share = 0.0
        self.cost: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
            self._draw(final=True)

    def update(self, share: float, cost: int | None) -> None:
        """The solver's own report: share of the work done, cost of the best plan (fen)."""
        self.share = max(self.share, share)
        if cost is not None:
            self.cost = cost

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            self._draw(final=False)

    def _draw(self, *, final: bool) -> None:
        used = time.perf_counter() - self.began
        share = 1.0 if final else min(0.99, max(self.share, used / self.limit_s))
        done = int(share * self.WIDTH)
        cost = f"  best {self.cost / 100:,.0f} CNY" if self.cost is not None else ""
        line = (
            f"\r[{'#' * done}{'.' * (self.WIDTH - done)}] {used:5.1f} s / {self.limit_s:g} s{cost}"
        )
        sys.stderr.write(line + ("\n" if final else ""))
        sys.stderr.flush()
