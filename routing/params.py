"""The tuning constants of the optimiser and of dispatch, in one validated object loadable from
TOML.

After ``SolveParams`` in PyVRP's ``pyvrp/solve.py``. Every default is the value the optimiser
was tuned with, so ``SolveParams()`` gives the plans it always gave; docs/problem-format.md lists
the fields. A file holds any of them at the top level::

    routing_share = 0.3
    sector_jobs = 1500
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.errors import FieldError, RecordError


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How the optimiser shares its time and sizes its searches (units in each name).

    Parameters
    ----------
    allocation_share, allocation_max_s
        Share of the time limit, and most seconds, for CP-SAT's allocation of vehicle-shifts to
        streams.
    allocation_work
        CP-SAT's deterministic time for the allocation under an iteration budget.
    reserve_min_s, reserve_greedy_runs, reserve_share, reserve_cap_greedy_runs
        Seconds kept after the searches for timing, repairs and the greedy fill: at least
        ``reserve_min_s`` or ``reserve_greedy_runs`` times the greedy planner's seconds, at most
        ``reserve_share`` of the time limit plus ``reserve_cap_greedy_runs`` greedy runs.
    board_leg_factor
        Nearest-neighbour legs times this estimate a visit's time on board (CT5).
    sector_jobs
        Most jobs in one search; a larger stream is split into sectors.
    search_weight_exponent, min_search_s
        The searches share the time by job count to this power; none gets less than
        ``min_search_s`` seconds.
    pool_min_jobs
        Fewer jobs than this are searched in the caller's process, not in worker processes.
    routing_max_jobs, routing_share
        Searches of at most ``routing_max_jobs`` jobs go on in OR-Tools' routing library after
        PyVRP, with ``routing_share`` of their time.
    routing_iterations
        Under an iteration budget, the routing library stops after one solution per this many of
        PyVRP's iterations.
    prize_factor, min_prize_milli_fen
        A job's prize in PyVRP's model: this many times the cost of serving it alone, at least
        ``min_prize_milli_fen``.
    max_penalty
        PyVRP's ceiling for its penalties of broken windows and loads.
    drop_penalty_milli_fen
        The routing library's price for leaving a job out.
    greedy_candidates
        Nearest pending visits the greedy planner tries per step.
    insertion_tries
        Cheapest positions timed per job when missing jobs are put into routes.
    min_placing_s, after_placing_s, max_placing_pairs
        Least seconds worth placing left-out visits again in, seconds kept after it for
        judging, and most (visit left out × vehicle-shift) pairs placed again.
    elimination_share, elimination_rounds
        When vehicles have a fixed cost: the share of the time limit kept from the searches for
        closing routes whose visits fit on the others (route elimination), and the rounds of
        moves after it.
    closing_rounds, closing_share
        Each stream's search runs in this many rounds (0: PyVRP's search alone); a round is
        PyVRP's search, then routes closed while that lowers the cost, in at most this share of
        the round's time.
    second_search_min_s
        Least seconds worth a second search: what the repairs leave of the reserve (less twice
        their own seconds and route elimination's share) goes to the streams searched again from
        the plan's routes, the better plan kept.
    place_tries, urgent_tries
        Dispatch: a visit's cheapest places (by added driving) timed in full per route, when a
        change places it and when an urgent pickup's slots are ranked.
    break_tries, hold_tries
        Dispatch: places for the crew's break tried per route (latest first), and rounds of
        starting a trip later to keep its waste's time on board (CT5).
    relocate_neighbours
        Dispatch: nearest points of the same stream whose routes a moved visit may join.
    balance_shortest, balance_split_tries
        Rebalancing: the shortest routes every visit may also move to, and the longest routes
        tried for a split onto a free vehicle-shift (0: no splits).
    """

    allocation_share: float = 0.1
    allocation_max_s: float = 5.0
    allocation_work: float = 2.0
    reserve_min_s: float = 10.0
    reserve_greedy_runs: float = 3.0
    reserve_share: float = 0.15
    reserve_cap_greedy_runs: float = 2.0
    board_leg_factor: float = 1.5
    sector_jobs: int = 1_500
    search_weight_exponent: float = 1.2
    min_search_s: float = 0.2
    pool_min_jobs: int = 300
    routing_max_jobs: int = 400
    routing_share: float = 0.3
    routing_iterations: int = 10
    prize_factor: float = 4.0
    min_prize_milli_fen: int = 10**6
    max_penalty: float = 1e8
    drop_penalty_milli_fen: int = 10**11
    greedy_candidates: int = 40
    insertion_tries: int = 12
    min_placing_s: float = 0.5
    after_placing_s: float = 1.0
    max_placing_pairs: int = 5_000
    elimination_share: float = 0.25
    elimination_rounds: int = 1
    closing_rounds: int = 1
    closing_share: float = 0.3
    second_search_min_s: float = 2.0
    place_tries: int = 4
    urgent_tries: int = 8
    break_tries: int = 8
    hold_tries: int = 4
    relocate_neighbours: int = 10
    balance_shortest: int = 6
    balance_split_tries: int = 3

    def __post_init__(self) -> None:
        errors = [e for f in dataclasses.fields(self) if (e := _check(self, f)) is not None]
        if errors:
            raise errors[0] if len(errors) == 1 else RecordError(errors)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SolveParams:
        """Parameters from a mapping of field names; absent fields keep their defaults.

        Raises
        ------
        FieldError
            Naming each unknown or bad field (a :class:`~routing.errors.RecordError` for several).
        """
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = [
            FieldError(str(k), f"is not a parameter; known: {', '.join(sorted(known))}")
            for k in raw
            if k not in known
        ]
        if unknown:
            raise unknown[0] if len(unknown) == 1 else RecordError(unknown)
        return cls(**dict(raw))

    @classmethod
    def from_file(cls, path: str | Path) -> SolveParams:
        """Parameters from a TOML file; errors name the file and each field."""
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise FieldError("params", f"cannot be read: {error}", record=str(path)) from error
        try:
            return cls.from_dict(raw)
        except FieldError as error:
            raise error.at(str(path)) from None


#: Fields that are shares of something, strictly between 0 and 1.
_SHARES = frozenset(
    {"allocation_share", "reserve_share", "routing_share", "elimination_share", "closing_share"}
)
#: Fields that may be 0 (seconds or counts that can be switched off).
_MAY_BE_ZERO = frozenset(
    {
        "reserve_min_s",
        "reserve_greedy_runs",
        "reserve_cap_greedy_runs",
        "pool_min_jobs",
        "routing_max_jobs",
        "min_prize_milli_fen",
        "min_placing_s",
        "after_placing_s",
        "max_placing_pairs",
        "balance_split_tries",
        "elimination_rounds",
        "closing_rounds",
        "second_search_min_s",
    }
)


def _check(params: SolveParams, field: dataclasses.Field[Any]) -> FieldError | None:
    value = getattr(params, field.name)
    if field.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return FieldError(field.name, f"must be a whole number, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return FieldError(field.name, f"must be a finite number, got {value!r}")
    if field.name in _SHARES and not 0 < value < 1:
        return FieldError(field.name, f"must be a share between 0 and 1, got {value!r}")
    if value < 0 or (value == 0 and field.name not in _MAY_BE_ZERO):
        least = "0 or more" if field.name in _MAY_BE_ZERO else "above 0"
        return FieldError(field.name, f"must be {least}, got {value!r}")
    return None
