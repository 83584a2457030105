"""From a solver's sequence of stops to a timed :class:`~routing.plan.Route`, with the crew break.

Times are recomputed from the problem's own matrices by the route engine
(:func:`routing.engine.timer.time_stops`): leave at the slot's start (or the solver's), drive,
wait for the start window, serve or tip, and so on home. When the route is longer
than the crew may work without a break, the break goes into the latest gap that still starts in
time; everything after it moves later by at most the break, which the margins of
:mod:`routing.solve.jobs` leave room for. A route that cannot be timed within every rule is
refused (``None``) and its visits go back to the pool.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from routing.domain import TimeWindow
from routing.engine.clock import BreakRule, on_board_excess
from routing.engine.timer import Begin, Stop, Timing, place_break, time_stops
from routing.fleet import Crew
from routing.plan import Break, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.solve.jobs import break_margin
from routing.solve.model import Job, Slot, StreamProblem


@dataclass(slots=True)
class _Event:
    location: str
    job: Job | None
    facility: str | None
    busy_s: int
    windows: tuple[TimeWindow, ...]
    arrival: int = 0
    start: int = 0
    departure: int = 0


def _events(
    problem: Problem, sub: StreamProblem, trips: tuple[tuple[tuple[int, ...], int], ...]
) -> list[_Event]:
    margin = break_margin(problem)
    events: list[_Event] = []
    for jobs, dump in trips:
        for k in jobs:
            job = sub.jobs[k]
            # The solver saw the window's end moved earlier by the break margin; the true end is
            # the point's own window, which the break may use.
            point = problem.point_by_id[job.point_id]
            true_end = max(w.end_s for w in point.time_windows if w.contains(job.tw_start))
            close = min(true_end, job.tw_end + margin)
            window = (TimeWindow(job.tw_start, close),) if close >= job.tw_start else ()
            events.append(_Event(job.point_id, job, None, job.service_s, window))
        facility = problem.facility_by_id[sub.dumps[dump].facility_id]
        events.append(_Event(facility.id, None, facility.id, facility.tipping_s, facility.opening))
    return events


def _stops(problem: Problem, profile: str, events: list[_Event]) -> list[Stop]:
    """The events as the engine's stops, with the zones around them (CT6)."""
    index = problem.travel[profile].index
    return [
        Stop(
            event.location,
            index[event.location],
            event.busy_s,
            event.windows,
            event.job.kg if event.job is not None else 0,
            event.job.litres if event.job is not None else 0,
            unloads=event.job is None,
            zones=problem.zones_at.get(event.location, ()),
        )
        for event in events
    ]


def _timer(
    problem: Problem, slot: Slot, start: int, events: list[_Event], stops: list[Stop]
) -> Callable[[int | None, int], Timing]:
    """Times the events from ``start`` with a pause of ``pause_s`` before event ``pause_at``
    (``len(events)``: before driving home), and writes the times into the events when every stop
    is made. CT5 is checked afterwards: a break may shorten a trip's waiting, so its time on
    board."""
    matrix = problem.travel[slot.profile]
    vehicle_type = problem.vehicle_type_of(problem.vehicle_by_id[slot.vehicle_id])
    begin = Begin(slot.depot_id, start)

    def run(pause_at: int | None, pause_s: int) -> Timing:
        timing = time_stops(
            matrix,
            vehicle_type,
            slot.depot_id,
            begin,
            stops,
            on_board_limit_s=None,
            pause_at=pause_at,
            pause_s=pause_s,
        )
        if timing.end_s is not None:
            for event, (_arrival, begins, departure, _kg, _l) in zip(
                events, timing.times, strict=True
            ):
                # The solver's routes arrive when service starts: any wait is spent before.
                event.arrival, event.start, event.departure = begins, begins, departure
        return timing

    return run


def time_route(
    problem: Problem,
    sub: StreamProblem,
    slot_index: int,
    start_s: int,
    trips: tuple[tuple[tuple[int, ...], int], ...],
    crew: Crew,
    *,
    shift_end_s: int,
) -> Route | None:
    """The timed route of a slot, with its break; None if it cannot keep every rule."""
    slot = sub.slots[slot_index]
    events = _events(problem, sub, trips)
    start = max(start_s, slot.start_s)
    run = _timer(problem, slot, start, events, _stops(problem, slot.profile, events))
    timing = run(None, 0)
    if timing.end_s is None:
        return None
    breaks: tuple[Break, ...] = ()
    rule = BreakRule.of(crew)
    if rule.due(start, timing.end_s):

        def accept(paused: Timing) -> bool:  # ``run`` has written its times into the events
            assert paused.end_s is not None
            return (
                paused.end_s <= shift_end_s
                and _windows_kept(problem, events)
                and _on_board_kept(problem, events)
            )

        placed = place_break(run, rule, start, start, timing, accept=accept)
        if placed is None:
            return None
        timing, taken = placed
        breaks = (taken,)
    end = timing.end_s
    assert end is not None
    if end > shift_end_s or end - start > crew.max_work_s or not _windows_kept(problem, events):
        return None
    if not _on_board_kept(problem, events):
        return None
    return Route(slot.vehicle_id, slot.shift_id, crew.id, start, end, _trips(sub, events), breaks)


