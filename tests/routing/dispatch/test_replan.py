"""Lock and re-optimise; crews' feedback: locked, done and past things stay as they are."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.dispatch import Locks, StopReport, apply_feedback, reoptimise
from routing.errors import FieldError, ProblemError
from routing.plan import Plan, Unserved, VisitStop
from routing.problem import Problem
from routing.units import HOUR
from tests.factories import N, schedule
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_past_kept, assert_valid, route_of, where


def _quick(problem: Problem, plan: Plan, **options: object) -> Plan:
    result = reoptimise(problem, plan, time_limit_s=20, rounds=2, **options)  # type: ignore[arg-type]
    assert_valid(problem, result.plan)
    return result.plan


def test_reoptimising_never_raises_the_objective(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    result = reoptimise(problem, plan, time_limit_s=20, rounds=2)
    assert_valid(problem, result.plan)
    assert result.facts["objective_after_fen"] <= result.facts["objective_before_fen"]


def test_locked_vehicles_and_routes_stay_exactly(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    first, second = plan.routes[0], plan.routes[-1]
    locks = Locks(
        vehicles=frozenset({first.vehicle_id}),
        routes=frozenset({(second.vehicle_id, second.shift_id)}),
    )
    after = _quick(problem, plan, locks=locks)
    for route in plan.routes:
        if route.vehicle_id == first.vehicle_id or route is second:
            assert route in after.routes


def test_a_locked_trip_keeps_its_visits_order_and_facility(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    route = max(plan.routes, key=lambda r: len(r.trips))
    locks = Locks(trips=frozenset({(route.vehicle_id, route.shift_id, 1)}))
    after = route_of(_quick(problem, plan, locks=locks), route.vehicle_id, route.shift_id)
    trip = route.trips[0]
    assert any(
        [(v.point_id, v.visit) for v in t.visits] == [(v.point_id, v.visit) for v in trip.visits]
        and t.unload is not None
        and trip.unload is not None
        and t.unload.facility_id == trip.unload.facility_id
        for t in after.trips
    )


def test_locked_visits_keep_their_vehicle_and_shift(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    chosen = [(r, s) for r, _t, s in plan.served_visits()][::7]
    locks = Locks(visits=frozenset((s.point_id, s.visit) for _r, s in chosen))
    after = _quick(problem, plan, locks=locks)
    for route, stop in chosen:
        placed = where(after, stop.point_id, stop.visit)
        assert placed is not None and placed[:2] == (route.vehicle_id, route.shift_id)


def test_now_and_done_visits_fix_the_past(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    route = max(plan.routes, key=lambda r: sum(len(t.visits) for t in r.trips))
    late_done = [s for t in route.trips for s in t.visits][-2]
    reports = [StopReport(late_done.point_id, late_done.visit, "done")]
    after = _quick(problem, plan, now_s=8 * HOUR, reports=reports)
    assert_past_kept(plan, after, 8 * HOUR)
    kept = route_of(after, route.vehicle_id, route.shift_id)
    stops = list(route.stops())
    upto = stops.index(late_done) + 1
    assert list(kept.stops())[:upto] == stops[:upto]


def test_an_unserved_visit_that_fits_is_served_again(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    k1 = route_of(plan, "K1", "S2")
    without = Plan(
        plan.problem_name,
        tuple(r for r in plan.routes if r is not k1),
        (),
        (Unserved("M1", 1, "SH1", "left out on purpose"),),
    )
    after = reoptimise(problem, without, time_limit_s=10, rounds=1)
    assert_valid(problem, after.plan)
    assert where(after.plan, "M1", 1) is not None
    assert after.disruption.count("added") == 1


def test_bad_locks_and_reports_name_the_record_and_field(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    with pytest.raises(ProblemError) as caught:
        reoptimise(
            problem,
            plan,
            locks=Locks(vehicles=frozenset({"Z9"}), trips=frozenset({("C1", "S1", 4)})),
        )
    found = {(d.record, d.field) for d in caught.value.defects}
    assert found == {("locks", "vehicles"), ("locks", "trips")}
    with pytest.raises(ProblemError) as caught:
        apply_feedback(problem, plan, [StopReport("R1", 1, "done")])
    assert (caught.value.defects[0].record, caught.value.defects[0].field) == (
        "report R1 visit 1",
        "point_id",
    )
    with pytest.raises(FieldError, match="reason"):
        StopReport("R1", 0, "skipped", "  ")
    with pytest.raises(FieldError, match="trips"):
        Locks(trips=frozenset({("C1", "S1", 0)}))


def test_a_skipped_visit_goes_to_a_later_shift_or_is_listed(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    reports = [StopReport("R1", 0, "done"), StopReport("R2", 0, "skipped", "road blocked")]
    result = apply_feedback(problem, plan, reports)
    assert_valid(problem, result.plan)
    placed = where(result.plan, "R2")
    if placed is None:
        assert "road blocked" in next(u.reason for u in result.plan.unserved if u.point_id == "R2")
    else:
        assert problem.shift_by_id[placed[1]].start_s > problem.shift_by_id["S1"].start_s
    c1 = route_of(result.plan, "C1", "S1")
    assert c1.trips[0].visits[0] == route_of(plan, "C1", "S1").trips[0].visits[0]
    # The truck passed R2: what follows is not earlier than it was.
    old = {
        (s.point_id, s.visit): s
        for s in route_of(plan, "C1", "S1").stops()
        if isinstance(s, VisitStop)
    }
    for stop in c1.trips[0].visits[1:]:
        assert stop.arrival_s >= old[("R2", 0)].departure_s


def test_a_skipped_visit_goes_only_to_a_later_shift(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    result = apply_feedback(problem, plan, [StopReport("M1", 1, "skipped", "gate locked")])
    assert_valid(problem, result.plan)
    placed = where(result.plan, "M1", 1)
    if placed is None:
        assert "gate locked" in next(u.reason for u in result.plan.unserved if u.point_id == "M1")
    else:
        assert placed[1] == "S3"


def test_a_visit_skipped_in_the_last_shift_is_listed_with_the_reason(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    s1 = route_of(plan, "S1", "S2")
    late = schedule(problem, "S1", "S3", "crew05", [(N, [("T1", 0)], "NP")])
    evening = Plan(plan.problem_name, tuple(late if r is s1 else r for r in plan.routes))
    assert_valid(problem, evening)
    result = apply_feedback(problem, evening, [StopReport("T1", 0, "skipped", "toilet closed")])
    assert_valid(problem, result.plan)
    assert where(result.plan, "T1") is None
    listed = next(u for u in result.plan.unserved if u.point_id == "T1")
    assert "toilet closed" in listed.reason and "no later shift" in listed.reason


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2000), st.integers(5 * HOUR, 18 * HOUR), st.integers(0, 1000))
def test_feedback_keeps_the_rules_and_the_past(seed: int, now: int, pick: int) -> None:
    problem, plan = small_district(seed, scale=0.03)
    reached = [
        s for r in plan.routes for s in r.stops() if isinstance(s, VisitStop) and s.arrival_s <= now
    ]
    reports = []
    if reached:
        first = reached[pick % len(reached)]
        reports.append(StopReport(first.point_id, first.visit, "skipped", "blocked"))
    result = apply_feedback(problem, plan, reports, now_s=now, time_limit_s=10, rounds=1)
    assert_valid(problem, result.plan)
    for report in reports:
        placed = where(result.plan, report.point_id, report.visit)
        assert placed is None or placed[1] != where(plan, report.point_id, report.visit)[1]  # type: ignore[index]
