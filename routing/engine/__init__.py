"""The route engine: the rules that time a route, written once for every planner.

The greedy planner (:mod:`routing.solve.greedy`), the optimiser's timing and repairs
(:mod:`routing.solve.timing`) and every dispatch operation (:mod:`routing.dispatch.draft`) call
:mod:`routing.engine.clock`; only the validator (:mod:`routing.validation`) keeps its own,
independent reading of the rules. This package imports neither the solvers nor dispatch.
"""

from routing.engine.clock import (
    BreakRule,
    fits_capacity,
    next_start,
    on_board_excess,
    zone_entry,
    zone_start,
)

__all__ = [
    "BreakRule",
    "fits_capacity",
    "next_start",
    "on_board_excess",
    "zone_entry",
    "zone_start",
]
