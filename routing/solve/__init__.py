"""Solver backends and the one entry point, :func:`solve`.

Each backend returns the project's :class:`~routing.plan.Plan`; every plan from every backend is
judged by :func:`routing.validation.validate` in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

from routing.plan import Plan
from routing.problem import Problem
from routing.solve.greedy import plan_greedy

#: Called with (share of the time limit used, 0..1; cost of the best plan so far in fen or None).
Progress = Callable[[float, int | None], None]

__all__ = ["Progress", "plan_greedy", "solve"]


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> Plan:
    """Plan ``problem``'s day within ``time_limit_s`` seconds; deterministic for a ``seed``.

    The backend is chosen here (today: the greedy constructive planner; the optimiser of issue 4
    plugs in behind this same call). Infeasible parts never raise: they are listed in
    :attr:`Plan.unserved` with the rule or limit that stopped them.
    """
    if progress is not None:
        progress(0.0, None)
    plan = plan_greedy(problem, seed=seed)
    if progress is not None:
        progress(1.0, None)
    return plan
