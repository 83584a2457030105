"""From the searches' routes to a plan: each route timed on the problem's own matrices with the
crew's break, given a crew (CP-SAT), the hauls and the reasons for what is left out; and what is
still left out placed again by the dispatchers' insertion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from routing.dispatch.eliminate import eliminate_routes
from routing.dispatch.errors import DispatchError
from routing.dispatch.replan import reoptimise
from routing.dispatch.result import DispatchResult
from routing.domain import TimeWindow, WasteStream
from routing.engine.clock import within_day
from routing.fleet import Crew
from routing.hauls import schedule_hauls
from routing.params import SolveParams
from routing.plan import Plan, Route, Unserved
from routing.problem import Problem
from routing.solve.jobs import break_margin
from routing.solve.model import SlotRoute, StreamProblem
from routing.solve.ortools_crews import assign_crews
from routing.solve.storage import Timed
from routing.solve.streams import in_whole
from routing.solve.timing import repair_route
from routing.solve.unserved import explain_visits
from routing.validation import validate


def strictest_crew(problem: Problem) -> Crew:
    """A crew with the shortest hours and the longest break: a route timed for it suits all.

    Its break window is the one all crews' windows share, when every crew has one (a route
    whose break starts there suits each); a route timed for crews without windows keeps
    the ``break_after_s`` rule."""
    crews = problem.crews
    windows = [c.break_window for c in crews]
    window: TimeWindow | None = None
    if all(w is not None for w in windows):
        start = max(w.start_s for w in windows if w is not None)
        end = min(w.end_s for w in windows if w is not None)
        window = TimeWindow(start, end) if start <= end else None
    return Crew(
        "any",
        max_work_s=min(c.max_work_s for c in crews),
        break_s=max(c.break_s for c in crews),
        break_after_s=min(c.break_after_s for c in crews),
        break_window=window,
    )


def timed_routes(
    problem: Problem,
    subs: Sequence[StreamProblem],
    results: Sequence[Sequence[SlotRoute]],
    whole: Mapping[WasteStream, StreamProblem],
    crew: Crew,
) -> list[Timed]:
    """The searches' routes timed on the problem's own matrices, with the crew's break."""
    margin = break_margin(problem)
    records: list[Timed] = []
    for piece, found in zip(subs, results, strict=True):
        # A sector's routes are repaired as routes of the whole stream, so that what one
        # sector's search left out may go on a route of another.
        sub = whole[piece.stream]
        for slot_route in in_whole(piece, sub, found):
            slot = sub.slots[slot_route.slot]
            # The slot's end less the break margin was the solver's; the break may use the margin.
            latest = slot.end_s + margin
            trips = tuple((t.jobs, t.dump) for t in slot_route.trips)
            route, used, _dropped = repair_route(
                problem, sub, slot_route.slot, slot_route.start_s, trips, crew, shift_end_s=latest
            )
            records.append(Timed(sub, slot_route.slot, slot_route.start_s, used, latest, route))
    return records


def crewed_routes(problem: Problem, records: Sequence[Timed]) -> list[Route]:
    """Each timed route with a crew of its own who may work its hours (SH1, CP-SAT); a route no
    crew can take is left out, its visits unserved."""
    timed = [r.route for r in records if r.route is not None]
    timed.sort(key=lambda r: (r.start_s, r.vehicle_id))
    crews = sorted(problem.crews, key=lambda c: c.id)
    picks = assign_crews(
        [(r.start_s, r.end_s) for r in timed],
        [(c.available.start_s, c.available.end_s, c.max_work_s) for c in crews],
    )
    kept = [
        dataclasses.replace(route, crew_id=crews[pick].id)
        for route, pick in zip(timed, picks, strict=True)
        if pick is not None
    ]
    kept.sort(key=lambda r: (r.vehicle_id, r.start_s))
    return kept


