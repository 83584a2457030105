"""Fewest vehicles for the same routes: a fleet's routes dealt out to as few trucks as the
shifts, the handover and the daily limits allow."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings

from routing.fleet import Vehicle
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import plan_greedy
from routing.solve.vehicles import fewest_vehicles
from routing.validation import validate
from scenarios.district import BoxSampler
from tests.factories import generated_districts, riverside

BOX = BoxSampler(116.30, 39.90, 116.36, 39.94)


def _two_tanks() -> tuple[Problem, Plan]:
    """Riverside with a second kitchen tank, and its greedy plan with the canteen's two visits
    (morning and midday) on the two tanks."""
    problem = riverside()
    problem = problem.replace(vehicles=(*problem.vehicles, Vehicle("K2", "tank", "D")))
    plan = plan_greedy(problem)
    tank = [k for k, r in enumerate(plan.routes) if r.vehicle_id == "K1"]
    assert len(tank) == 2
    routes = list(plan.routes)
    routes[tank[1]] = dataclasses.replace(routes[tank[1]], vehicle_id="K2")
    spread = dataclasses.replace(plan, routes=tuple(routes))
    assert validate(problem, spread).ok
    return problem, spread


def test_routes_in_two_shifts_go_to_one_truck() -> None:
    problem, spread = _two_tanks()
    packed = fewest_vehicles(problem, spread)
    assert validate(problem, packed).ok
    assert compute_kpis(problem, packed).vehicles_used == (
        compute_kpis(problem, spread).vehicles_used - 1
    )
    assert [dataclasses.replace(r, vehicle_id="") for r in packed.routes] == [
        dataclasses.replace(r, vehicle_id="") for r in spread.routes
    ]


def test_a_trucks_daily_limit_keeps_two_trucks() -> None:
    problem, spread = _two_tanks()
    canteen = problem.point_by_id["M1"]
    tank = dataclasses.replace(problem.vehicle_type_by_id["tank"], daily_kg=canteen.visit_kg(0) + 1)
    limited = problem.replace(
        vehicle_types=tuple(tank if t.id == "tank" else t for t in problem.vehicle_types)
    )
    assert validate(limited, spread).ok
    assert fewest_vehicles(limited, spread) is spread


def test_no_handover_time_no_shared_truck() -> None:
    problem, spread = _two_tanks()
    tank = [r for r in spread.routes if r.vehicle_id in {"K1", "K2"}]
    gap = tank[1].start_s - tank[0].end_s
    slow = problem.replace(rules=dataclasses.replace(problem.rules, handover_s=gap + 1))
    assert fewest_vehicles(slow, spread) is spread


@settings(max_examples=15, deadline=None)
@given(generated_districts(BOX, largest_scale=0.12))
def test_every_packed_plan_passes_the_validator_with_no_more_trucks(problem: Problem) -> None:
    plan = plan_greedy(problem)
    packed = fewest_vehicles(problem, plan)
    assert validate(problem, packed).ok
    assert len({r.vehicle_id for r in packed.routes}) <= len({r.vehicle_id for r in plan.routes})
