"""A vehicle's daily limits (DL) and fixed cost, kept and weighed by every planner.

A generated district whose vehicles may collect three bodies a day and make 25 visits: the greedy planner, the optimiser and a dispatch operation each
plan it, and the validator (which reads DL on its own) judges their plans.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from routing.dispatch import reoptimise
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import plan_greedy, solve
from routing.solve.jobs import trip_limits
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(116.38, 39.90, 116.44, 39.94)


@pytest.fixture(scope="module")
def problem() -> Problem:
    base = generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.06))
    # Unlimited, the greedy plan's compactor makes 59 visits and the optimiser's e-cart
    # collects 6.3 t in 64 visits over the day's shifts: both limits bind.
    types = tuple(
        dataclasses.replace(t, daily_kg=t.capacity_kg * 3, daily_stops=25)
        for t in base.vehicle_types
    )
    return base.replace(vehicle_types=types)


def assert_days_within(problem: Problem, plan: Plan) -> None:
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    kg: Counter[str] = Counter()
    visits: Counter[str] = Counter()
    for route, _trip, stop in plan.served_visits():
        kg[route.vehicle_id] += problem.point_by_id[stop.point_id].visit_kg(stop.visit)
        visits[route.vehicle_id] += 1
    for vehicle_id in kg:
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[vehicle_id])
        assert vtype.daily_kg is not None
        assert kg[vehicle_id] <= vtype.daily_kg and visits[vehicle_id] <= 25
    assert sum(visits.values()) > 0


def test_trips_share_the_days_limits() -> None:
    vtype = dataclasses.replace(
        generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.06)).vehicle_types[0],
        capacity_kg=280,
        daily_kg=400,
        daily_stops=500,
    )
    trips, kg, _litres, visits = trip_limits(vtype)
    assert (trips, kg, visits) == (2, 200, 250)  # two trips of 200 fit the day's 400


def test_the_greedy_planner_keeps_the_daily_limits(problem: Problem) -> None:
    plan = plan_greedy(problem)
    assert_days_within(problem, plan)


def test_the_optimiser_keeps_the_daily_limits(problem: Problem) -> None:
    plan = solve(problem, time_limit_s=60, seed=1, max_iterations=100)
    assert_days_within(problem, plan)
    assert plan.stats is not None and plan.stats.optimiser is not None
    assert plan.stats.optimiser.valid  # the optimiser's own plan keeps them too


def test_a_reoptimisation_keeps_the_daily_limits(problem: Problem) -> None:
    plan = plan_greedy(problem)
    result = reoptimise(problem, plan, rounds=2, seed=1, time_limit_s=60)
    assert_days_within(problem, result.plan)


def test_a_vehicles_fixed_cost_is_counted_once_and_weighed_by_the_optimiser() -> None:
    base = generate_district(BOX, seed=6, spec=DistrictSpec(scale=0.05))
    dear = base.replace(
        vehicle_types=tuple(
            dataclasses.replace(t, fixed_cost_fen=2_000_000) for t in base.vehicle_types
        )
    )
    plan = solve(dear, time_limit_s=60, seed=1, max_iterations=100)
    working = {r.vehicle_id for r in plan.routes} | {h.vehicle_id for h in plan.hauls}
    without = compute_kpis(base, plan).cost_yuan
    assert compute_kpis(dear, plan).cost_yuan == pytest.approx(without + 20_000 * len(working))
    cheap = solve(base, time_limit_s=60, seed=1, max_iterations=100)
    assert len(working) <= len(
        {r.vehicle_id for r in cheap.routes} | {h.vehicle_id for h in cheap.hauls}
    )
