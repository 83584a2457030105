"""Solver backends and the one entry point, :func:`solve`.

Each backend returns the project's :class:`~routing.plan.Plan`; every plan from every backend is
judged by :func:`routing.validation.validate` in the tests. A solve takes one stopping criterion
(:class:`Stop`) and one parameters object (:class:`SolveParams`); the plan it returns carries
its run statistics (:class:`~routing.plan.RunStats`).
"""

from __future__ import annotations

import dataclasses
import time

from routing.params import SolveParams
from routing.plan import Plan, RunStats
from routing.problem import Problem
from routing.solve.greedy import plan_greedy
from routing.solve.optimiser import Progress, optimise
from routing.solve.stop import Stop

__all__ = [
    "ENGINES",
    "Progress",
    "RunStats",
    "SolveParams",
    "Stop",
    "optimise",
    "plan_greedy",
    "solve",
]

#: The engines :func:`solve` can use: the optimiser (PyVRP + CP-SAT, with the greedy planner as
#: fill and fallback) or the greedy planner alone.
ENGINES = ("optimiser", "greedy")


def solve(
    problem: Problem,
    *,
    stop: Stop | None = None,
    params: SolveParams | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    engine: str = "optimiser",
    workers: int | None = None,
    warm_start: Plan | None = None,
    time_limit_s: float = 60.0,
    max_iterations: int | None = None,
) -> Plan:
    """Plan ``problem``'s day until ``stop``.

    Parameters
    ----------
    stop
        When the search ends; ``Stop(time_limit_s, max_iterations)`` when None (the two are a
        convenience for callers that pass loose limits). Deterministic for a ``seed`` when its
        iterations bound the search (a time limit alone depends on the machine's speed).
    params
        The optimiser's tuning constants; :class:`SolveParams` defaults when None.
    warm_start
        A previous plan (yesterday's) to start the optimiser's search from.

    Infeasible parts never raise: they are listed in :attr:`Plan.unserved` with the rule or limit
    that stopped them. The plan's :attr:`~routing.plan.Plan.stats` say how the run went.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    stop = stop or Stop(time_limit_s, max_iterations)
    if engine == "greedy":
        began = time.perf_counter()
        if progress is not None:
            progress(0.0, None)
        plan = plan_greedy(problem, seed=seed, params=params)
        if progress is not None:
            progress(1.0, None)
        seconds = round(time.perf_counter() - began, 3)
        stats = RunStats(
            engine="greedy",
            chosen="greedy",
            seed=seed,
            seconds=seconds,
            phases=(("greedy", seconds),),
            time_limit_s=stop.time_limit_s,
            iterations=stop.iterations,
        )
        return dataclasses.replace(plan, stats=stats)
    return optimise(
        problem,
        stop=stop,
        params=params,
        seed=seed,
        workers=workers,
        progress=progress,
        warm_start=warm_start,
    )