def within_daily_limits(problem: Problem, routes: Sequence[Route]) -> list[Route]:
    """``routes`` less those that would take their vehicle over its type's daily limits (DL),
    the earliest kept: each vehicle's routes are counted in the order they start. A slot's own
    trips keep the limits (:func:`routing.solve.jobs.trip_limits`); a vehicle working several
    shifts may not, and a route dropped here leaves its visits to the greedy fill."""
    totals: dict[str, tuple[int, int, int]] = {}
    kept: list[Route] = []
    for route in sorted(routes, key=lambda r: (r.start_s, r.vehicle_id)):
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[route.vehicle_id])
        added = problem.visit_amounts((v.point_id, v.visit) for t in route.trips for v in t.visits)
        before = totals.get(route.vehicle_id, (0, 0, 0))
        kg, litres, count = (a + b for a, b in zip(before, added, strict=True))
        if not within_day(vtype, kg, litres, count):
            continue
        totals[route.vehicle_id] = (kg, litres, count)
        kept.append(route)
    kept.sort(key=lambda r: (r.vehicle_id, r.start_s))
    return kept


def draft_plan(problem: Problem, routes: Sequence[Route], seed: int) -> Plan:
    """The searches' plan: its routes, the hauls they need (TH) and every visit not made, with
    its reason."""
    served = {
        (v.point_id, v.visit) for route in routes for trip in route.trips for v in trip.visits
    }
    missing = [
        (p.id, v)
        for p in problem.points
        for v in range(p.visits_per_day)
        if (p.id, v) not in served
    ]
    unserved: tuple[Unserved, ...] = tuple(explain_visits(problem, missing, served))
    draft = Plan(problem.name, tuple(routes))
    return Plan(
        problem.name,
        draft.routes,
        schedule_hauls(problem, draft),
        unserved,
        {
            "solver": "pyvrp+ortools",
            "seed": seed,
            "travel": ", ".join(sorted({m.method for m in problem.travel.values()})),
        },
    )


def place_again(
    problem: Problem,
    plan: Plan,
    *,
    seed: int,
    time_limit_s: float,
    params: SolveParams | None = None,
) -> Plan:
    """What the searches and the greedy fill left out, placed by regret wherever a route (or a
    free vehicle-shift) still has room within every rule: the dispatchers' insertion
    (:func:`routing.dispatch.replan.reoptimise`, no moves). The plan is kept if fewer visits stay
    unserved and the validator passes it.

    Nothing is tried with less than :attr:`SolveParams.min_placing_s` seconds, nor for more than
    :attr:`SolveParams.max_placing_pairs` (visit left out × vehicle-shift) pairs: a district's
    few visits, not a city's hundreds (each pair is timed before the clock is looked at)."""
    params = params or SolveParams()
    slots = len(problem.vehicles) * len(problem.shifts)
    if time_limit_s < params.min_placing_s or len(plan.unserved) * slots > params.max_placing_pairs:
        return plan  # its first look at every visit in every route is not bounded by the clock
    return _changed(
        problem,
        plan,
        lambda: reoptimise(problem, plan, time_limit_s=time_limit_s, rounds=0, seed=seed),
        keep=lambda result: len(result.unserved) < len(plan.unserved),
    )


def fewer_vehicles(
    problem: Problem, plan: Plan, *, seed: int, time_limit_s: float, params: SolveParams
) -> Plan:
    """``plan`` with routes closed where their visits fit on the others for less than their
    vehicle's fixed cost (:func:`routing.dispatch.eliminate.eliminate_routes`), within
    ``time_limit_s``; kept only if it serves as many visits and the validator passes it."""
    if time_limit_s <= params.min_placing_s:
        return plan
    return _changed(
        problem,
        plan,
        lambda: eliminate_routes(
            problem,
            plan,
            time_limit_s=time_limit_s,
            seed=seed,
            rounds=params.elimination_rounds,
            params=params,
        ),
        keep=lambda result: len(result.unserved) <= len(plan.unserved),
    )


def _changed(
    problem: Problem,
    plan: Plan,
    change: Callable[[], DispatchResult],
    *,
    keep: Callable[[Plan], bool],
) -> Plan:
    """``plan`` changed by a dispatch operation when ``keep`` says so and the validator passes
    the change (its routes, hauls and unserved visits; ``plan``'s meta); ``plan`` itself when the
    operation refuses it (it breaks a rule: the judging after this says which)."""
    try:
        result = change().plan
    except DispatchError:
        return plan
    if not keep(result) or not validate(problem, result).ok:
        return plan
    return Plan(plan.problem_name, result.routes, result.hauls, result.unserved, plan.meta)
