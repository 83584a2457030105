"""The dispatch timer against the validator: a route cut anywhere and timed again keeps every
rule, its fixed stops and the order of the rest."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.dispatch.draft import Timer
from routing.dispatch.opening import cut_route
from routing.dispatch.requests import NO_LOCKS
from routing.plan import Plan, Unload, VisitStop
from routing.problem import Problem
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_valid


def _place(stop: VisitStop | Unload) -> tuple[str, int]:
    return (stop.point_id, stop.visit) if isinstance(stop, VisitStop) else (stop.facility_id, -1)


def _retimed(problem: Problem, plan: Plan, fixed_share: float) -> Plan:
    timer = Timer(problem)
    routes = []
    for route in plan.routes:
        stops = len(list(route.stops()))
        fixed = int(stops * fixed_share)
        shift = problem.shift_by_id[route.shift_id]
        draft = cut_route(
            problem, route, fixed, now_s=None, latest_end_s=shift.end_s, locks=NO_LOCKS
        )
        if fixed:
            draft.fixed_breaks = tuple(
                b for b in route.breaks if b.end_s <= list(route.stops())[fixed - 1].departure_s
            )
        timed = timer.time(draft)
        assert timed is not None, (route.vehicle_id, route.shift_id, timer.last_failure)
        assert timed.route is not None
        routes.append(timed.route)
    return dataclasses.replace(plan, routes=tuple(routes))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 3000), st.sampled_from([0.0, 0.3, 0.7, 1.0]))
def test_a_cut_route_timed_again_keeps_every_rule(seed: int, share: float) -> None:
    problem, plan = small_district(seed, scale=0.03)
    retimed = _retimed(problem, plan, share)
    assert_valid(problem, retimed)
    for before, after in zip(plan.routes, retimed.routes, strict=True):
        kept = int(len(list(before.stops())) * share)
        assert list(after.stops())[:kept] == list(before.stops())[:kept]
        assert [_place(s) for s in after.stops()] == [_place(s) for s in before.stops()]
