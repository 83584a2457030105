"""Lock and re-optimise, and the crews' feedback.

:func:`reoptimise` keeps what the dispatcher locks (:class:`~routing.dispatch.requests.Locks`),
what is done (crews' reports) and what is past (``now_s``), and re-plans the rest: visits the plan
leaves unserved are tried again, then every flexible visit is moved where the objective (cost,
and whatever :class:`~routing.dispatch.requests.Weights` add) falls most, within the rules.

:func:`apply_feedback` takes the crews' reports into the plan: done visits fix the past; a
skipped visit leaves its route and becomes a candidate for the next shifts' routes (never the
shift it was skipped in); if none can take it, it is listed unserved with the crew's reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from routing.dispatch.pipeline import (
    Budget,
    Facts,
    Opened,
    Run,
    against,
    move_every_visit,
    move_the_placed,
    reopen,
    run_operation,
)
from routing.dispatch.requests import COST_ONLY, DISRUPTION, NO_LOCKS, Locks, StopReport, Weights
from routing.dispatch.result import DispatchResult
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.units import format_clock


def reoptimise(
    problem: Problem,
    plan: Plan,
    *,
    locks: Locks = NO_LOCKS,
    reports: Iterable[StopReport] = (),
    now_s: int | None = None,
    weights: Weights = COST_ONLY,
    retry_unserved: bool = True,
    time_limit_s: float = 10.0,
    seed: int = 0,
    rounds: int = 3,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` with everything not locked, done or past re-planned (see the module).

    The search is bounded by ``time_limit_s`` and ``rounds`` of moves; with ``rounds`` ending
    it first, the same seed gives the same plan. ``params``: the tuning constants
    (:class:`~routing.params.SolveParams`; the defaults when None).
    """

    def opening() -> Opened:
        day = reopen(problem, plan, now_s=now_s, reports=reports, locks=locks, params=params)
        retried = [(u.point_id, u.visit) for u in plan.unserved] if retry_unserved else []
        return Opened(day, [*day.pool, *retried])

    def facts(run: Run) -> Facts:
        return {
            "locked": {
                "vehicles": sorted(locks.vehicles),
                "routes": [f"{v}/{s}" for v, s in sorted(locks.routes)],
                "trips": [f"{v}/{s}/{n}" for v, s, n in sorted(locks.trips)],
                "visits": [f"{p}/{v}" for p, v in sorted(locks.visits)],
            },
            "now": format_clock(now_s) if now_s is not None else None,
            "moves": run.moves,
            **run.objective_facts(),
        }

    return run_operation(
        "reoptimise",
        opening,
        move_every_visit,
        objective=against(weights, plan),
        budget=Budget(time_limit_s, seed, rounds),
        facts=facts,
        tolerance_s=weights.tolerance_s,
    )


def apply_feedback(
    problem: Problem,
    plan: Plan,
    reports: Iterable[StopReport],
    *,
    now_s: int | None = None,
    weights: Weights = DISRUPTION,
    time_limit_s: float = 10.0,
    seed: int = 0,
    rounds: int = 2,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` with the crews' ``reports`` taken in (see the module's description);
    ``params``: the tuning constants (the defaults when None)."""
    reports = tuple(reports)

    def opening() -> Opened:
        day = reopen(problem, plan, now_s=now_s, reports=reports, params=params)
        return Opened(day, list(day.pool))

    def facts(run: Run) -> Facts:
        skipped = run.to_place
        return {
            "done": sum(1 for r in reports if r.status == "done"),
            "skipped": len(skipped),
            "skipped_replanned": sum(1 for k in skipped if k in run.day.at),
            "moves": run.moves,
        }

    return run_operation(
        "feedback",
        opening,
        move_the_placed,
        objective=against(weights, plan),
        budget=Budget(time_limit_s, seed, rounds),
        facts=facts,
        tolerance_s=weights.tolerance_s,
    )
