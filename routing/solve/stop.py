"""When a search stops: one object the optimiser hands down through its phases.

After PyVRP's ``pyvrp/stop/`` (``MaxRuntime``, ``MaxIterations``, ``MultipleCriteria``): a
search ends at the first of a time limit, an iteration budget and a deadline on the wall clock.
The iteration budget is what makes a solve deterministic for a seed (the clock alone depends on
the machine's speed); the time limit then only guards against a hang.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

from routing.errors import FieldError


@dataclass(frozen=True, slots=True)
class Stop:
    """A search ends at whichever of these comes first.

    Parameters
    ----------
    time_limit_s
        Seconds the search may run, more than 0.
    iterations
        The search's own units of work, at least 1, or None for no bound: iterations of PyVRP's
        hybrid genetic search; solutions found, in OR-Tools' routing library; CP-SAT's
        deterministic time instead of its clock, in the allocation.
    deadline
        Wall-clock time (:func:`time.time`, seconds since the epoch, shared by worker processes)
        by which the search ends however much of ``time_limit_s`` is left, or None.
    """

    time_limit_s: float
    iterations: int | None = None
    deadline: float | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.time_limit_s) or self.time_limit_s <= 0:
            raise FieldError(
                "time_limit_s", f"must be a number of seconds above 0, got {self.time_limit_s!r}"
            )
        if self.iterations is not None and (
            isinstance(self.iterations, bool)
            or not isinstance(self.iterations, int)
            or self.iterations < 1
        ):
            raise FieldError(
                "iterations", f"must be a whole number of at least 1, got {self.iterations!r}"
            )
        if self.deadline is not None and not math.isfinite(self.deadline):
            raise FieldError("deadline", f"must be a finite wall-clock time, got {self.deadline!r}")

    @property
    def bounded_by_work(self) -> bool:
        """True when an iteration budget ends the search (the same result for the same seed)."""
        return self.iterations is not None

    def seconds_left(self, *, least: float = 0.0) -> float:
        """The time limit, cut to what is left before the deadline (never below ``least``)."""
        if self.deadline is None:
            return self.time_limit_s
        return min(self.time_limit_s, max(least, self.deadline - time.time()))

    def within(self, seconds: float) -> Stop:
        """The same budget of work with ``seconds`` as its time limit."""
        return dataclasses.replace(self, time_limit_s=seconds)

    def share(self, fraction: float) -> Stop:
        """The same budget of work with ``fraction`` of the time limit."""
        return self.within(fraction * self.time_limit_s)
