"""The course every dispatch operation takes, written once.

1. **open the day**: the operation's own opening (:func:`~routing.dispatch.opening.open_day`
   with its locks, reports or out-of-service vehicle; or a new day carried over from the last
   plan), giving the :class:`Day` and the visits to place;
2. **search**: a :class:`~routing.dispatch.search.Search` over the day, judged by the
   operation's :class:`~routing.dispatch.objective.Objective`;
3. **place and move**: the operation's way of searching (:func:`move_the_placed`,
   :func:`move_every_visit`, or one of its own), within the :class:`Budget`;
4. **settle**: facilities and stations brought within their limits, what that gives back
   placed again (:meth:`~routing.dispatch.search.Search.settle`);
5. **finish**: the plan assembled and judged by the validator
   (:func:`~routing.dispatch.result.finish`), with the operation's facts and the seconds it took.

Each operation's module keeps only what is its own: how it opens the day, what it places, how
it searches and what it reports.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from routing.dispatch.day import Day
from routing.dispatch.draft import Timer
from routing.dispatch.objective import Objective, reference_of
from routing.dispatch.opening import open_day, require_valid
from routing.dispatch.requests import NO_LOCKS, Locks, StopReport, VisitKey, Weights
from routing.dispatch.result import DispatchResult, finish
from routing.dispatch.search import Search, settle_deadline
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.units import MINUTE

Facts = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Budget:
    """How long the search may run: ``time_limit_s`` seconds of wall time and ``rounds`` rounds
    of moves, whichever ends first; ``seed`` orders the moves (the same seed and a budget that
    ``rounds`` ends give the same plan)."""

    time_limit_s: float
    seed: int
    rounds: int


@dataclass(frozen=True, slots=True)
class Opened:
    """A day opened for an operation, the visits the operation is to place in it, and what the
    opening found that the operation reports (``noted``)."""

    day: Day
    to_place: list[VisitKey] = field(default_factory=list)
    noted: Facts = field(default_factory=dict)


@dataclass(slots=True)
class Run:
    """One operation under way: the day opened, its search, the budget, and what has been done.

    ``objective_before_fen``: the objective over the day as opened, before any change;
    ``moves``: the visits moved by the search; ``noted``: what the opening and the search found
    that the operation reports.
    """

    opened: Opened
    search: Search
    budget: Budget
    deadline: float  # perf_counter time at which the search stops
    objective_before_fen: float
    moves: int = 0
    noted: Facts = field(default_factory=dict)

    @property
    def day(self) -> Day:
        """The day being changed."""
        return self.opened.day

    @property
    def to_place(self) -> list[VisitKey]:
        """The visits the operation places."""
        return self.opened.to_place

    def objective_facts(self) -> Facts:
        """The objective over the day before the operation and now (fen)."""
        return {
            "objective_before_fen": round(self.objective_before_fen),
            "objective_after_fen": round(self.search.total()),
        }


def move_the_placed(run: Run) -> None:
    """Place the visits by regret, then move the placed ones where the objective falls most."""
    _placed, run.moves = run.search.place(
        run.to_place, deadline=run.deadline, seed=run.budget.seed, rounds=run.budget.rounds
    )


def move_every_visit(run: Run) -> None:
    """Place the visits by regret, then move every flexible visit of the day where the
    objective falls most."""
    run.search.insert_pool(run.to_place, deadline=run.deadline)
    keys = [k for d in run.day.drafts if d.movable for k in d.flex_visits()]
    run.moves = run.search.relocate(
        keys, deadline=run.deadline, rng=random.Random(run.budget.seed), rounds=run.budget.rounds
    )


def against(weights: Weights, reference: Plan) -> Callable[[Day], Objective]:
    """The objective of cost plus ``weights``, changes measured against ``reference``."""
    return lambda _day: Objective(weights, reference_of(reference.routes))


def reopen(
    problem: Problem,
    plan: Plan,
    *,
    now_s: int | None = None,
    reports: Iterable[StopReport] = (),
    locks: Locks = NO_LOCKS,
    out_of_service: Mapping[str, tuple[int, int]] | None = None,
    params: SolveParams | None = None,
) -> Day:
    """``plan``, which must keep every rule (a change to it could not be judged otherwise),
    opened for changes (see :func:`~routing.dispatch.opening.open_day`)."""
    require_valid(problem, plan)
    return open_day(
        problem,
        plan,
        now_s=now_s,
        reports=reports,
        locks=locks,
        out_of_service=out_of_service,
        timer=Timer(problem, params),
    )


def run_operation(
    operation: str,
    opening: Callable[[], Opened],
    searching: Callable[[Run], None],
    *,
    objective: Callable[[Day], Objective],
    budget: Budget,
    facts: Callable[[Run], Facts],
    before: tuple[Problem, Plan] | None = None,
    tolerance_s: int = 15 * MINUTE,
    meta: Mapping[str, str | int | float] | None = None,
) -> DispatchResult:
    """Open the day, search it, settle it and finish (see the module's description).

    Parameters
    ----------
    operation
        The operation's name, in the plan's meta and the result.
    opening
        Opens the day and says what to place.
    searching
        Places and moves visits within the run's deadline; sets :attr:`Run.moves`.
    objective
        The objective of the search, for the opened day.
    budget
        The search's time limit (s), rounds and seed.
    facts
        What the operation reports, read from the settled run; the seconds taken are added.
    before, tolerance_s, meta
        As for :func:`~routing.dispatch.result.finish`.
    """
    began = time.perf_counter()
    opened = opening()
    search = Search(opened.day, objective(opened.day))
    run = Run(
        opened,
        search,
        budget,
        deadline=began + budget.time_limit_s,
        objective_before_fen=search.total(),
        noted=dict(opened.noted),
    )
    searching(run)
    search.settle(deadline=settle_deadline(budget.time_limit_s))
    return finish(
        run.day,
        operation,
        before=before,
        tolerance_s=tolerance_s,
        facts={**facts(run), "seconds": round(time.perf_counter() - began, 3)},
        meta=meta,
    )
