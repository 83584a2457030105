"""Stable plans (定点定员定时): a day planned from the last plan keeps points where they were."""

from __future__ import annotations

import dataclasses

from routing.dispatch.requests import COST_ONLY
from routing.dispatch.stable import STABLE, stability, stable_replan
from routing.plan import Plan
from routing.problem import Problem
from tests.routing.dispatch.helpers import assert_valid


def _more(problem: Problem, percent: int) -> Problem:
    """Every point's amounts grown by ``percent`` (every other point by twice that, the rest
    unchanged: about ``percent`` over the day)."""
    points = tuple(
        dataclasses.replace(
            p,
            kg_per_day=p.kg_per_day * (100 + 2 * percent * (k % 2)) // 100,
            litres_per_day=p.litres_per_day * (100 + 2 * percent * (k % 2)) // 100,
        )
        for k, p in enumerate(problem.points)
    )
    return problem.replace(points=points)


def test_the_same_day_again_keeps_every_point(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    result = stable_replan(problem, plan, time_limit_s=10, rounds=1)
    assert_valid(problem, result.plan)
    assert result.facts["stability"]["share"] == 1.0
    assert stability(problem, plan, result.plan).kept == sum(1 for _ in plan.served_visits())


def test_a_small_demand_change_keeps_more_with_the_stability_weight(
    district: tuple[Problem, Plan],
) -> None:
    problem, plan = district
    today = _more(problem, 5)
    stable = stable_replan(today, plan, previous_problem=problem, time_limit_s=30, rounds=2)
    free = stable_replan(
        today, plan, previous_problem=problem, weights=COST_ONLY, time_limit_s=30, rounds=2
    )
    for result in (stable, free):
        assert_valid(today, result.plan)
        assert len(result.plan.unserved) <= len(plan.unserved) + 2
    kept = stability(today, plan, stable.plan).share
    assert kept >= stability(today, plan, free.plan).share
    assert (
        kept == stable.facts["stability"]["share"]
        or abs(kept - stable.facts["stability"]["share"]) < 1e-4
    )


def test_stability_counts_vehicle_shift_and_time(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    route = plan.routes[0]
    first = route.trips[0].visits[0]
    late = dataclasses.replace(
        first,
        arrival_s=first.arrival_s + 16 * 60,
        start_s=first.start_s + 16 * 60,
        departure_s=first.departure_s + 16 * 60,
    )
    trip = dataclasses.replace(route.trips[0], visits=(late, *route.trips[0].visits[1:]))
    moved = dataclasses.replace(
        plan, routes=(dataclasses.replace(route, trips=(trip, *route.trips[1:])), *plan.routes[1:])
    )
    measured = stability(problem, plan, moved, tolerance_s=STABLE.tolerance_s)
    assert measured.compared == sum(1 for _ in plan.served_visits())
    assert measured.kept == measured.compared - 1
