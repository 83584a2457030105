"""Stable plans (定点定员定时): a new day planned from the last plan, keeping what it can.

Each route of the previous plan is carried over to the new day as it stands — same vehicle,
shift, crew, start, visits in the same order, same facilities — with the new day's amounts. A
trip that no longer fits its truck gives up the visits that overflow it, a route that can no
longer be timed within the rules gives up its last visits; those, and the day's new visits, are
placed by regret, and then every visit is moved where the objective falls most. The objective
weighs cost against stability (:class:`~routing.dispatch.requests.Weights`: ``moved_fen`` per
visit off its vehicle and shift, ``late_fen`` per visit whose time moves by more than the
tolerance): heavy weights keep the plan, zero weights let cost decide.

:func:`stability` measures the result: the share of the previous plan's visits that keep their
vehicle and shift with their service start within the tolerance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from routing.dispatch.day import Day
from routing.dispatch.draft import Draft, FlexTrip, Timer
from routing.dispatch.opening import consecutive, empty_drafts, latest_end, tie_handovers
from routing.dispatch.pipeline import Budget, Opened, against, move_every_visit, run_operation
from routing.dispatch.requests import NO_LOCKS, VisitKey, Weights
from routing.dispatch.result import DispatchResult, placements
from routing.params import SolveParams
from routing.plan import Plan, Route
from routing.problem import Problem
from routing.units import MINUTE

#: Stability weighed well above the cost of a small detour: a visit moved to another vehicle or
#: shift costs as much as about half an hour of a truck, a time moved beyond ±15 min a third of it.
STABLE = Weights(moved_fen=4000.0, late_fen=1500.0)


@dataclass(frozen=True, slots=True)
class Stability:
    """How much of a previous plan a new one keeps (see :func:`stability`)."""

    compared: int
    kept: int
    tolerance_s: int

    @property
    def share(self) -> float:
        """Kept visits over compared visits (1.0 when there is nothing to compare)."""
        return self.kept / self.compared if self.compared else 1.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "compared": self.compared,
            "kept": self.kept,
            "share": round(self.share, 4),
            "tolerance_min": self.tolerance_s // MINUTE,
        }


def stability(
    problem: Problem, previous: Plan, plan: Plan, *, tolerance_s: int = 15 * MINUTE
) -> Stability:
    """Of the visits ``previous`` served that ``problem`` still asks for, how many ``plan``
    serves with the same vehicle and shift and a service start within ±``tolerance_s``."""
    before, after = placements(previous), placements(plan)
    compared = kept = 0
    for key, (vehicle, shift, start) in before.items():
        point = problem.point_by_id.get(key[0])
        if point is None or key[1] >= point.visits_per_day:
            continue
        compared += 1
        now = after.get(key)
        if now is not None and now[:2] == (vehicle, shift) and abs(now[2] - start) <= tolerance_s:
            kept += 1
    return Stability(compared, kept, tolerance_s)


def _carry(problem: Problem, route: Route, latest_end: int) -> tuple[Draft, list[VisitKey]]:
    """The previous ``route`` as a draft of the new day, and the visits it had to give up."""
    vehicle = problem.vehicle_by_id[route.vehicle_id]
    vtype = problem.vehicle_type_of(vehicle)
    given_up: list[VisitKey] = []
    flex: list[FlexTrip] = []
    for trip in route.trips:
        facility = problem.facility_by_id.get(trip.unload.facility_id) if trip.unload else None
        if facility is None or trip.stream not in facility.accepts:
            facility = next((f for f in problem.facilities if trip.stream in f.accepts), None)
        kept: list[VisitKey] = []
        kg = litres = 0
        for stop in trip.visits:
            point = problem.point_by_id.get(stop.point_id)
            if (
                point is None
                or stop.visit >= point.visits_per_day
                or point.stream is not trip.stream
            ):
                continue
            key = (stop.point_id, stop.visit)
            add_kg, add_l = point.visit_kg(stop.visit), point.visit_litres(stop.visit)
            if (
                facility is None
                or kg + add_kg > vtype.capacity_kg
                or litres + add_l > vtype.capacity_l
            ):
                given_up.append(key)
                continue
            kept.append(key)
            kg, litres = kg + add_kg, litres + add_l
        if kept and facility is not None:
            flex.append(FlexTrip(trip.stream, kept, facility.id))
    hint = route.breaks[0].start_s if route.breaks else None
    draft = Draft(
        route.vehicle_id,
        route.shift_id,
        route.crew_id,
        route.start_s,
        latest_end,
        flex=flex,
        break_hint=hint,
    )
    return draft, given_up


def _shorten_until_timed(timer: Timer, draft: Draft) -> list[VisitKey]:
    """Give up the draft's last visits until it can be timed within the rules; returns them."""
    given_up: list[VisitKey] = []
    while draft.flex and timer.time(draft, thorough=True) is None:
        given_up.append(draft.flex[-1].visits.pop())
        draft.tidy()
    return given_up


