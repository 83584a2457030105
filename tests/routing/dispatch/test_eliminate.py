"""Route elimination: a route closes when its visits fit on the others for less than its
vehicle's fixed cost, and only then."""

from __future__ import annotations

import dataclasses

from routing.dispatch.eliminate import eliminate_routes
from routing.kpi import compute_kpis
from routing.problem import Problem
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_valid


def with_fixed_cost(problem: Problem, fen: int) -> Problem:
    types = tuple(dataclasses.replace(t, fixed_cost_fen=fen) for t in problem.vehicle_types)
    return problem.replace(vehicle_types=types)


def test_dear_vehicles_close_routes_and_the_day_costs_less() -> None:
    problem, plan = small_district(12, scale=0.05)
    dear = with_fixed_cost(problem, 5_000_000)  # 50,000 CNY a vehicle: any detour is cheaper
    result = eliminate_routes(dear, plan, time_limit_s=60, seed=1, rounds=1)
    assert_valid(dear, result.plan)
    assert result.facts["routes_closed"] >= 1
    assert len(result.plan.unserved) <= len(plan.unserved)
    working = {r.vehicle_id for r in result.plan.routes}
    assert len(working) < len({r.vehicle_id for r in plan.routes})
    assert compute_kpis(dear, result.plan).cost_yuan < compute_kpis(dear, plan).cost_yuan


def test_free_vehicles_keep_their_routes_when_closing_one_costs_more() -> None:
    problem, plan = small_district(12, scale=0.05)
    result = eliminate_routes(problem, plan, time_limit_s=60, seed=1, rounds=0)
    assert_valid(problem, result.plan)
    # Without a fixed cost a route closes only if its visits cost less elsewhere.
    before = compute_kpis(problem, plan).cost_yuan
    assert compute_kpis(problem, result.plan).cost_yuan <= before + 0.01
