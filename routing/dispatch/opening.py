"""A published plan opened for changes: every route cut into a fixed past and a flexible rest.

- a route of a locked vehicle, a locked route, and a route already over stay exactly as they are;
- on any other route, every stop up to the last one the truck has reached (arrival at or before
  ``now_s``) or the crew has reported on (done or skipped) is fixed, with the breaks begun by
  then; the rest is flexible;
- a skipped visit leaves its route (the truck passed it) and waits in the pool for a shift after
  the one it was skipped in;
- every vehicle-shift without a route gets an empty draft with a free crew, so that a re-plan may
  open a new route; a vehicle's drafts keep the handover between them (SH2).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Mapping

from routing.dispatch.day import Day
from routing.dispatch.draft import Draft, FlexTrip, Timed, Timer
from routing.dispatch.errors import DispatchError
from routing.dispatch.requests import NO_LOCKS, Locks, StopReport, VisitKey
from routing.errors import DefectCollector
from routing.fleet import Shift
from routing.plan import Plan, Route, Trip, VisitStop
from routing.problem import Problem
from routing.units import DAY
from routing.validation import validate


def _drop_visits(trip: Trip, drop: set[VisitKey]) -> Trip:
    """``trip`` without the visits in ``drop``; loads after each stop summed again."""
    kept = [v for v in trip.visits if (v.point_id, v.visit) not in drop]
    if len(kept) == len(trip.visits):
        return trip
    visits: list[VisitStop] = []
    kg = litres = 0
    before_kg = before_l = 0
    for old in trip.visits:
        add_kg, add_l = old.load_kg - before_kg, old.load_l - before_l
        before_kg, before_l = old.load_kg, old.load_l
        if (old.point_id, old.visit) in drop:
            continue
        kg, litres = kg + add_kg, litres + add_l
        visits.append(dataclasses.replace(old, load_kg=kg, load_l=litres))
    unload = trip.unload
    if unload is not None:
        unload = dataclasses.replace(unload, kg=kg, litres=litres)
    return Trip(trip.stream, tuple(visits), unload)


def _as_it_is(route: Route, drop: set[VisitKey]) -> Draft:
    """A draft keeping ``route`` exactly as it is, without the visits in ``drop``."""
    kept = dataclasses.replace(route, trips=tuple(_drop_visits(t, drop) for t in route.trips))
    return Draft(
        route.vehicle_id,
        route.shift_id,
        route.crew_id,
        route.start_s,
        route.end_s,
        frozen=kept,
    )


def _sorted_shifts(problem: Problem) -> list[Shift]:
    return sorted(problem.shifts, key=lambda s: s.start_s)


def check_requests(
    problem: Problem, plan: Plan, locks: Locks, reports: Iterable[StopReport]
) -> None:
    """Raise one :class:`~routing.errors.ProblemError` naming every lock or report that does
    not fit ``problem`` and ``plan``."""
    defects = DefectCollector()
    routes = {(r.vehicle_id, r.shift_id): r for r in plan.routes}
    for vehicle in sorted(locks.vehicles):
        if vehicle not in problem.vehicle_by_id:
            defects.add("locks", "vehicles", f"no vehicle {vehicle!r}")
    for vehicle, shift in sorted(locks.routes):
        if (vehicle, shift) not in routes:
            defects.add("locks", "routes", f"the plan has no route {vehicle}/{shift}")
    for vehicle, shift, number in sorted(locks.trips):
        route = routes.get((vehicle, shift))
        if route is None or number > len(route.trips):
            defects.add("locks", "trips", f"the plan has no trip {number} of {vehicle}/{shift}")
    made = {(s.point_id, s.visit) for _r, _t, s in plan.served_visits()}
    for key in sorted(locks.visits):
        if key not in made:
            defects.add("locks", "visits", f"the plan does not make visit {key[1]} of {key[0]!r}")
    seen: set[VisitKey] = set()
    for report in reports:
        record = f"report {report.point_id} visit {report.visit}"
        if report.key not in made:
            defects.add(record, "point_id", "the plan does not make this visit")
        if report.key in seen:
            defects.add(record, "point_id", "is reported twice")
        seen.add(report.key)
    defects.raise_if_any(source="dispatch request")


def require_valid(problem: Problem, plan: Plan) -> None:
    """Refuse to change a plan that breaks rules (the change could not be judged)."""
    report = validate(problem, plan)
    if not report.ok:
        raise DispatchError(
            "the plan to change breaks rules; re-plan the day instead",
            reasons=[str(v) for v in report.violations[:10]],
        )


def _fixed_count(route: Route, now_s: int | None, reported: set[VisitKey]) -> int:
    """How many stops of ``route`` (in order) are fixed."""
    count = 0
    for number, stop in enumerate(route.stops(), start=1):
        if (now_s is not None and stop.arrival_s <= now_s) or (
            isinstance(stop, VisitStop) and (stop.point_id, stop.visit) in reported
        ):
            count = number
    return count


def consecutive(routes: list[Route]) -> Iterator[tuple[Route, Route | None, Route | None]]:
    """Each of a vehicle's routes with the one before it and the one after it, by start."""
    ordered = sorted(routes, key=lambda r: r.start_s)
    for k, route in enumerate(ordered):
        yield (
            route,
            ordered[k - 1] if k > 0 else None,
            ordered[k + 1] if k + 1 < len(ordered) else None,
        )