def _carry_over(problem: Problem, previous: Plan, params: SolveParams | None) -> Opened:
    """The new day opened with ``previous``'s routes carried over (:func:`_carry`) and free
    vehicle-shifts as empty drafts; to place, what the routes gave up and the day's new visits."""
    timer = Timer(problem, params)
    usable = [
        r
        for r in previous.routes
        if r.vehicle_id in problem.vehicle_by_id
        and r.shift_id in problem.shift_by_id
        and r.crew_id in problem.crew_by_id
    ]
    drafts: list[Draft] = []
    pool: list[VisitKey] = []
    by_vehicle: dict[str, list[Route]] = {}
    for route in usable:
        by_vehicle.setdefault(route.vehicle_id, []).append(route)
    for routes in by_vehicle.values():
        for route, _before, after in consecutive(routes):
            shift = problem.shift_by_id[route.shift_id]
            crew = problem.crew_by_id[route.crew_id]
            end = latest_end(problem, shift, crew.available.end_s, after)
            draft, given_up = _carry(problem, route, end)
            drafts.append(draft)
            pool += given_up
    carried = Plan(problem.name, tuple(usable))
    drafts += empty_drafts(problem, carried, None, NO_LOCKS, {}, {r.crew_id for r in usable})
    tie_handovers(problem, drafts)
    timed = []
    for draft in drafts:
        pool += _shorten_until_timed(timer, draft)
        one = timer.time(draft, thorough=True)
        assert one is not None  # an empty draft is always timed
        timed.append(one)
    day = Day(problem, timer, Plan(problem.name, (), meta=dict(previous.meta)), drafts, timed)
    served = set(day.at)
    pool += [
        (p.id, v)
        for p in problem.points
        for v in range(p.visits_per_day)
        if (p.id, v) not in served and (p.id, v) not in pool
    ]
    day.pool = list(pool)
    day.settle()  # the new day's amounts may overfill a station on the old routes (TH)
    return Opened(day, list(day.pool), {"carried_over": len(served), "placed_anew": len(pool)})


def stable_replan(
    problem: Problem,
    previous: Plan,
    *,
    previous_problem: Problem | None = None,
    weights: Weights = STABLE,
    time_limit_s: float = 30.0,
    seed: int = 0,
    rounds: int = 3,
    params: SolveParams | None = None,
) -> DispatchResult:
    """Plan ``problem``'s day from ``previous`` (the last plan), keeping points on the same
    vehicle, shift and time where it costs little (see the module's description).

    ``previous_problem``: the problem ``previous`` was made for, for its cost (default:
    ``problem``). The search is bounded by ``time_limit_s`` and ``rounds``; ``params``: the
    tuning constants (the defaults when None).
    """
    result = run_operation(
        "stable",
        lambda: _carry_over(problem, previous, params),
        move_every_visit,
        objective=against(weights, previous),
        budget=Budget(time_limit_s, seed, rounds),
        facts=lambda run: {**run.noted, "moves": run.moves},
        before=(previous_problem or problem, previous),
        tolerance_s=weights.tolerance_s,
    )
    kept = stability(problem, previous, result.plan, tolerance_s=weights.tolerance_s)
    return dataclasses.replace(result, facts={"stability": kept.to_dict(), **result.facts})
