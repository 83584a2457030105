"""Solver backends and the one entry point, :func:`solve`.

Each backend returns the project's :class:`~routing.plan.Plan`; every plan from every backend is
judged by :func:`routing.validation.validate` in the tests.
"""

from __future__ import annotations

from routing.plan import Plan
from routing.problem import Problem
from routing.solve.greedy import plan_greedy
from routing.solve.optimiser import Progress, optimise

__all__ = ["ENGINES", "Progress", "optimise", "plan_greedy", "solve"]

#: The engines :func:`solve` can use: the optimiser (PyVRP + CP-SAT, with the greedy planner as
#: fill and fallback) or the greedy planner alone.
ENGINES = ("optimiser", "greedy")


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    progress: Progress | None = None,
    max_iterations: int | None = None,
    engine: str = "optimiser",
    workers: int | None = None,
    warm_start: Plan | None = None,
) -> Plan:
    """Plan ``problem``'s day within ``time_limit_s`` seconds.

    Deterministic for a ``seed`` when ``max_iterations`` bounds the search (a time limit alone
    depends on the machine's speed). Infeasible parts never raise: they are listed in
    :attr:`Plan.unserved` with the rule or limit that stopped them. ``warm_start``: a previous
    plan (yesterday's) to start the optimiser's search from.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "greedy":
        if progress is not None:
            progress(0.0, None)
        plan = plan_greedy(problem, seed=seed)
        if progress is not None:
            progress(1.0, None)
        return plan
    return optimise(
        problem,
        time_limit_s=time_limit_s,
        seed=seed,
        max_iterations=max_iterations,
        workers=workers,
        progress=progress,
        warm_start=warm_start,
    )
