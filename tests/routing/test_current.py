"""Current routes timed as a crew drives them: every visit listed, rule breaks left for the
validator to name, bad routes refused naming the record and the field."""

from __future__ import annotations

import pytest

from routing.current import NOT_ROUTED, CurrentRoute, time_current_routes
from routing.errors import ProblemError
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import plan_greedy
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


@pytest.fixture(scope="module")
def day() -> tuple[Problem, Plan]:
    problem = generate_district(BOX, seed=2, spec=DistrictSpec(scale=0.05))
    return problem, plan_greedy(problem, seed=1)


def _as_current(plan: Plan) -> list[CurrentRoute]:
    return [
        CurrentRoute(r.vehicle_id, r.shift_id, tuple(v.point_id for t in r.trips for v in t.visits))
        for r in plan.routes
        if r.trips
    ]


def test_a_plans_own_order_is_driven_with_every_visit_and_load_unloaded(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    current = time_current_routes(problem, _as_current(plan))
    made = sorted((v.point_id, v.visit) for _, _, v in current.served_visits())
    assert made == sorted((v.point_id, v.visit) for _, _, v in plan.served_visits())
    assert not current.unserved
    report = validate(problem, current)
    # Loads are unloaded before they pass the capacity, trips end at a facility that takes
    # their stream, breaks are taken when due: those rules hold whatever the order.
    assert not report.rules_broken() & {"CP", "CT1", "CT3", "CT4", "SH1", "ALL", "REF"}
    assert compute_kpis(problem, current).km >= 0.9 * compute_kpis(problem, plan).km


def test_a_route_that_breaks_rules_is_timed_and_the_validator_names_them(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    routes = _as_current(plan)
    # Everything of the first shift's routes on one vehicle: its shift overruns (SH2) and
    # windows close before it gets there (TW); the other vehicles of that shift stay home.
    first = routes[0].shift_id
    same = [r for r in routes if r.shift_id == first]
    merged = CurrentRoute(same[0].vehicle_id, first, tuple(p for r in same for p in r.point_ids))
    timed = time_current_routes(problem, [merged, *(r for r in routes if r.shift_id != first)])
    broken = validate(problem, timed).rules_broken()
    assert len(same) > 1 and broken & {"SH2", "TW", "CT1", "CT5", "CT6"}
    assert len(timed.routes) == len(routes) - len(same) + 1


def test_visits_on_no_route_are_listed(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    routes = _as_current(plan)
    timed = time_current_routes(problem, routes[1:])
    left = {(u.point_id, u.visit) for u in timed.unserved}
    assert left and all(u.reason == NOT_ROUTED for u in timed.unserved)
    assert set(routes[0].point_ids) <= {p for p, _ in left}


def test_unknown_records_are_named_with_their_field(day: tuple[Problem, Plan]) -> None:
    problem, _ = day
    bad = [
        CurrentRoute("no-such-truck", "S1", (problem.points[0].id,), source="sheet rows 2…3"),
        CurrentRoute(problem.vehicles[0].id, "S9", ("nowhere",), source="sheet rows 4…5"),
    ]
    with pytest.raises(ProblemError) as caught:
        time_current_routes(problem, bad)
    text = str(caught.value)
    assert "sheet rows 2…3: vehicle: no vehicle 'no-such-truck'" in text
    assert "sheet rows 4…5: shift: no shift 'S9'" in text
    assert "sheet rows 4…5: point: no point 'nowhere'" in text
