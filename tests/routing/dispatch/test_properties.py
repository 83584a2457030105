"""Every dispatch operation on generated districts (random fleets, crews, landfill distance):
the plan returned passes the validator, and nothing before the change's time moved."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.dispatch import (
    Breakdown,
    DispatchError,
    Locks,
    UrgentRequest,
    apply_urgent,
    breakdown,
    rank_urgent,
    reoptimise,
)
from routing.problem import Problem
from routing.solve import plan_greedy
from routing.units import HOUR
from scenarios.district import BoxSampler
from tests.factories import generated_districts
from tests.routing.dispatch.helpers import assert_past_kept, assert_valid

BOX = BoxSampler(113.26, 23.12, 113.32, 23.16)
districts = generated_districts(BOX, largest_scale=0.03)
quick = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(districts, st.integers(0, 10_000), st.integers(5, 20))
def test_breakdowns_on_any_fleet(problem: Problem, pick: int, hour: int) -> None:
    plan = plan_greedy(problem)
    if not plan.routes:
        return
    vehicle = plan.routes[pick % len(plan.routes)].vehicle_id
    result = breakdown(problem, plan, Breakdown(vehicle, hour * HOUR), time_limit_s=10, rounds=1)
    assert_valid(problem, result.plan)
    assert_past_kept(plan, result.plan, hour * HOUR)


@quick
@given(districts, st.integers(0, 10_000), st.integers(5, 20))
def test_urgent_pickups_on_any_fleet(problem: Problem, pick: int, hour: int) -> None:
    plan = plan_greedy(problem)
    point = problem.points[pick % len(problem.points)]
    request = UrgentRequest(
        "URG",
        point.stream,
        point.visit_kg(0),
        deadline_s=min(24 * HOUR, (hour + 4) * HOUR),
        litres=point.visit_litres(0),
        at_point=point.id,
    )
    ranking = rank_urgent(problem, plan, request, now_s=hour * HOUR, limit=2)
    if not ranking.slots:
        assert ranking.reasons  # never silent
        try:
            apply_urgent(problem, plan, request, now_s=hour * HOUR, limit=2)
        except DispatchError as error:
            assert error.reasons == ranking.reasons
        else:
            raise AssertionError("a pickup without slots was applied")
        return
    result = apply_urgent(problem, plan, request, now_s=hour * HOUR, limit=2)
    assert_valid(result.problem, result.plan)
    assert_past_kept(plan, result.plan, hour * HOUR)


@quick
@given(districts, st.integers(0, 10_000))
def test_reoptimising_any_fleet_keeps_locked_vehicles(problem: Problem, pick: int) -> None:
    plan = plan_greedy(problem)
    locked = {plan.routes[pick % len(plan.routes)].vehicle_id} if plan.routes else set()
    result = reoptimise(
        problem, plan, locks=Locks(vehicles=frozenset(locked)), time_limit_s=10, rounds=1
    )
    assert_valid(problem, result.plan)
    for route in plan.routes:
        if route.vehicle_id in locked:
            assert route in result.plan.routes
