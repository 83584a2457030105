"""A route as dispatch sees it: a fixed past, and a flexible rest that is timed again on demand.

A :class:`Draft` is one vehicle in one shift with one crew. What is fixed — trips already made,
the visits of the trip in progress, a break already taken, or the whole route when it is locked —
is kept exactly as it is, times included. The flexible rest is a list of :class:`FlexTrip` s
(visits in order, then the facility); :meth:`Timer.time` times it from where the fixed part
leaves the truck, on the problem's own matrices, with the crew's break — stop after stop by the
route engine (:func:`routing.engine.timer.time_stops`) — and refuses it (``None``)
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
from routing.domain import WasteStream
from routing.engine.clock import BreakRule
from routing.engine.timer import Begin, Stop, Timing, place_break, time_stops
from routing.fleet import VehicleType
from routing.kpi import route_legs
from routing.params import SolveParams
from routing.plan import Break, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.travel import TravelMatrix

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


@dataclass(frozen=True, slots=True)
class _Course:
    """What a draft's flexible rest is timed from: where and when the fixed part leaves the
    truck, and the stops to time."""

    draft: Draft
    matrix: TravelMatrix
    vehicle_type: VehicleType
    depot_id: str
    begin: Begin
    stops: list[Stop]


class Timer:
    """Times drafts on ``problem``'s matrices (see the module's description)."""

    def __init__(self, problem: Problem, params: SolveParams | None = None) -> None:
        self.problem = problem
        #: The tuning constants (``break_tries``, ``hold_tries``; the defaults when None).
        self.params = params or SolveParams()
        self._frozen_cost: dict[int, Timed] = {}
        #: Why the last draft refused by :meth:`time` was refused: rule id and sentence.
        self.last_failure: tuple[str, str] = ("", "")

    # -- costs ------------------------------------------------------------------------------
    def route_metres(self, route: Route) -> int:
        """Metres a route drives, leg by leg."""
        return route_legs(self.problem, route)[0]

    def cost_fen(self, vehicle_id: str, metres: int, work_s: int) -> float:
        """Cost of a route driving ``metres`` and working ``work_s`` with the vehicle (kpi's
        factors), with the vehicle's fixed cost (each route bears it whole: closing a vehicle's
        only route saves it)."""
        vtype = self.problem.vehicle_type_of(self.problem.vehicle_by_id[vehicle_id])
        return vtype.cost_fen(metres, work_s) + vtype.fixed_cost_fen

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
    def _stops(self, draft: Draft, index: Mapping[str, int]) -> list[Stop]:
        problem = self.problem
        stops: list[Stop] = []
        for trip in draft.flex:
            for key in trip.visits:
                point = problem.point_by_id[key[0]]
                stops.append(
                    Stop(
                        point.id,
                        index[point.id],
                        point.service_s,
                        point.time_windows,
                        point.visit_kg(key[1]),
                        point.visit_litres(key[1]),
                        zones=problem.zones_at.get(point.id, ()),
                    )
                )
            facility = problem.facility_by_id[trip.facility_id]
            stops.append(
                Stop(
                    facility.id,
                    index[facility.id],
                    facility.tipping_s,
                    facility.opening,
                    unloads=True,
                    zones=problem.zones_at.get(facility.id, ()),
                )
            )
        return stops

    def _run(self, course: _Course, pause_at: int | None, pause_s: int) -> Timing:
        """Time the course, with a pause of ``pause_s`` before stop ``pause_at``; a trip whose
        waste would stay on board too long is started later (waiting before its first visit)
        where that keeps it within the limit."""
        holds: dict[int, int] = {}
        for _ in range(self.params.hold_tries):
            run = time_stops(
                course.matrix,
                course.vehicle_type,
                course.depot_id,
                course.begin,
                course.stops,
                on_board_limit_s=self.problem.rules.on_board_limit_s,
                not_before_s=course.draft.not_before_s,
                pause_at=pause_at,
                pause_s=pause_s,
                holds=holds,
            )
            if run.late is None:
                return run
            first_stop, excess = run.late
            holds[first_stop] = holds.get(first_stop, 0) + excess
        return run

    def time(self, draft: Draft, *, thorough: bool = False) -> Timed | None:
        """The draft as a timed route, or None if it cannot keep every rule of a route.

        The crew's break goes where the plan had it (``break_hint``) if it still fits there,
        else into the latest gap that keeps every rule; ``thorough`` tries every gap (to time a
        route again that is known to fit), otherwise the ``break_tries`` latest."""
        if draft.frozen is not None:
            return self.of_route(draft.frozen)
        if not draft.flex and not draft.fixed_trips:
            return Timed(None, 0.0, 0, 0)
        problem = self.problem
        vehicle = problem.vehicle_by_id[draft.vehicle_id]
        matrix = problem.matrix_for(vehicle)
        begin, metres = self._past(draft, matrix, vehicle.depot_id)
        stops = self._stops(draft, matrix.index)
        vtype = problem.vehicle_type_of(vehicle)
        course = _Course(draft, matrix, vtype, vehicle.depot_id, begin, stops)
        timed = self._with_break(course, thorough=thorough)
        if timed is None:
            return None
        run, breaks = timed
        assert run.end_s is not None
        route = self._route(draft, run, breaks, run.end_s)
        here = begin.location
        for stop in stops:
            metres += matrix.distance(here, stop.location)
            here = stop.location
        metres += matrix.distance(here, vehicle.depot_id)
        work = run.end_s - draft.start_s
        return Timed(route, self.cost_fen(draft.vehicle_id, metres, work), work, metres)

    @staticmethod
    def _past(draft: Draft, matrix: TravelMatrix, depot_id: str) -> tuple[Begin, int]:
        """Where and when the truck is free after the draft's fixed part (its fixed trips, the
        open trip's visits made and the breaks begun), with what it carries; metres driven."""
        here, t, metres = depot_id, draft.start_s, 0
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
        return Begin(here, t, kg, litres, first), metres

    def _with_break(
        self, course: _Course, *, thorough: bool
    ) -> tuple[Timing, tuple[Break, ...]] | None:
        """The course timed to the depot by its latest end, with the crew's break (SH1) placed
        when the route needs one; None (and :attr:`last_failure`) when no timing keeps them."""
        draft = course.draft
        crew = self.problem.crew_by_id[draft.crew_id]
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
            placed = place_break(
                lambda pause_at, pause_s: self._run(course, pause_at, pause_s),
                rule,
                draft.start_s,
                course.begin.t,
                run,
                accept=lambda paused: (
                    paused.end_s is not None
                    and self._ends_in_time(draft, paused.end_s, crew.max_work_s)
                ),
                hint_s=draft.break_hint,
                tries=None if thorough else self.params.break_tries,
            )
            if placed is None:
                self.last_failure = ("SH1", "no place for the crew's break within the rules")
                return None
            run, taken = placed
            breaks = (taken,)
        if run.end_s is None:
            self.last_failure = run.failure
            return None
        if not self._ends_in_time(draft, run.end_s, crew.max_work_s):
            self.last_failure = _LATE
            return None
        return run, breaks

    @staticmethod
    def _ends_in_time(draft: Draft, end_s: int, max_work_s: int) -> bool:
        return end_s <= draft.latest_end_s and end_s - draft.start_s <= max_work_s

    @staticmethod
    def _route(draft: Draft, run: Timing, breaks: tuple[Break, ...], end_s: int) -> Route:
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
