"""A breakdown: nothing done moves, the broken truck's work goes to the others or is listed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.dispatch import DISRUPTION, Breakdown, breakdown, compare
from routing.errors import FieldError, ProblemError
from routing.plan import Plan, VisitStop
from routing.problem import Problem
from routing.units import HOUR, MINUTE
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_past_kept, assert_valid, route_of

AT = 4 * HOUR + 36 * MINUTE  # C1 has served R1 and R2 of its first trip


def test_the_broken_truck_unloads_what_it_carries_and_goes_home(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    result = breakdown(problem, plan, Breakdown("C1", AT), rounds=1)
    assert_valid(problem, result.plan)
    before = route_of(plan, "C1", "S1")
    after = route_of(result.plan, "C1", "S1")
    done = [s for s in before.stops() if s.arrival_s <= AT]
    assert done and list(after.stops())[: len(done)] == done
    assert len(after.trips) == 1 and after.trips[0].unload is not None
    assert list(after.trips[0].visits) == [v for v in done if isinstance(v, VisitStop)]
    assert_past_kept(plan, result.plan, AT)


def test_the_rest_goes_to_other_vehicles_or_is_listed_with_the_breakdown(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    result = breakdown(problem, plan, Breakdown("C1", AT), rounds=1)
    freed = [
        (s.point_id, s.visit)
        for s in route_of(plan, "C1", "S1").stops()
        if isinstance(s, VisitStop) and s.arrival_s > AT
    ]
    assert freed and result.facts["visits_freed"] == len(freed)
    served = {(s.point_id, s.visit): r.vehicle_id for r, _t, s in result.plan.served_visits()}
    unserved = {(u.point_id, u.visit): u for u in result.plan.unserved}
    for key in freed:
        if key in served:
            assert served[key] != "C1" or all(
                r.start_s >= 24 * HOUR for r in result.plan.routes if r.vehicle_id == "C1"
            )
        else:
            assert "C1 broke down" in unserved[key].reason
    assert result.disruption == compare(plan, result.plan, tolerance_s=DISRUPTION.tolerance_s)
    assert result.disruption.count("moved") == sum(1 for k in freed if k in served)


def test_a_vehicle_back_in_service_gets_work_after_its_repair(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    result = breakdown(problem, plan, Breakdown("C1", AT, until_s=11 * HOUR), rounds=1)
    assert_valid(problem, result.plan)
    for route in result.plan.routes:
        if route.vehicle_id == "C1" and route.shift_id != "S1":
            assert route.start_s >= 11 * HOUR


def test_bad_breakdowns_name_the_field(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    with pytest.raises(ProblemError) as caught:
        breakdown(problem, plan, Breakdown("Z9", AT))
    assert (caught.value.defects[0].record, caught.value.defects[0].field) == (
        "breakdown",
        "vehicle_id",
    )
    with pytest.raises(FieldError, match="until_s"):
        Breakdown("C1", AT, until_s=AT - 1)
    with pytest.raises(FieldError, match="at_s"):
        Breakdown("C1", -5)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 100), st.integers(5 * HOUR, 20 * HOUR))
def test_breakdowns_keep_the_rules_and_the_past(seed: int, pick: int, at: int) -> None:
    problem, plan = small_district(seed, scale=0.03)
    vehicle = plan.routes[pick % len(plan.routes)].vehicle_id
    result = breakdown(problem, plan, Breakdown(vehicle, at), time_limit_s=10, rounds=1)
    assert_valid(problem, result.plan)
    assert_past_kept(plan, result.plan, at)
    for route in result.plan.routes:
        if route.vehicle_id == vehicle:  # the broken truck serves nothing after it broke down
            assert all(s.arrival_s <= at for t in route.trips for s in t.visits)
    placed, freed = result.facts["visits_placed"], result.facts["visits_freed"]
    assert placed <= freed
    assert result.disruption.count("dropped") == freed - placed
