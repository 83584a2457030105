"""Route elimination: fewer vehicles where a vehicle costs more than the detours that spare it.

The day is opened as a re-plan opens it; then, round after round, the route with the fewest
visits gives all of them to the other routes, placed by regret (:meth:`Search.close`), and the
change is kept only if every visit found a place and the objective — the routes' cost with each
working vehicle's fixed cost (:attr:`~routing.fleet.VehicleType.fixed_cost_fen`) — fell. What is
left of the time moves visits where the objective falls most. The optimiser runs it on its plan
when vehicles have a fixed cost (vehicles first); a dispatcher may run it on any valid plan.
"""

from __future__ import annotations

import random
import time

from routing.dispatch.pipeline import Budget, Opened, Run, against, reopen, run_operation
from routing.dispatch.requests import COST_ONLY
from routing.dispatch.result import DispatchResult
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem


def _eliminate(run: Run) -> None:
    """Close routes, fewest visits first, while one closes; then move visits."""
    search, day, deadline = run.search, run.day, run.deadline
    closed = 0
    tried: set[tuple[str, str]] = set()
    while time.perf_counter() < deadline:
        open_routes = [
            (sum(1 for _ in d.flex_visits()), i)
            for i, d in enumerate(day.drafts)
            if day.timed[i].route is not None
            and d.movable
            and (d.vehicle_id, d.shift_id) not in tried
        ]
        if not open_routes:
            break
        _visits, index = min(open_routes)
        draft = day.drafts[index]
        tried.add((draft.vehicle_id, draft.shift_id))
        if search.close(index, deadline=deadline):
            closed += 1
            tried.clear()  # a closed route leaves others room: every one may be tried again
    keys = [k for d in day.drafts if d.movable for k in d.flex_visits()]
    rng = random.Random(run.budget.seed)
    run.moves = search.relocate(keys, deadline=deadline, rng=rng, rounds=run.budget.rounds)
    run.noted |= {"routes_closed": closed}


def eliminate_routes(
    problem: Problem,
    plan: Plan,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    rounds: int = 2,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` with routes closed where their visits fit on the other routes for less than the
    vehicle's fixed cost (see the module's description); ``plan`` must keep every rule.

    ``time_limit_s`` bounds the closing and moving; ``rounds`` the rounds of moves after it
    (deterministic for a seed when they end it first). ``params``: the tuning constants.
    """
    return run_operation(
        "eliminate",
        lambda: Opened(reopen(problem, plan, params=params)),
        _eliminate,
        objective=against(COST_ONLY, plan),
        budget=Budget(time_limit_s, seed, rounds),
        facts=lambda run: {"moves": run.moves, **run.noted, **run.objective_facts()},
    )