def latest_end(problem: Problem, shift: Shift, crew_end: int, after: Route | None) -> int:
    """When a route must be back: the shift's end, the crew's hours, the next route's handover."""
    end = min(shift.end_s, crew_end)
    if after is not None:
        end = min(end, after.start_s - problem.rules.handover_s)
    return end


def cut_route(
    problem: Problem,
    route: Route,
    fixed: int,
    *,
    now_s: int | None,
    latest_end_s: int,
    locks: Locks,
) -> Draft:
    """A draft of ``route`` whose first ``fixed`` stops are kept as they are."""
    trips: list[Trip] = []
    open_trip: Trip | None = None
    flex: list[FlexTrip] = []
    seen = 0
    last_departure = route.start_s
    for number, trip in enumerate(route.trips, start=1):
        locked = (route.vehicle_id, route.shift_id, number) in locks.trips
        stops = len(trip.visits) + (1 if trip.unload else 0)
        if seen + stops <= fixed:
            trips.append(trip)
            last = trip.unload or trip.visits[-1]
            last_departure = last.departure_s
        elif seen < fixed:
            kept = fixed - seen  # visits of the trip already made
            open_trip = Trip(trip.stream, trip.visits[:kept], None)
            last_departure = trip.visits[kept - 1].departure_s
            rest = [(v.point_id, v.visit) for v in trip.visits[kept:]]
            assert trip.unload is not None
            flex.append(FlexTrip(trip.stream, rest, trip.unload.facility_id, locked))
        else:
            assert trip.unload is not None
            visits = [(v.point_id, v.visit) for v in trip.visits]
            flex.append(FlexTrip(trip.stream, visits, trip.unload.facility_id, locked))
        seen += stops
    breaks = tuple(
        b
        for b in route.breaks
        if (now_s is not None and b.start_s < now_s) or b.end_s <= last_departure
    )
    keys = {(s.point_id, s.visit) for t in route.trips for s in t.visits}
    hint = next((b.start_s for b in route.breaks if b not in breaks), None)
    return Draft(
        route.vehicle_id,
        route.shift_id,
        route.crew_id,
        route.start_s,
        latest_end_s,
        not_before_s=now_s or 0,
        fixed_trips=tuple(trips),
        open_trip=open_trip,
        fixed_breaks=breaks,
        flex=flex,
        pinned=frozenset(keys & locks.visits),
        break_hint=hint,
    )


