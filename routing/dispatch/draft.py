"""A route as dispatch sees it: a fixed past, and a flexible rest that is timed again on demand.

A :class:`Draft` is one vehicle in one shift with one crew. What is fixed — trips already made,
the visits of the trip in progress, a break already taken, or the whole route when it is locked —
is kept exactly as it is, times included. The flexible rest is a list of :class:`FlexTrip` s
(visits in order, then the facility); :meth:`Timer.time` times it from where the fixed part
leaves the truck, on the problem's own matrices, with the crew's break, and refuses it (``None``)
unless every rule a single route can break is kept: windows (TW), zones and narrow points (CT6),
capacity (CP), facility hours and the on-board limit (CT3, CT5), the shift, the crew's hours and
break, and the handover to the vehicle's next route (SH1, SH2). Facility capacity over the day
and station storage (CT3, TH) span routes and are checked by :mod:`routing.dispatch.day`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from routing.dispatch.requests import VisitKey
from routing.domain import TimeWindow, WasteStream
from routing.engine.clock import (
    BreakRule,
    fits_capacity,
    next_start,
    on_board_excess,
    zone_entry,
    zone_start,
)
from routing.fleet import Zone
from routing.plan import Break, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.travel import TravelMatrix
from routing.units import HOUR, KILOMETRE

BREAK_TRIES = 8  # places for the crew's break tried, latest first
HOLD_TRIES = 4  # rounds of starting a trip later to keep its waste's time on board (CT5)
_LATE = ("SH1", "the route would end after its shift, its crew's hours or the next handover")


@dataclass(slots=True)
class FlexTrip:
    """A trip of the flexible rest: visits in order, then unloading at ``facility_id``.

    ``locked``: a locked trip keeps its visits, their order and its facility.
    """

    stream: WasteStream
    visits: list[VisitKey]
    facility_id: str
    locked: bool = False

    def copy(self) -> FlexTrip:
        """A copy whose visit list can be changed."""
        return FlexTrip(self.stream, list(self.visits), self.facility_id, self.locked)


@dataclass(slots=True)
class Draft:
    """One vehicle, one shift, one crew: a fixed past and a flexible rest.

    Parameters
    ----------
    start_s
        When the route leaves the depot (kept).
    latest_end_s
        The route must be back by then: the shift's end, the crew's hours, the vehicle's next
        route less the handover.
    not_before_s
        No flexible stop is reached before then (the dispatcher's "now").
    fixed_trips
        Trips already made, kept as they are.
    open_trip
        The trip in progress: its visits are kept, it has no unloading yet; ``flex[0]``
        continues it (more visits of its stream, then its facility).
    fixed_breaks
        Breaks already begun.
    flex
        The flexible rest.
    frozen
        The whole route, kept exactly as it is (a locked route, or one already over).
    pinned
        Locked visits: they stay in this draft.
    closed
        The vehicle-shift may get no work (its vehicle is out of service).
    break_hint
        When the plan's crew break began, if it is not fixed: tried first when timing.
    """

    vehicle_id: str
    shift_id: str
    crew_id: str
    start_s: int
    latest_end_s: int
    not_before_s: int = 0
    fixed_trips: tuple[Trip, ...] = ()
    open_trip: Trip | None = None
    fixed_breaks: tuple[Break, ...] = ()
    flex: list[FlexTrip] = field(default_factory=list)
    frozen: Route | None = None
    pinned: frozenset[VisitKey] = frozenset()
    closed: bool = False
    break_hint: int | None = None

    @property
    def movable(self) -> bool:
        """Whether anything of this draft may change."""
        return self.frozen is None and not self.closed

    def copy(self) -> Draft:
        """A copy whose flexible rest can be changed."""
        return dataclasses.replace(self, flex=[t.copy() for t in self.flex])

    def fixed_visits(self) -> Iterator[VisitKey]:
        """Visits of the fixed part."""
        trips: Sequence[Trip] = self.frozen.trips if self.frozen else self.fixed_trips
        for trip in trips:
            for stop in trip.visits:
                yield (stop.point_id, stop.visit)
        if self.frozen is None and self.open_trip is not None:
            for stop in self.open_trip.visits:
                yield (stop.point_id, stop.visit)

    def flex_visits(self) -> Iterator[VisitKey]:
        """Visits of the flexible rest, in order."""
        for trip in self.flex:
            yield from trip.visits

    def visits(self) -> Iterator[VisitKey]:
        """Every visit of the draft."""
        yield from self.fixed_visits()
        yield from self.flex_visits()

    def tidy(self) -> None:
        """Drop flexible trips left without visits (``flex[0]`` stays while a trip is open)."""
        keep_first = self.open_trip is not None
        self.flex = [t for k, t in enumerate(self.flex) if t.visits or (keep_first and k == 0)]


@dataclass(frozen=True, slots=True)
class Timed:
    """A draft timed: its route (None when it has nothing to do), cost and working time."""

    route: Route | None
    cost_fen: float
    work_s: int
    metres: int


@dataclass(slots=True)
class _Event:
    location: str
    row: int  # the location's row in the vehicle's matrix
    key: VisitKey | None  # None: unloading at a facility
    busy_s: int
    windows: tuple[TimeWindow, ...]
    kg: int
    litres: int


@dataclass(frozen=True, slots=True)
class _Course:
    """What a draft's flexible rest is timed from: where and when the fixed part leaves the
    truck (location, time, kg and litres on board, first pickup of the open trip), and the
    events to time."""

    draft: Draft
    matrix: TravelMatrix
    begin: tuple[str, int, int, int, int | None]
    events: list[_Event]


@dataclass(slots=True)
class _Run:
    times: list[tuple[int, int, int, int, int]]  # arrival, start, departure, kg, litres
    end_s: int | None  # None: infeasible at event len(times)
    failure: tuple[str, str] = ("", "")  # rule id and sentence, when infeasible


class Timer:
    """Times drafts on ``problem``'s matrices (see the module's description)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.zones_at: dict[str, list[Zone]] = {}
        places = [(p.id, p.location) for p in problem.points]
        places += [(f.id, f.location) for f in problem.facilities]
        for location_id, location in places:
            inside = [z for z in problem.zones if z.contains(location.lon, location.lat)]
            if inside:
                self.zones_at[location_id] = inside
        self._frozen_cost: dict[int, Timed] = {}
        #: Why the last draft refused by :meth:`time` was refused: rule id and sentence.
        self.last_failure: tuple[str, str] = ("", "")

    # -- costs ------------------------------------------------------------------------------
    def route_metres(self, route: Route) -> int:
        """Metres a route drives, leg by leg."""
        vehicle = self.problem.vehicle_by_id[route.vehicle_id]
        matrix = self.problem.matrix_for(vehicle)
        here, metres = vehicle.depot_id, 0
        for stop in route.stops():
            there = stop.point_id if isinstance(stop, VisitStop) else stop.facility_id
            metres += matrix.distance(here, there)
            here = there
        return metres + matrix.distance(here, vehicle.depot_id)

    def cost_fen(self, vehicle_id: str, metres: int, work_s: int) -> float:
        """Cost of driving ``metres`` and working ``work_s`` with the vehicle (kpi's factors)."""
        vtype = self.problem.vehicle_type_of(self.problem.vehicle_by_id[vehicle_id])
        return metres / KILOMETRE * vtype.cost_per_km_fen + work_s / HOUR * vtype.cost_per_hour_fen

    def of_route(self, route: Route) -> Timed:
        """A route kept as it is, with its cost."""
        cached = self._frozen_cost.get(id(route))
        if cached is None or cached.route is not route:
            metres = self.route_metres(route)
            work = route.end_s - route.start_s
            cached = Timed(route, self.cost_fen(route.vehicle_id, metres, work), work, metres)
            self._frozen_cost[id(route)] = cached
        return cached

    # -- timing -----------------------------------------------------------------------------
    def _events(self, draft: Draft, index: Mapping[str, int]) -> list[_Event]:
        problem = self.problem
        events: list[_Event] = []
        for trip in draft.flex:
            for key in trip.visits:
                point = problem.point_by_id[key[0]]
                events.append(
                    _Event(
                        point.id,
                        index[point.id],
                        key,
                        point.service_s,
                        point.time_windows,
                        point.visit_kg(key[1]),
                        point.visit_litres(key[1]),
                    )
                )
            facility = problem.facility_by_id[trip.facility_id]
            events.append(
                _Event(
                    facility.id,
                    index[facility.id],
                    None,
                    facility.tipping_s,
                    facility.opening,
                    0,
                    0,
                )
            )
        return events

    def _run(self, course: _Course, pause_at: int | None, pause_s: int) -> _Run:
        """Time the course, with a pause of ``pause_s`` before event ``pause_at``; a trip whose
        waste would stay on board too long is started later (waiting before its first visit)
        where that keeps it within the limit."""
        holds: dict[int, int] = {}
        for _ in range(HOLD_TRIES):
            run, late = self._run_once(course, pause_at, pause_s, holds)
            if late is None:
                return run
            first_event, excess = late
            holds[first_event] = holds.get(first_event, 0) + excess
        return run

    def _run_once(
        self, course: _Course, pause_at: int | None, pause_s: int, holds: dict[int, int]
    ) -> tuple[_Run, tuple[int, int] | None]:
        draft, matrix, events = course.draft, course.matrix, course.events
        problem = self.problem
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[draft.vehicle_id])
        size = vtype.size_class
        limit = problem.rules.on_board_limit_s
        here_id, t, kg, litres, first = course.begin
        here = matrix.index[here_id]
        seconds = matrix.time_s
        not_before = draft.not_before_s
        first_event: int | None = None
        times: list[tuple[int, int, int, int, int]] = []
        for k, event in enumerate(events):
            if k == pause_at:
                t += pause_s
            if holds:
                t += holds.get(k, 0)
            earliest = max(t + int(seconds[here, event.row]), not_before)
            zones = self.zones_at.get(event.location)
            if zones:
                start = zone_start(zones, size, event.windows, earliest, event.busy_s)
                arrival = earliest
                if start is not None:  # the truck waits inside only while every zone is open
                    arrival = zone_entry(zones, earliest, start, start + event.busy_s)
            else:
                start = next_start(event.windows, earliest)
                arrival = earliest
            if start is None:
                what = f"point {event.location}" if event.key else f"facility {event.location}"
                if zones:
                    return _Run(times, None, ("CT6", f"{what}: zone hours or vehicle size")), None
                return _Run(times, None, ("TW", f"{what} cannot be reached within its hours")), None
            if event.key is not None:
                kg, litres = kg + event.kg, litres + event.litres
                if not fits_capacity(vtype, kg, litres):
                    return _Run(times, None, ("CP", f"over the capacity of {vtype.id}")), None
                if first is None:
                    first, first_event = start, k
            elif first is not None and (excess := on_board_excess(first, start, limit)):
                failed = _Run(times, None, ("CT5", "waste would stay on board too long"))
                if first_event is None:  # the trip began in the fixed past
                    return failed, None
                return failed, (first_event, excess)
            departure = start + event.busy_s
            times.append((arrival, start, departure, kg, litres))
            if event.key is None:
                kg = litres = 0
                first = first_event = None
            here, t = event.row, departure
        if pause_at == len(events):
            t += pause_s
        depot = matrix.index[problem.vehicle_by_id[draft.vehicle_id].depot_id]
        return _Run(times, t + int(seconds[here, depot])), None

    def time(self, draft: Draft, *, thorough: bool = False) -> Timed | None:
        """The draft as a timed route, or None if it cannot keep every rule of a route.

        The crew's break goes where the plan had it (``break_hint``) if it still fits there,
        else into the latest gap that keeps every rule; ``thorough`` tries every gap (to time a
        route again that is known to fit), otherwise the :data:`BREAK_TRIES` latest."""
        if draft.frozen is not None:
            return self.of_route(draft.frozen)
        problem = self.problem
        vehicle = problem.vehicle_by_id[draft.vehicle_id]
        matrix = problem.matrix_for(vehicle)
        crew = problem.crew_by_id[draft.crew_id]
        here, t, metres = vehicle.depot_id, draft.start_s, 0
        for trip in draft.fixed_trips:
            for stop in (*trip.visits, *((trip.unload,) if trip.unload else ())):
                there = stop.point_id if isinstance(stop, VisitStop) else stop.facility_id
                metres += matrix.distance(here, there)
                here, t = there, stop.departure_s
        kg = litres = 0
        first: int | None = None
        if draft.open_trip is not None:
            for visit in draft.open_trip.visits:
                metres += matrix.distance(here, visit.point_id)
                here, t = visit.point_id, visit.departure_s
            kg, litres = draft.open_trip.visits[-1].load_kg, draft.open_trip.visits[-1].load_l
            first = draft.open_trip.visits[0].start_s
        for brk in draft.fixed_breaks:
            t = max(t, brk.end_s)
        if not draft.flex and not draft.fixed_trips:
            return Timed(None, 0.0, 0, 0)
        events = self._events(draft, matrix.index)
        course = _Course(draft, matrix, (here, t, kg, litres, first), events)
        run = self._run(course, None, 0)
        breaks: tuple[Break, ...] = draft.fixed_breaks
        rule = BreakRule.of(crew)
        needs_break = (
            not breaks
            and rule.length_s > 0
            and (run.end_s is None or rule.due(draft.start_s, run.end_s))
        )
        if needs_break:
            if run.end_s is None or not self._ends_in_time(draft, run.end_s, crew.max_work_s):
                # A break only delays what follows it: what fails without one fails with one.
                self.last_failure = run.failure if run.end_s is None else _LATE
                return None
            chosen: _Run | None = None
            leaves = [t, *(times[2] for times in run.times)]
            places = rule.places(draft.start_s, leaves, hint_s=draft.break_hint)
            for position in places if thorough else places[:BREAK_TRIES]:
                paused = self._run(course, position, crew.break_s)
                if paused.end_s is not None and self._ends_in_time(
                    draft, paused.end_s, crew.max_work_s
                ):
                    leave = leaves[position]
                    chosen, breaks = paused, (Break(leave, leave + crew.break_s),)
                    break
            if chosen is None:
                self.last_failure = ("SH1", "no place for the crew's break within the rules")
                return None
            run = chosen
        if run.end_s is None:
            self.last_failure = run.failure
            return None
        if not self._ends_in_time(draft, run.end_s, crew.max_work_s):
            self.last_failure = _LATE
            return None
        route = self._route(draft, run, breaks, run.end_s)
        for event in events:
            metres += matrix.distance(here, event.location)
            here = event.location
        metres += matrix.distance(here, vehicle.depot_id)
        work = run.end_s - draft.start_s
        return Timed(route, self.cost_fen(draft.vehicle_id, metres, work), work, metres)

    @staticmethod
    def _ends_in_time(draft: Draft, end_s: int, max_work_s: int) -> bool:
        return end_s <= draft.latest_end_s and end_s - draft.start_s <= max_work_s

    @staticmethod
    def _route(draft: Draft, run: _Run, breaks: tuple[Break, ...], end_s: int) -> Route:
        trips: list[Trip] = list(draft.fixed_trips)
        visits: list[VisitStop] = list(draft.open_trip.visits) if draft.open_trip else []
        k = 0
        for flex in draft.flex:
            for key in flex.visits:
                arrival, start, departure, kg, litres = run.times[k]
                visits.append(VisitStop(key[0], key[1], arrival, start, departure, kg, litres))
                k += 1
            arrival, start, departure, _kg, _l = run.times[k]
            kg = visits[-1].load_kg if visits else 0
            litres = visits[-1].load_l if visits else 0
            unload = Unload(flex.facility_id, arrival, start, departure, kg, litres)
            trips.append(Trip(flex.stream, tuple(visits), unload))
            visits = []
            k += 1
        return Route(
            draft.vehicle_id,
            draft.shift_id,
            draft.crew_id,
            draft.start_s,
            end_s,
            tuple(trips),
            tuple(sorted(breaks, key=lambda b: b.start_s)),
        )
