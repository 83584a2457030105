"""The route engine: the rules that time a route, written once for every planner.

The greedy planner (:mod:`routing.solve.greedy`), the optimiser's timing and repairs
(:mod:`routing.solve.timing`) and every dispatch operation (:mod:`routing.dispatch.draft`) call
:mod:`routing.engine.clock` (the rules) and :mod:`routing.engine.timer` (a sequence of stops
timed by them); only the validator (:mod:`routing.validation`) keeps its own,
independent reading of the rules. This package imports neither the solvers nor dispatch.
"""

from routing.engine.clock import (
    BreakRule,
    admit,
    fits_capacity,
    next_start,
    on_board_excess,
    zone_entry,
    zone_start,
)
from routing.engine.timer import Begin, Stop, Timing, break_on_the_way, place_break, time_stops

__all__ = [
    "Begin",
    "BreakRule",
    "Stop",
    "Timing",
    "admit",
    "break_on_the_way",
    "fits_capacity",
    "next_start",
    "on_board_excess",
    "place_break",
    "time_stops",
    "zone_entry",
    "zone_start",
]
