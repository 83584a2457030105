"""A published plan opened for changes: drafts with their fixed past, and back to a plan.

:func:`open_day` cuts every route of a plan into what is fixed and what may change:

- a route of a locked vehicle, a locked route, and a route already over stay exactly as they are;
- on any other route, every stop up to the last one the truck has reached (arrival at or before
  ``now_s``) or the crew has reported on (done or skipped) is fixed, with the breaks begun by
  then; the rest is flexible;
- a skipped visit leaves its route (the truck passed it) and waits in the pool for a shift after
  the one it was skipped in;
- every vehicle-shift without a route gets an empty draft with a free crew, so that a re-plan may
  open a new route.

:meth:`Day.to_plan` assembles the drafts into a plan with the hauls scheduled again, and lists
every visit not made with its reason; :meth:`Day.settle` keeps facilities within their daily
capacity and stations within their storage (CT3, TH) by sending a flexible trip to another
facility, or giving its visits back.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from routing.dispatch.draft import Draft, FlexTrip, Timed, Timer
from routing.dispatch.errors import DispatchError
from routing.dispatch.requests import NO_LOCKS, Locks, StopReport, VisitKey
from routing.errors import DefectCollector
from routing.fleet import Shift
from routing.plan import Plan, Route, Trip, Unserved, VisitStop
from routing.problem import Problem
from routing.solve.hauls import haul_inflows, schedule_hauls, station_inflows
from routing.units import DAY
from routing.validation import validate

#: Rule id and reason of a visit a re-plan could not place.
NO_ROOM = ("SH1", "no vehicle and crew had time left for it within the rules after the change")


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


def _unloaded(plan: Plan) -> dict[str, int]:
    """Kilograms each facility receives from the plan's trips."""
    out: dict[str, int] = {}
    for route in plan.routes:
        for trip in route.trips:
            if trip.unload is not None:
                out[trip.unload.facility_id] = out.get(trip.unload.facility_id, 0) + trip.unload.kg
    return out


def _sorted_shifts(problem: Problem) -> list[Shift]:
    return sorted(problem.shifts, key=lambda s: s.start_s)


