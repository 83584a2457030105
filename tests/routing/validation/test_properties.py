"""Invariants of the validator, over generated districts and plans (Hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan import Plan, Route, Trip
from routing.problem import Problem
from routing.solve import plan_greedy
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(121.40, 31.20, 121.46, 31.24)


def _day(seed: int) -> tuple[Problem, Plan]:
    problem = generate_district(BOX, seed=seed, spec=DistrictSpec(scale=0.05))
    return problem, plan_greedy(problem)


seeds = st.integers(0, 5_000)


@settings(max_examples=15, deadline=None)
@given(seeds, st.randoms(use_true_random=False))
def test_the_verdict_does_not_depend_on_the_order_of_routes(seed: int, rnd: random.Random) -> None:
    problem, plan = _day(seed)
    shuffled = list(plan.routes)
    rnd.shuffle(shuffled)
    before = Counter(validate(problem, plan).violations)
    after = Counter(validate(problem, dataclasses.replace(plan, routes=tuple(shuffled))).violations)
    assert before == after


@settings(max_examples=15, deadline=None)
@given(seeds, st.randoms(use_true_random=False))
def test_dropping_a_served_visit_is_always_caught_as_all(seed: int, rnd: random.Random) -> None:
    problem, plan = _day(seed)
    served = [(r, t, s) for r, t, s in plan.served_visits()]
    route, trip, stop = rnd.choice(served)
    new_trip = dataclasses.replace(trip, visits=tuple(v for v in trip.visits if v is not stop))
    new_route = dataclasses.replace(
        route, trips=tuple(new_trip if t is trip else t for t in route.trips)
    )
    broken = dataclasses.replace(
        plan, routes=tuple(new_route if r is route else r for r in plan.routes)
    )
    report = validate(problem, broken)
    assert any(
        v.rule == "ALL" and v.record == f"point {stop.point_id} visit {stop.visit}"
        for v in report.violations
    )


def _shift_stop(route: Route, trip_index: int, stop_index: int, delta: int) -> Route:
    trip = route.trips[trip_index]
    visits = list(trip.visits)
    v = visits[stop_index]
    visits[stop_index] = dataclasses.replace(
        v,
        arrival_s=v.arrival_s + delta,
        start_s=v.start_s + delta,
        departure_s=v.departure_s + delta,
    )
    trips = list(route.trips)
    trips[trip_index] = Trip(trip.stream, tuple(visits), trip.unload)
    return dataclasses.replace(route, trips=tuple(trips))


@settings(max_examples=20, deadline=None)
@given(seeds, st.randoms(use_true_random=False), st.integers(-4 * 3600, 4 * 3600))
def test_any_shifted_stop_gives_a_report_never_a_crash(
    seed: int, rnd: random.Random, delta: int
) -> None:
    problem, plan = _day(seed)
    index = rnd.randrange(len(plan.routes))
    route = plan.routes[index]
    trip_index = rnd.randrange(len(route.trips))
    stop_index = rnd.randrange(len(route.trips[trip_index].visits))
    moved = _shift_stop(route, trip_index, stop_index, delta)
    routes = tuple(moved if i == index else r for i, r in enumerate(plan.routes))
    report = validate(problem, dataclasses.replace(plan, routes=routes))
    if delta < 0:
        # Earlier than the road and the previous service allow, or before the window.
        assert not report.ok
    assert all(v.rule and v.record and v.message for v in report.violations)


@settings(max_examples=15, deadline=None)
@given(seeds)
def test_a_truck_made_smaller_than_its_biggest_trip_breaks_cp(seed: int) -> None:
    problem, plan = _day(seed)
    route = max(plan.routes, key=lambda r: max(t.unload.kg for t in r.trips if t.unload))
    vtype = problem.vehicle_type_of(problem.vehicle_by_id[route.vehicle_id])
    biggest = max(t.unload.kg for t in route.trips if t.unload)
    smaller = dataclasses.replace(vtype, capacity_kg=biggest - 1)
    variant = problem.replace(
        vehicle_types=tuple(smaller if t.id == vtype.id else t for t in problem.vehicle_types)
    )
    assert "CP" in validate(variant, plan).rules_broken()
