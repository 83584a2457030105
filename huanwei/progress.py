"""A progress bar on standard error while a solve runs: seconds used of the limit and the best
cost so far, drawn by tqdm; silent when standard error is not a terminal (a log, a pipe, CI)."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from tqdm import tqdm

#: Seconds between two redraws while the solver says nothing.
TICK_S = 0.5


class ProgressBar:
    """``plan  40%|████      | 24.0/60 s [best 11,873 CNY]``, moved by a ticker thread (the clock)
    and by the solver's progress callback (its share of the work and best cost, :meth:`update`).

    ``enabled=False`` (``--quiet``) draws nothing; otherwise tqdm draws only on a terminal, so
    that a log gets no carriage-return frames.
    """

    def __init__(
        self, limit_s: float, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.limit_s = max(limit_s, 1e-3)
        self.share = 0.0
        self.cost: int | None = None
        self._began = time.perf_counter()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._bar = tqdm(
            total=round(self.limit_s, 1),
            desc="plan",
            unit="s",
            file=stream or sys.stderr,
            disable=None if enabled else True,  # None: only on a terminal
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n:.1f}/{total:g} s{postfix}",
            leave=True,
        )
        self._thread = threading.Thread(target=self._tick, daemon=True)

    @property
    def drawing(self) -> bool:
        """Whether the bar is drawn at all (enabled and on a terminal)."""
        return not self._bar.disable

    def __enter__(self) -> ProgressBar:
        if self.drawing:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self.drawing:
            self._thread.join()
            if kind is None:
                self._draw(final=True)
        self._bar.close()

    def update(self, share: float, cost: int | None) -> None:
        """The solver's own report: share of the work done, cost of the best plan (fen)."""
        self.share = max(self.share, share)
        if cost is not None:
            self.cost = cost

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            self._draw(final=False)

    def _draw(self, *, final: bool) -> None:
        used = time.perf_counter() - self._began
        share = 1.0 if final else min(0.99, max(self.share, used / self.limit_s))
        with self._lock:
            self._bar.n = round(share * self.limit_s, 1)
            if self.cost is not None:
                self._bar.set_postfix_str(f"best {self.cost / 100:,.0f} CNY", refresh=False)
            self._bar.refresh()