@dataclass(slots=True)
class Day:
    """The drafts of a day being changed, the visits waiting to be placed, and why."""

    problem: Problem
    timer: Timer
    base: Plan
    drafts: list[Draft]
    timed: list[Timed]
    now_s: int | None = None
    pool: list[VisitKey] = field(default_factory=list)
    #: A waiting visit may only go to a shift starting at or after this (s).
    earliest_shift_start: dict[VisitKey, int] = field(default_factory=dict)
    #: Why a visit is not made, if it stays unplaced.
    reasons: dict[VisitKey, tuple[str, str]] = field(default_factory=dict)
    at: dict[VisitKey, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, draft in enumerate(self.drafts):
            for key in draft.visits():
                self.at[key] = index

    # -- changing ---------------------------------------------------------------------------
    def replace(self, index: int, draft: Draft, timed: Timed) -> None:
        """Put ``draft`` (timed as ``timed``) in place of draft ``index``."""
        for key in self.drafts[index].visits():
            if self.at.get(key) == index:
                del self.at[key]
        self.drafts[index] = draft
        self.timed[index] = timed
        for key in draft.visits():
            self.at[key] = index
            if key in self.pool:
                self.pool.remove(key)

    def take_out(self, keys: Iterable[VisitKey], reason: tuple[str, str] | None = None) -> None:
        """Move flexible visits back to the pool (their drafts timed again without them)."""
        for key in keys:
            index = self.at.get(key)
            if index is None:
                continue
            draft = self.drafts[index].copy()
            for trip in draft.flex:
                if key in trip.visits:
                    trip.visits.remove(key)
            draft.tidy()
            timed = self.timer.time(draft)
            if timed is None:  # cannot happen for a route that only got shorter; keep it whole
                continue
            self.replace(index, draft, timed)
            self.pool.append(key)
            if reason is not None:
                self.reasons[key] = reason

    # -- reading ----------------------------------------------------------------------------
    def shift_start(self, shift_id: str) -> int:
        """When a shift starts."""
        return self.problem.shift_by_id[shift_id].start_s

    def other_shifts(self, key: VisitKey) -> set[str]:
        """Shifts of the point's other visits in the drafts (FQ)."""
        point = self.problem.point_by_id[key[0]]
        out: set[str] = set()
        for visit in range(point.visits_per_day):
            index = self.at.get((key[0], visit))
            if visit != key[1] and index is not None:
                out.add(self.drafts[index].shift_id)
        return out

    def facility_kg(self) -> dict[str, int]:
        """Kilograms each facility takes from the drafts' trips over the day."""
        out: dict[str, int] = {}
        for timed in self.timed:
            for trip in timed.route.trips if timed.route else ():
                if trip.unload is not None:
                    out[trip.unload.facility_id] = (
                        out.get(trip.unload.facility_id, 0) + trip.unload.kg
                    )
        return out

    def routes(self) -> list[Route]:
        """The routes of every draft with work, by vehicle and start."""
        routes = [t.route for t in self.timed if t.route is not None]
        return sorted(routes, key=lambda r: (r.vehicle_id, r.start_s))

    def served(self) -> set[VisitKey]:
        """Every visit the drafts make."""
        return {
            (stop.point_id, stop.visit)
            for route in self.routes()
            for trip in route.trips
            for stop in trip.visits
        }

    def to_plan(self, meta: Mapping[str, str | int | float] | None = None) -> Plan:
        """The drafts as a plan, every visit not made listed with why; the hauls of the plan
        being changed are kept while they still serve (:meth:`base_hauls_hold`), else scheduled
        again."""
        routes = tuple(self.routes())
        bare = Plan(self.problem.name, routes)
        served = self.served()
        before = {(u.point_id, u.visit): u for u in self.base.unserved}
        unserved: list[Unserved] = []
        for point in self.problem.points:
            for visit in range(point.visits_per_day):
                key = (point.id, visit)
                if key in served:
                    continue
                if key in self.reasons:
                    rule, reason = self.reasons[key]
                    unserved.append(Unserved(point.id, visit, rule, reason))
                elif key in before:
                    unserved.append(before[key])
                else:
                    unserved.append(Unserved(point.id, visit, *NO_ROOM))
        keep = self.base_hauls_hold(bare, _unloaded(bare))
        return Plan(
            self.problem.name,
            routes,
            self.base.hauls if keep else schedule_hauls(self.problem, bare),
            tuple(unserved),
            dict(self.base.meta) | dict(meta or {}),
        )

    # -- day-wide rules ---------------------------------------------------------------------
    def first_overflow(self) -> tuple[int, int] | None:
        """(draft, trip number in its route) of the unloading after which a facility passes its
        daily capacity (CT3) or a station its storage (TH), in time order."""
        problem = self.problem
        unloads = sorted(
            (trip.unload.start_s, index, number, trip.unload.facility_id, trip.unload.kg)
            for index, timed in enumerate(self.timed)
            if timed.route is not None
            for number, trip in enumerate(timed.route.trips)
            if trip.unload is not None
        )
        taken: dict[str, int] = {}
        for _start, index, number, facility_id, kg in unloads:
            taken[facility_id] = taken.get(facility_id, 0) + kg
            if taken[facility_id] > problem.facility_by_id[facility_id].daily_capacity_kg:
                return index, number
        stations = {f.id for f in problem.transfer_stations}
        plan = Plan(problem.name, tuple(t.route for t in self.timed if t.route is not None))
        if self.base_hauls_hold(plan, taken):
            return None
        inflows = sorted(station_inflows(plan, stations))
        if not inflows or not haul_inflows(problem, inflows, taken)[1]:
            return None
        low, high = 0, len(inflows)
        while high - low > 1:
            middle = (low + high) // 2
            if haul_inflows(problem, inflows[:middle], taken)[1]:
                high = middle
            else:
                low = middle
        moment, station, _kg = inflows[high - 1]
        for index, timed in enumerate(self.timed):
            for number, trip in enumerate(timed.route.trips if timed.route else ()):
                unload = trip.unload
                if unload and unload.facility_id == station and unload.departure_s == moment:
                    return index, number
        return None

    def base_hauls_hold(self, plan: Plan, unloaded: Mapping[str, int]) -> bool:
        """Whether the hauls of the plan being changed still serve ``plan``'s routes: no station
        holds more than its storage or is asked for more than it holds (TH), and no facility
        receives more than its daily capacity with them (CT3). Kept hauls keep their times:
        the hook-lift crews' day does not change with a small change of the routes."""
        problem, hauls = self.problem, self.base.hauls
        received = dict(unloaded)
        for haul in hauls:
            received[haul.destination_id] = received.get(haul.destination_id, 0) + haul.kg
        for facility_id, kg in received.items():
            if kg > problem.facility_by_id[facility_id].daily_capacity_kg:
                return False
        for station in problem.transfer_stations:
            events = [(t, 0, kg) for t, _sid, kg in station_inflows(plan, {station.id})]
            events += [(h.depart_s, 1, -h.kg) for h in hauls if h.station_id == station.id]
            stored = station.initial_storage_kg
            for _moment, _order, kg in sorted(events):
                stored += kg
                if stored > station.storage_kg or stored < 0:
                    return False
        return True

    def settle(self, *, rounds: int = 50) -> None:
        """Keep facilities within capacity and stations within storage (CT3, TH).

        The unloading found first over a limit is sent to another facility that takes its
        stream, if it is flexible and its route can still be timed; otherwise its last flexible
        visits go back to the pool, one by one, until it is no longer over. Raises :class:`DispatchError` if a fixed unloading is over
        (the past cannot be changed).
        """
        for _ in range(rounds):
            spot = self.first_overflow()
            if spot is None:
                return
            index, number = spot
            draft = self.drafts[index]
            flex_at = number - len(draft.fixed_trips)
            if not draft.movable or flex_at < 0 or flex_at >= len(draft.flex):
                raise DispatchError(
                    "a facility would take more than it can, at an unloading already made",
                    reasons=[f"route {draft.vehicle_id}/{draft.shift_id} trip {number + 1}"],
                )
            if not self._redirect(index, flex_at):
                self._lighten(index, flex_at, spot)
        raise DispatchError("facilities and stations could not be kept within their limits")

    def _lighten(self, index: int, flex_at: int, spot: tuple[int, int]) -> None:
        """Give back the trip's last visits, one by one, until that unloading is no longer the
        one over the limit (as few visits move as will do)."""
        draft = self.drafts[index]
        trip = draft.flex[flex_at]
        reason = ("TH", f"{trip.facility_id} had no room left for it after the change")
        for key in reversed([k for k in trip.visits if k not in draft.pinned]):
            self.take_out([key], reason)
            if self.first_overflow() != spot:
                return

    def _redirect(self, index: int, flex_at: int) -> bool:
        draft = self.drafts[index]
        trip = draft.flex[flex_at]
        if trip.locked:
            return False
        taken = self.facility_kg()
        kg = sum(self.problem.point_by_id[p].visit_kg(v) for p, v in trip.visits)
        for facility in self.problem.facilities:
            if facility.id == trip.facility_id or trip.stream not in facility.accepts:
                continue
            if taken.get(facility.id, 0) + kg > facility.daily_capacity_kg:
                continue
            candidate = draft.copy()
            candidate.flex[flex_at].facility_id = facility.id
            timed = self.timer.time(candidate)
            if timed is not None:
                self.replace(index, candidate, timed)
                return True
        return False


# -- opening a plan -------------------------------------------------------------------------


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


def _neighbours(routes: list[Route]) -> Iterator[tuple[Route, Route | None, Route | None]]:
    ordered = sorted(routes, key=lambda r: r.start_s)
    for k, route in enumerate(ordered):
        yield (
            route,
            ordered[k - 1] if k > 0 else None,
            ordered[k + 1] if k + 1 < len(ordered) else None,
        )


def _latest_end(problem: Problem, shift: Shift, crew_end: int, after: Route | None) -> int:
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
    )


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
    pool: list[VisitKey] = []
    earliest: dict[VisitKey, int] = {}
    reasons: dict[VisitKey, tuple[str, str]] = {}
    by_vehicle: dict[str, list[Route]] = {}
    for route in plan.routes:
        by_vehicle.setdefault(route.vehicle_id, []).append(route)
    for vehicle_id, routes in sorted(by_vehicle.items()):
        for route, _before, after in _neighbours(routes):
            shift = problem.shift_by_id[route.shift_id]
            crew = problem.crew_by_id[route.crew_id]
            drop = {
                (s.point_id, s.visit)
                for t in route.trips
                for s in t.visits
                if (s.point_id, s.visit) in skipped
            }
            for key in sorted(drop):
                pool.append(key)
                nxt = later_start[route.shift_id]
                if nxt is None:
                    earliest[key] = DAY + 1  # no shift starts later: it cannot be placed
                    reasons[key] = ("SH1", f"skipped by the crew ({skipped[key]}); no later shift")
                else:
                    earliest[key] = nxt
                    reasons[key] = (
                        "SH1",
                        f"skipped by the crew ({skipped[key]}); no later shift had room",
                    )
            whole = vehicle_id in locks.vehicles or (vehicle_id, route.shift_id) in locks.routes
            if whole or (now_s is not None and route.end_s <= now_s):
                kept = Route(
                    route.vehicle_id,
                    route.shift_id,
                    route.crew_id,
                    route.start_s,
                    route.end_s,
                    tuple(_drop_visits(t, drop) for t in route.trips),
                    route.breaks,
                )
                drafts.append(
                    Draft(
                        route.vehicle_id,
                        route.shift_id,
                        route.crew_id,
                        route.start_s,
                        route.end_s,
                        frozen=kept,
                    )
                )
                continue
            fixed = _fixed_count(route, now_s, reported)
            end = _latest_end(problem, shift, crew.available.end_s, after)
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
            # The truck passed the skipped points: what follows cannot be earlier.
            passed = [
                s.departure_s
                for t in route.trips
                for s in t.visits
                if (s.point_id, s.visit) in drop
            ]
            draft.not_before_s = max([draft.not_before_s, *passed])
            drafts.append(draft)
    used_crews = {r.crew_id for r in plan.routes}
    drafts += _empty_drafts(problem, plan, now_s, locks, out_of_service or {}, used_crews)
    tie_handovers(problem, drafts)
    timed: list[Timed] = []
    for draft in drafts:
        result = timer.time(draft)
        if result is None:
            # The plan's own route, cut where it was: the rest could not be timed again (it
            # kept its rules as planned; a skipped visit removed cannot make it longer).
            raise DispatchError(
                f"route {draft.vehicle_id}/{draft.shift_id} cannot be timed again",
                reasons=[timer.last_failure[1]],
            )
        timed.append(result)
    day = Day(problem, timer, plan, drafts, timed, now_s=now_s, pool=pool)
    day.earliest_shift_start.update(earliest)
    day.reasons.update(reasons)
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


def _empty_drafts(
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
