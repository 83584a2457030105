"""Checks shared by the dispatch tests."""

from __future__ import annotations

from routing.plan import Plan, Route, Unload, VisitStop
from routing.problem import Problem
from routing.validation import validate


def assert_valid(problem: Problem, plan: Plan) -> None:
    """The plan keeps every rule and accounts for every visit."""
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:8]]
    served = sum(1 for _ in plan.served_visits())
    assert served + len(plan.unserved) == sum(p.visits_per_day for p in problem.points)


def stops_until(route: Route, moment: int) -> list[VisitStop | Unload]:
    """The stops of ``route`` reached at or before ``moment``."""
    return [s for s in route.stops() if s.arrival_s <= moment]


def route_of(plan: Plan, vehicle_id: str, shift_id: str) -> Route:
    """The plan's route of a vehicle in a shift."""
    return next(r for r in plan.routes if (r.vehicle_id, r.shift_id) == (vehicle_id, shift_id))


def where(plan: Plan, point_id: str, visit: int = 0) -> tuple[str, str, VisitStop] | None:
    """Vehicle, shift and stop of a visit in ``plan``."""
    for route, _trip, stop in plan.served_visits():
        if (stop.point_id, stop.visit) == (point_id, visit):
            return route.vehicle_id, route.shift_id, stop
    return None


def assert_past_kept(before: Plan, after: Plan, moment: int) -> None:
    """Every stop reached by ``moment`` is in ``after`` exactly as in ``before``."""
    for route in before.routes:
        kept = stops_until(route, moment)
        if not kept:
            continue
        now = route_of(after, route.vehicle_id, route.shift_id)
        assert list(now.stops())[: len(kept)] == kept, (route.vehicle_id, route.shift_id)
        assert now.start_s == route.start_s
