"""A district's current routes, as its crews drive them today, timed as a plan.

A department's routes are lists: a vehicle, a shift, the points in the order the crew takes
them. :func:`time_current_routes` turns them into a :class:`~routing.plan.Plan` on the problem's
own travel matrices, as a crew would drive them, without changing them to keep a rule: it waits
for a window that has not opened but serves late if one has closed, unloads at the nearest
facility that takes the stream when the next point would not fit on board and at the end of the
route, takes the crew's break where its rule says it is due, and drives home. The validator
then says which rules the routes break (that is worth showing: the savings report compares a
plan with today's routes as they are).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from routing.domain import CollectionPoint, Facility, WasteStream
from routing.engine.clock import BreakRule, fits_capacity, next_start
from routing.errors import Defect, ProblemError
from routing.fleet import Crew, Shift, Vehicle
from routing.hauls import schedule_hauls
from routing.plan import Break, Plan, Route, Trip, Unload, Unserved, VisitStop
from routing.problem import Problem

#: The reason of a visit that no current route makes.
NOT_ROUTED = "on none of the current routes"


@dataclass(frozen=True, slots=True)
class CurrentRoute:
    """One vehicle's route in one shift as a department drives it: the points in order, and the
    crew when the sheet names it (otherwise one is assigned)."""

    vehicle_id: str
    shift_id: str
    point_ids: tuple[str, ...]
    crew_id: str | None = None
    source: str = ""  # where it was read (a file's rows), for messages


def time_current_routes(problem: Problem, routes: Sequence[CurrentRoute]) -> Plan:
    """``routes`` timed on ``problem`` (see the module's description), with the visits no route
    makes listed unserved and the stations' hauls scheduled.

    A point on several routes is visited once by each (its first, second … visit of the day,
    in the order of the shifts' starts).

    Raises
    ------
    ProblemError
        Naming every route whose vehicle, shift, crew or point the problem does not have.
    """
    _check(problem, routes)
    shifts = problem.shift_by_id
    ordered = sorted(routes, key=lambda r: (shifts[r.shift_id].start_s, r.vehicle_id))
    seen: dict[str, int] = {}
    crews = _crews(problem, ordered)
    timed = []
    for route, crew in zip(ordered, crews, strict=True):
        visits = []
        for point_id in route.point_ids:
            visits.append((problem.point_by_id[point_id], seen.get(point_id, 0)))
            seen[point_id] = seen.get(point_id, 0) + 1
        timed.append(_time(problem, route, crew, visits))
    made = {(v.point_id, v.visit) for r in timed for t in r.trips for v in t.visits}
    unserved = tuple(
        Unserved(p.id, k, "ALL", NOT_ROUTED)
        for p in problem.points
        for k in range(p.visits_per_day)
        if (p.id, k) not in made
    )
    plan = Plan(problem.name, tuple(timed), unserved=unserved, meta={"source": "current routes"})
    return Plan(plan.problem_name, plan.routes, schedule_hauls(problem, plan), unserved, plan.meta)


def _check(problem: Problem, routes: Sequence[CurrentRoute]) -> None:
    defects = []
    crews = {c.id for c in problem.crews}
    for route in routes:
        record = route.source or f"route {route.vehicle_id} {route.shift_id}"
        if route.vehicle_id not in problem.vehicle_by_id:
            defects.append(Defect(record, "vehicle", f"no vehicle {route.vehicle_id!r}"))
        if route.shift_id not in problem.shift_by_id:
            defects.append(Defect(record, "shift", f"no shift {route.shift_id!r}"))
        if route.crew_id is not None and route.crew_id not in crews:
            defects.append(Defect(record, "crew", f"no crew {route.crew_id!r}"))
        unknown = [p for p in route.point_ids if p not in problem.point_by_id]
        if unknown:
            defects.append(Defect(record, "point", f"no point {', '.join(map(repr, unknown))}"))
        if not route.point_ids:
            defects.append(Defect(record, "point", "lists no point"))
    if defects:
        raise ProblemError(defects, source="current routes")


def _crews(problem: Problem, routes: Sequence[CurrentRoute]) -> list[Crew]:
    """Each route's crew: the one named, or the first crew not yet given a route that day and
    available over its shift (else the first crew: the validator will say SH1)."""
    by_id = {c.id: c for c in problem.crews}
    taken = {route.crew_id for route in routes if route.crew_id is not None}
    out = []
    for route in routes:
        shift = problem.shift_by_id[route.shift_id]
        if route.crew_id is not None:
            out.append(by_id[route.crew_id])
            continue
        free = [
            c
            for c in problem.crews
            if c.id not in taken
            and c.available.start_s <= shift.start_s
            and shift.end_s <= c.available.end_s
        ]
        crew = free[0] if free else problem.crews[0]
        taken.add(crew.id)
        out.append(crew)
    return out


@dataclass(slots=True)
class _Drive:
    """A route being driven: where the truck is, the time, what it carries, what it did."""

    problem: Problem
    vehicle: Vehicle
    here: str
    t: int
    rule: BreakRule
    start_s: int
    breaks: list[Break] = field(default_factory=list)
    kg: int = 0
    litres: int = 0
    stream: WasteStream | None = None

    def go(self, to: str, busy_s: int = 0) -> int:
        """Drive to ``to`` (where the crew will be busy ``busy_s``); the arrival. The crew takes
        its break first if the drive and that work would pass the moment it is due."""
        leg = self.leg_s(to)
        rule = self.rule
        if not self.breaks and rule.length_s > 0:
            due = rule.window.start_s if rule.window is not None else rule.deadline(self.start_s)
            if self.t + leg + busy_s > due:
                pause = rule.taken(self.t)
                self.breaks.append(pause)
                self.t = pause.end_s
        self.t += leg
        self.here = to
        return self.t

    def leg_s(self, to: str) -> int:
        """Seconds from here to ``to`` (:meth:`~routing.problem.Problem.leg_matrix`: the
        vehicle's own matrix, or another profile's for a leg it cannot drive)."""
        matrix = self.problem.leg_matrix(self.vehicle, self.here, to)
        if matrix is None:
            raise ProblemError([Defect("current routes", "point", f"no travel time to {to!r}")])
        return matrix.time(self.here, to)

    def nearest_facility(self, stream: WasteStream) -> Facility:
        """The facility taking ``stream`` nearest by driving time (open ones first)."""
        taking = [f for f in self.problem.facilities if stream in f.accepts]
        if not taking:
            raise ProblemError(
                [Defect("current routes", "stream", f"no facility takes {stream.value}")]
            )

        def key(f: Facility) -> tuple[bool, int]:
            drive = self.leg_s(f.id)
            return next_start(f.opening, self.t + drive) is None, drive

        return min(taking, key=key)


def _time(
    problem: Problem, route: CurrentRoute, crew: Crew, visits: list[tuple[CollectionPoint, int]]
) -> Route:
    vehicle: Vehicle = problem.vehicle_by_id[route.vehicle_id]
    vtype = problem.vehicle_type_by_id[vehicle.type_id]
    shift: Shift = problem.shift_by_id[route.shift_id]
    rule = BreakRule.of(crew)
    drive = _Drive(problem, vehicle, vehicle.depot_id, shift.start_s, rule, shift.start_s)
    trips: list[Trip] = []
    stops: list[VisitStop] = []
    for point, visit in visits:
        kg, litres = point.visit_kg(visit), point.visit_litres(visit)
        changes = drive.stream is not None and point.stream is not drive.stream
        if stops and (changes or not fits_capacity(vtype, drive.kg + kg, drive.litres + litres)):
            trips.append(_unload(drive, stops))
            stops = []
        arrival = drive.go(point.id, point.service_s)
        start = next_start(point.time_windows, arrival) or arrival  # late if every window closed
        drive.t = start + point.service_s
        drive.kg, drive.litres, drive.stream = drive.kg + kg, drive.litres + litres, point.stream
        stops.append(VisitStop(point.id, visit, arrival, start, drive.t, drive.kg, drive.litres))
    if stops:
        trips.append(_unload(drive, stops))
    end = drive.go(vehicle.depot_id)
    crew_id = route.crew_id or crew.id
    return Route(
        vehicle.id, shift.id, crew_id, shift.start_s, end, tuple(trips), tuple(drive.breaks)
    )


def _unload(drive: _Drive, stops: list[VisitStop]) -> Trip:
    """Drive to the nearest facility taking the load's stream and tip it there."""
    stream = drive.stream
    assert stream is not None
    facility = drive.nearest_facility(stream)
    arrival = drive.go(facility.id, facility.tipping_s)
    start = next_start(facility.opening, arrival) or arrival
    drive.t = start + facility.tipping_s
    unload = Unload(facility.id, arrival, start, drive.t, drive.kg, drive.litres)
    drive.kg = drive.litres = 0
    drive.stream = None
    return Trip(stream, tuple(stops), unload)
