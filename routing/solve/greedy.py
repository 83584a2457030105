"""A constructive planner: nearest feasible visit first, shift by shift, vehicle by vehicle.

It is the baseline and the fallback: fast, deterministic, feasible by construction for the rules it
models (CT1–CT6, CP, TW, FQ, SH1, SH2), and honest about what it cannot serve. Transfer hauls (TH)
are scheduled afterwards by :mod:`routing.hauls`. The optimiser (:mod:`routing.solve.optimiser`)
uses it as fill and fallback and returns the better of the two plans; the validator judges both.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace

from routing.domain import CollectionPoint, Facility, TimeWindow, WasteStream
from routing.engine.clock import BreakRule, fits_capacity, within_day
from routing.engine.timer import Begin, Stop, Timing, break_on_the_way, time_stops
from routing.fleet import Crew, Shift, Vehicle
from routing.hauls import schedule_hauls
from routing.params import SolveParams
from routing.plan import Break, Plan, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.solve.greedy_day import GreedyDay, day_after
from routing.solve.unserved import explain_unserved, explain_visits
from routing.travel import TravelMatrix


@dataclass(frozen=True, slots=True)
class _Position:
    """Where the truck is and when it is free, the crew's break once taken, and the open trip:
    kg and litres on board and the start of service of its first pickup (None when empty)."""

    here: str
    t: int
    breaks: tuple[Break, ...] = ()
    kg: int = 0
    litres: int = 0
    first: int | None = None


_Timed = tuple[Timing, _Position]  # stops timed, and where the truck is after the first of them


class _RouteBuilder:
    """One vehicle-shift's route, stop by stop: the nearest pending visit whose trip can still be
    unloaded and the truck brought home in time; every stop timed by the route engine
    (:func:`routing.engine.timer.time_stops`), the crew's break taken on the way."""

    def __init__(
        self,
        day: GreedyDay,
        vehicle: Vehicle,
        shift: Shift,
        shift_index: int,
        crew: Crew,
        start: int,
    ):
        problem = day.problem
        self.day = day
        self.vehicle = vehicle
        self.vtype = problem.vehicle_type_of(vehicle)
        self.matrix: TravelMatrix = problem.matrix_for(vehicle)
        self.shift = shift
        self.shift_index = shift_index
        self.crew = crew
        self.start = start
        self.end_limit = min(shift.end_s, crew.available.end_s, start + crew.max_work_s)
        self.rule = BreakRule.of(crew)
        self.at = _Position(vehicle.depot_id, start)
        self.streams = {
            r.stream
            for r in problem.rules.stream_rules
            if r.allows(self.vtype.body, self.vtype.sealed)
        }
        self.on_board = problem.rules.on_board_limit_s

    # -- stops timed by the engine ------------------------------------------------------------
    def _stop(
        self,
        location: str,
        busy_s: int,
        windows: Sequence[TimeWindow],
        *,
        kg: int = 0,
        litres: int = 0,
        unloads: bool = False,
    ) -> Stop:
        zones = self.day.problem.zones_at.get(location, ())
        row = self.matrix.index[location]
        return Stop(location, row, busy_s, tuple(windows), kg, litres, unloads, zones)

    def _unloading(self, facility: Facility) -> Stop:
        return self._stop(facility.id, facility.tipping_s, facility.opening, unloads=True)

    def _time(self, at: _Position, stops: Sequence[Stop]) -> _Timed | None:
        """``stops`` timed from ``at`` and home by the end of the shift, and the position after
        the first stop (or at home when there is none); None when a rule stops them."""
        begin = Begin(at.here, at.t, at.kg, at.litres, at.first)

        def run(pause_at: int | None, pause_s: int) -> Timing:
            return time_stops(
                self.matrix,
                self.vtype,
                self.vehicle.depot_id,
                begin,
                stops,
                on_board_limit_s=self.on_board,
                pause_at=pause_at,
                pause_s=pause_s,
            )

        if at.breaks:
            timing, position, taken = run(None, 0), None, None
        else:
            timing, position, taken = break_on_the_way(run, self.rule, self.start, at.t)
        if timing.end_s is None or timing.end_s > self.end_limit:
            return None
        breaks = at.breaks if taken is None or position != 0 else (*at.breaks, taken)
        if not stops:
            return timing, replace(at, t=timing.end_s, breaks=breaks)
        _arrival, begins, departure, kg, litres = timing.times[0]
        first = at.first
        if stops[0].unloads:
            kg = litres = 0
            first = None
        elif first is None:
            first = begins
        return timing, _Position(stops[0].location, departure, breaks, kg, litres, first)

    def _may_unload(self, facility: Facility, stream: WasteStream, kg: int) -> bool:
        """Whether ``facility`` takes ``stream`` and has room today for ``kg`` more, and is not a
        station the hauls could no longer empty in time."""
        return (
            stream in facility.accepts
            and self.day.facility_left[facility.id] >= kg
            and facility.id not in self.day.full_stations
        )

    def _close(
        self, at: _Position, stream: WasteStream, exclude: frozenset[str] = frozenset()
    ) -> tuple[Facility, tuple[int, int, int], _Position] | None:
        """Best facility to unload at (home soonest), its times and the position after it."""
        best: tuple[int, Facility, tuple[int, int, int], _Position] | None = None
        for facility in self.day.problem.facilities:
            if facility.id in exclude or not self._may_unload(facility, stream, at.kg):
                continue
            timed = self._time(at, [self._unloading(facility)])
            if timed is None:
                continue
            timing, after = timed
            assert timing.end_s is not None
            if best is None or timing.end_s < best[0]:
                best = (timing.end_s, facility, timing.times[0][:3], after)
        return None if best is None else best[1:]

    # -- one trip -------------------------------------------------------------------------
    def _candidates(self, streams: set[WasteStream]) -> list[CollectionPoint]:
        problem, day = self.day.problem, self.day
        pool = [
            problem.point_by_id[pid]
            for pid, visit in day.pending.items()
            if problem.point_by_id[pid].stream in streams
            and self.vtype.size_class <= problem.point_by_id[pid].max_size_class
            and (visit == 0 or day.last_shift[pid] < self.shift_index)
        ]
        row = self.matrix.time_s[self.matrix.index[self.at.here]]
        index = self.matrix.index
        # Points with more visits still to make go first, so later visits find a later shift.
        return heapq.nsmallest(
            self.day.candidates,
            pool,
            key=lambda p: (int(row[index[p.id]]) // (p.visits_per_day - day.pending[p.id]), p.id),
        )

    def _try_visit(self, point: CollectionPoint) -> tuple[VisitStop, _Position] | None:
        """The visit to ``point`` from here, if its trip can still be unloaded and the truck
        brought home in time; the position after it."""
        visit = self.day.pending[point.id]
        kg, litres = point.visit_kg(visit), point.visit_litres(visit)
        if not fits_capacity(self.vtype, self.at.kg + kg, self.at.litres + litres):
            return None
        if not self._within_day(kg, litres):
            return None
        stop = self._stop(point.id, point.service_s, point.time_windows, kg=kg, litres=litres)
        after: _Position | None = None
        for facility in self.day.problem.facilities:
            if not self._may_unload(facility, point.stream, self.at.kg + kg):
                continue
            timed = self._time(self.at, [stop, self._unloading(facility)])
            if timed is not None:
                after = timed[1]
                times = timed[0].times[0]
                break
        if after is None:
            return None
        return VisitStop(point.id, visit, *times), after

    def trip(self) -> Trip | None:
        """Build the next trip from the current position, or None when nothing more fits."""
        visits: list[VisitStop] = []
        stream: WasteStream | None = None
        while True:
            streams = self.streams if stream is None else {stream}
            chosen = None
            for point in self._candidates(streams):
                chosen = self._try_visit(point)
                if chosen is not None:
                    stream = point.stream
                    break
            if chosen is None:
                break
            stop, self.at = chosen
            visits.append(stop)
            self._mark_served(stop.point_id)
        if not visits or stream is None:
            return None
        kg, litres = self.at.kg, self.at.litres
        closing = self._close(self.at, stream)
        assert closing is not None  # every visit was added only if the trip could still close
        excluded: set[str] = set()
        while closing[0].stores and not self.day.station_accepts(closing[0].id, closing[1][2], kg):
            # The station could not be emptied in time (TH): unload elsewhere, or at no station.
            excluded.add(closing[0].id)
            other = self._close(self.at, stream, frozenset(excluded))
            if other is None:
                self.day.full_stations.update(excluded)
                self._give_back(visits)
                return None
            closing = other
        facility, times, self.at = closing
        self.day.facility_left[facility.id] -= kg
        if facility.stores:
            self.day.inflows.append((times[2], facility.id, kg))
        return Trip(stream, tuple(visits), Unload(facility.id, *times, kg, litres))

    def _within_day(self, kg: int, litres: int) -> bool:
        """DL: whether one more visit of ``kg`` and ``litres`` keeps the vehicle's day within
        its type's daily limits."""
        used = self.day.used.get(self.vehicle.id, (0, 0, 0))
        return within_day(self.vtype, used[0] + kg, used[1] + litres, used[2] + 1)

    def _count(self, point_id: str, visit: int, sign: int) -> None:
        self.day.count(self.vehicle.id, [(point_id, visit)], sign)

    def _give_back(self, visits: list[VisitStop]) -> None:
        """Undo a trip that cannot be unloaded anywhere; its visits stay pending."""
        for stop in visits:
            self._count(stop.point_id, stop.visit, -1)
            self.day.pending[stop.point_id] = min(
                stop.visit, self.day.pending.get(stop.point_id, stop.visit)
            )
            self.day.visit_shift.pop((stop.point_id, stop.visit), None)
            pending = self.day.pending[stop.point_id]
            earlier = self.day.visit_shift.get((stop.point_id, pending - 1))
            if earlier is None:
                self.day.last_shift.pop(stop.point_id, None)
            else:  # the point's earlier visit stands: a later one still needs a later shift
                self.day.last_shift[stop.point_id] = earlier

    def _mark_served(self, point_id: str) -> None:
        point = self.day.problem.point_by_id[point_id]
        self.day.last_shift[point_id] = self.shift_index
        self.day.visit_shift[(point_id, self.day.pending[point_id])] = self.shift_index
        self._count(point_id, self.day.pending[point_id], +1)
        self.day.pending[point_id] += 1
        if self.day.pending[point_id] >= point.visits_per_day:
            del self.day.pending[point_id]

    def route(self) -> Route | None:
        trips = []
        while (trip := self.trip()) is not None:
            trips.append(trip)
        if not trips:
            return None
        home = self._time(self.at, [])
        assert home is not None  # the last trip closed only if the truck got home in time
        back = home[1]
        return Route(
            self.vehicle.id,
            self.shift.id,
            self.crew.id,
            self.start,
            back.t,
            tuple(trips),
            back.breaks,
        )


def _routes(day: GreedyDay, kept: Sequence[Route]) -> list[Route]:
    """``kept`` and a route for every vehicle-shift they leave free, shift by shift, vehicle by
    vehicle, with the crews they leave free, around their handovers (SH2)."""
    problem = day.problem
    crews_free = sorted(
        (c for c in problem.crews if c.id not in {r.crew_id for r in kept}), key=lambda c: c.id
    )
    handover = problem.rules.handover_s
    routes: list[Route] = list(kept)
    haulers = {
        v.id for v in problem.vehicles if problem.vehicle_type_of(v).body is problem.rules.haul_body
    }
    starts = {s.id: s.start_s for s in problem.shifts}
    for index, shift in enumerate(sorted(problem.shifts, key=lambda s: s.start_s)):
        for vehicle in sorted(problem.vehicles, key=lambda v: v.id):
            if vehicle.id in haulers or not day.pending:
                continue
            own = [r for r in routes if r.vehicle_id == vehicle.id]
            if any(r.shift_id == shift.id for r in own):
                continue
            before = [r.end_s + handover for r in own if starts[r.shift_id] < shift.start_s]
            after = [r.start_s - handover for r in own if starts[r.shift_id] > shift.start_s]
            start = max([shift.start_s, *before])
            crew = next((c for c in crews_free if c.available.contains(start)), None)
            if crew is None:
                continue
            builder = _RouteBuilder(day, vehicle, shift, index, crew, start)
            builder.end_limit = min([builder.end_limit, *after])
            route = builder.route()
            if route is None:
                continue
            routes.append(route)
            crews_free.remove(crew)
    routes.sort(key=lambda r: (r.vehicle_id, r.start_s))
    return routes


def plan_greedy(
    problem: Problem,
    *,
    seed: int = 0,
    base: Plan | None = None,
    params: SolveParams | None = None,
) -> Plan:
    """Plan the day greedily; deterministic (``seed`` only recorded, the method has no randomness).
    ``params``: :attr:`SolveParams.greedy_candidates` (the default when None).

    With ``base``, keep its routes and plan only what it leaves: its visits not made, in the
    vehicle-shifts it leaves free, with the crews it leaves free, around its routes' handovers.

    Returns
    -------
    Plan
        Routes, hauls from transfer stations, and every visit it could not make with the reason.
    """
    day = day_after(problem, base)
    day.candidates = (params or SolveParams()).greedy_candidates
    routes = _routes(day, base.routes if base else ())
    plan = Plan(problem.name, tuple(routes))
    hauls = schedule_hauls(problem, plan)
    served = {(stop.point_id, stop.visit) for _r, _t, stop in plan.served_visits()}
    missing = [
        (p.id, v)
        for p in problem.points
        for v in range(p.visits_per_day)
        if (p.id, v) not in served
    ]
    full = frozenset(day.full_stations)
    unserved = explain_visits(problem, missing, served, full)
    if base is None:
        unserved = explain_unserved(problem, day.pending, day.last_shift, full)
    return Plan(
        problem.name,
        tuple(routes),
        hauls,
        tuple(unserved),
        {
            **(dict(base.meta) if base else {"solver": "greedy"}),
            "seed": seed,
            "travel": ", ".join(sorted({m.method for m in problem.travel.values()})),
        },
    )