@dataclasses.dataclass(slots=True)
class _Pool:
    """The visits waiting to be placed, the earliest shift start each may go to, and why each
    would stay unmade."""

    keys: list[VisitKey] = dataclasses.field(default_factory=list)
    earliest: dict[VisitKey, int] = dataclasses.field(default_factory=dict)
    reasons: dict[VisitKey, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def skip(self, key: VisitKey, reason: str, later_start: int | None) -> None:
        """A visit the crew skipped waits for a shift after its own (``later_start``)."""
        self.keys.append(key)
        if later_start is None:
            self.earliest[key] = DAY + 1  # no shift starts later: it cannot be placed
            self.reasons[key] = ("SH1", f"skipped by the crew ({reason}); no later shift")
        else:
            self.earliest[key] = later_start
            self.reasons[key] = ("SH1", f"skipped by the crew ({reason}); no later shift had room")


def _flexible(
    problem: Problem,
    route: Route,
    after: Route | None,
    drop: set[VisitKey],
    *,
    now_s: int | None,
    reported: set[VisitKey],
    locks: Locks,
) -> Draft:
    """``route`` cut into its fixed past and flexible rest, without the skipped visits ``drop``
    (the truck passed them: what follows cannot be earlier)."""
    shift = problem.shift_by_id[route.shift_id]
    crew = problem.crew_by_id[route.crew_id]
    fixed = _fixed_count(route, now_s, reported)
    end = latest_end(problem, shift, crew.available.end_s, after)
    draft = cut_route(problem, route, fixed, now_s=now_s, latest_end_s=end, locks=locks)
    draft.fixed_trips = tuple(_drop_visits(t, drop) for t in draft.fixed_trips)
    if draft.open_trip is not None:
        draft.open_trip = _drop_visits(draft.open_trip, drop)
        if not draft.open_trip.visits:
            draft.open_trip = None
            draft.flex[0].visits = [k for k in draft.flex[0].visits if k not in drop]
    for trip in draft.flex:
        trip.visits = [k for k in trip.visits if k not in drop]
    draft.tidy()
    passed = [s.departure_s for t in route.trips for s in t.visits if (s.point_id, s.visit) in drop]
    draft.not_before_s = max([draft.not_before_s, *passed])
    return draft


def _time_all(timer: Timer, drafts: list[Draft], as_planned: Mapping[int, Draft]) -> list[Timed]:
    """Every draft timed; a plan's own route the timer cannot time again (it waits where the
    timer would not, say) stays exactly as planned (changes ``drafts`` in place)."""
    timed: list[Timed] = []
    for number, draft in enumerate(drafts):
        result = timer.time(draft, thorough=True)
        if result is None:
            drafts[number] = as_planned[id(draft)]
            result = timer.time(drafts[number])
            assert result is not None  # a route kept as it is is never refused
        timed.append(result)
    return timed


def open_day(
    problem: Problem,
    plan: Plan,
    *,
    now_s: int | None = None,
    reports: Iterable[StopReport] = (),
    locks: Locks = NO_LOCKS,
    out_of_service: Mapping[str, tuple[int, int]] | None = None,
    timer: Timer | None = None,
) -> Day:
    """Open ``plan`` for changes (see the module's description).

    ``out_of_service``: vehicle → (from, until) seconds in which it gets no new route.
    """
    reports = tuple(reports)
    check_requests(problem, plan, locks, reports)
    timer = timer or Timer(problem)
    reported = {r.key for r in reports}
    skipped = {r.key: r.reason.strip() for r in reports if r.status == "skipped"}
    shifts = _sorted_shifts(problem)
    later_start = {
        s.id: (shifts[k + 1].start_s if k + 1 < len(shifts) else None) for k, s in enumerate(shifts)
    }
    drafts: list[Draft] = []
    as_planned: dict[int, Draft] = {}  # each cut draft's route kept as it is
    pool = _Pool()
    by_vehicle: dict[str, list[Route]] = {}
    for route in plan.routes:
        by_vehicle.setdefault(route.vehicle_id, []).append(route)
    for vehicle_id, routes in sorted(by_vehicle.items()):
        for route, _before, after in consecutive(routes):
            drop = {(s.point_id, s.visit) for t in route.trips for s in t.visits} & skipped.keys()
            for key in sorted(drop):
                pool.skip(key, skipped[key], later_start[route.shift_id])
            kept = _as_it_is(route, drop)
            as_planned[id(kept)] = kept
            whole = vehicle_id in locks.vehicles or (vehicle_id, route.shift_id) in locks.routes
            if whole or (now_s is not None and route.end_s <= now_s):
                drafts.append(kept)
                continue
            draft = _flexible(
                problem, route, after, drop, now_s=now_s, reported=reported, locks=locks
            )
            drafts.append(draft)
            as_planned[id(draft)] = kept
    used_crews = {r.crew_id for r in plan.routes}
    drafts += empty_drafts(problem, plan, now_s, locks, out_of_service or {}, used_crews)
    tie_handovers(problem, drafts)
    timed = _time_all(timer, drafts, as_planned)
    day = Day(problem, timer, plan, drafts, timed, now_s=now_s, pool=pool.keys)
    day.earliest_shift_start.update(pool.earliest)
    day.reasons.update(pool.reasons)
    return day


def tie_handovers(problem: Problem, drafts: list[Draft]) -> None:
    """Each changeable draft of a vehicle ends a handover before its next draft starts (SH2),
    whether that one has work yet or not: a route that grows cannot run into the next."""
    handover = problem.rules.handover_s
    by_vehicle: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_vehicle.setdefault(draft.vehicle_id, []).append(draft)
    for own in by_vehicle.values():
        own.sort(key=lambda d: d.start_s)
        for before, after in itertools.pairwise(own):
            if before.movable:
                before.latest_end_s = min(before.latest_end_s, after.start_s - handover)


def empty_drafts(
    problem: Problem,
    plan: Plan,
    now_s: int | None,
    locks: Locks,
    out_of_service: Mapping[str, tuple[int, int]],
    used_crews: set[str],
) -> list[Draft]:
    """An empty draft, with a free crew, for every vehicle-shift the plan leaves free."""
    handover = problem.rules.handover_s
    free_crews = sorted((c for c in problem.crews if c.id not in used_crews), key=lambda c: c.id)
    taken = {(r.vehicle_id, r.shift_id) for r in plan.routes}
    out: list[Draft] = []
    for shift in _sorted_shifts(problem):
        for vehicle in sorted(problem.vehicles, key=lambda v: v.id):
            vtype = problem.vehicle_type_of(vehicle)
            if vtype.body is problem.rules.haul_body or vehicle.id in locks.vehicles:
                continue
            if (vehicle.id, shift.id) in taken:
                continue
            own = [r for r in plan.routes if r.vehicle_id == vehicle.id]
            start = max(
                [shift.start_s, now_s or 0]
                + [r.end_s + handover for r in own if r.start_s < shift.start_s]
            )
            end = min(
                [shift.end_s] + [r.start_s - handover for r in own if r.start_s > shift.start_s]
            )
            outage = out_of_service.get(vehicle.id)
            if outage is not None and outage[0] < end and start < outage[1]:
                if outage[1] >= end:
                    continue
                start = max(start, outage[1])
            crew = next(
                (c for c in free_crews if c.available.start_s <= start < c.available.end_s), None
            )
            if crew is None or start >= end:
                continue
            free_crews.remove(crew)
            out.append(
                Draft(
                    vehicle.id,
                    shift.id,
                    crew.id,
                    start,
                    min(end, crew.available.end_s),
                    not_before_s=now_s or 0,
                )
            )
    return out