def _windows_kept(problem: Problem, events: list[_Event]) -> bool:
    for event in events:
        if event.job is not None:
            point = problem.point_by_id[event.job.point_id]
            if not any(w.contains(event.start) for w in point.time_windows):
                return False
        elif event.facility is not None and not problem.facility_by_id[event.facility].is_open(
            event.start
        ):
            return False
    return True


def _on_board_kept(problem: Problem, events: list[_Event]) -> bool:
    first: int | None = None
    for event in events:
        if event.job is not None and first is None:
            first = event.start
        elif event.facility is not None:
            if first is not None and on_board_excess(
                first, event.start, problem.rules.on_board_limit_s
            ):
                return False
            first = None
    return True


def _trips(sub: StreamProblem, events: list[_Event]) -> tuple[Trip, ...]:
    trips: list[Trip] = []
    visits: list[VisitStop] = []
    kg = litres = 0
    for event in events:
        if event.job is not None:
            kg += event.job.kg
            litres += event.job.litres
            visits.append(
                VisitStop(
                    event.job.point_id,
                    event.job.visit,
                    event.arrival,
                    event.start,
                    event.departure,
                    kg,
                    litres,
                )
            )
        else:
            assert event.facility is not None
            unload = Unload(event.facility, event.arrival, event.start, event.departure, kg, litres)
            trips.append(Trip(sub.stream, tuple(visits), unload))
            visits, kg, litres = [], 0, 0
    return tuple(trips)


Trips = tuple[tuple[tuple[int, ...], int], ...]


def _first_long_trip(
    problem: Problem, sub: StreamProblem, slot_index: int, start_s: int, trips: Trips
) -> tuple[int, int] | None:
    """(trip, jobs to keep) for the first trip whose waste stays on board too long, if any."""
    slot = sub.slots[slot_index]
    events = _events(problem, sub, trips)
    start = max(start_s, slot.start_s)
    if (
        _timer(problem, slot, start, events, _stops(problem, slot.profile, events))(None, 0).end_s
        is None
    ):
        return None
    limit = problem.rules.on_board_limit_s - break_margin(problem)
    matrix = problem.travel[slot.profile]
    k = 0
    for t, (jobs, _dump) in enumerate(trips):
        trip_events = events[k : k + len(jobs) + 1]
        k += len(jobs) + 1
        first = trip_events[0].start
        if trip_events[-1].start - first <= limit:
            continue
        keep = 1
        for n in range(1, len(jobs)):
            last = trip_events[n - 1]
            to_dump = min(matrix.time(last.location, d.facility_id) for d in sub.dumps)
            if last.departure + to_dump - first <= limit:
                keep = n
        return t, keep
    return None


def repair_route(
    problem: Problem,
    sub: StreamProblem,
    slot_index: int,
    start_s: int,
    trips: Trips,
    crew: Crew,
    *,
    shift_end_s: int,
) -> tuple[Route | None, Trips, list[int]]:
    """A timed route as close to the solver's as every rule allows, the trips it runs, and the
    jobs left out.

    A trip whose waste would stay on board too long (CT5) is split with an extra unloading at the
    nearest dump; a route that still cannot be timed loses its last visits one by one.
    """
    dropped: list[int] = []
    work = [list(jobs) for jobs, _ in trips]
    dumps = [dump for _, dump in trips]
    matrix = problem.travel[sub.slots[slot_index].profile]
    for _ in range(4 * sum(len(j) for j in work) + 8):
        current: Trips = tuple((tuple(j), d) for j, d in zip(work, dumps, strict=True) if j)
        if not current:
            return None, (), dropped
        route = time_route(
            problem, sub, slot_index, start_s, current, crew, shift_end_s=shift_end_s
        )
        if route is not None:
            return route, current, dropped
        long_trip = _first_long_trip(problem, sub, slot_index, start_s, current)
        work = [list(j) for j, _ in current]
        dumps = [d for _, d in current]
        if long_trip is not None and 0 < long_trip[1] < len(work[long_trip[0]]):
            t, keep = long_trip
            last = sub.jobs[work[t][keep - 1]].point_id
            nearest = min(
                range(len(sub.dumps)), key=lambda d: matrix.time(last, sub.dumps[d].facility_id)
            )
            work[t : t + 1] = [work[t][:keep], work[t][keep:]]
            dumps[t : t + 1] = [nearest, dumps[t]]
            continue
        dropped.append(work[-1].pop())
    return None, (), dropped
