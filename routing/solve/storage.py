"""Facilities within their daily capacity (CT3) and transfer stations within their storage (TH).

The routing engine does not see a station's store. After routing, unloadings at stations are
replayed in time order with the haul schedule (:mod:`routing.hauls`); the first one that would
overflow a store is sent to another facility that takes the stream (another station, the landfill)
if its route can still be timed within every rule, or its visits are given back to be planned by
the fill step or listed unserved.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.fleet import Crew
from routing.hauls import Inflow, first_overflow, haul_inflows, unloaded_kg
from routing.plan import Route
from routing.problem import Problem
from routing.solve.model import StreamProblem
from routing.solve.timing import Trips, time_route


@dataclass(slots=True)
class Timed:
    """A timed route and what it was timed from, so that it can be timed again."""

    sub: StreamProblem
    slot: int
    start_s: int
    trips: Trips
    latest_s: int
    route: Route | None


def _retimed(problem: Problem, item: Timed, trips: Trips, crew: Crew) -> Route | None:
    """``item``'s route timed again with ``trips`` (None without trips, or if it cannot keep
    every rule)."""
    if not trips:
        return None
    return time_route(
        problem, item.sub, item.slot, item.start_s, trips, crew, shift_end_s=item.latest_s
    )


def _move_or_drop(problem: Problem, item: Timed, t: int, crew: Crew, allowed: set[str]) -> None:
    """Send trip ``t`` of ``item`` to the first facility of ``allowed`` its route can still be
    timed with, or take the trip out (its visits are given back)."""
    jobs = item.trips[t][0]
    for other, dump in enumerate(item.sub.dumps):
        if dump.facility_id not in allowed:
            continue
        trips = (*item.trips[:t], (jobs, other), *item.trips[t + 1 :])
        route = _retimed(problem, item, trips, crew)
        if route is not None:
            item.trips, item.route = trips, route
            return
    item.trips = (*item.trips[:t], *item.trips[t + 1 :])
    item.route = _retimed(problem, item, item.trips, crew)


def _inflows(problem: Problem, timed: list[Timed]) -> list[tuple[Inflow, int, int]]:
    stations = {f.id for f in problem.transfer_stations}
    out = []
    for r, item in enumerate(timed):
        if item.route is None:
            continue
        for t, trip in enumerate(item.route.trips):
            if trip.unload is not None and trip.unload.facility_id in stations:
                out.append(
                    ((trip.unload.departure_s, trip.unload.facility_id, trip.unload.kg), r, t)
                )
    return sorted(out)


def _first_overflow(problem: Problem, timed: list[Timed]) -> tuple[int, int] | None:
    """The route and trip of the first unloading (in time order) after which some station
    overflows, with the hauls the day's unloadings set off."""
    inflows = _inflows(problem, timed)
    # What trips bring each facility: hauls get only the rest of its daily capacity.
    unloaded = unloaded_kg(item.route for item in timed if item.route is not None)
    day = [i for i, _, _ in inflows]
    hauls, _ = haul_inflows(problem, day, unloaded)
    stations = {f.id: f for f in problem.transfer_stations}
    first = first_overflow(stations, day, hauls)
    return None if first is None else (inflows[first][1], inflows[first][2])


def keep_stations_in_storage(problem: Problem, timed: list[Timed], crew: Crew) -> None:
    """Change ``timed`` in place until no station overflows (TH).

    A trip moved away from a station is never sent back to it, so that two full stations cannot
    pass a trip between them: each move shrinks what is left to try, and the repair ends.
    """
    left_behind: dict[tuple[int, tuple[int, ...]], set[str]] = {}
    while (spot := _first_overflow(problem, timed)) is not None:
        r, t = spot
        item = timed[r]
        jobs, dump = item.trips[t]
        station = item.sub.dumps[dump].facility_id
        tried = left_behind.setdefault((r, tuple(jobs)), set())
        tried.add(station)
        others = {d.facility_id for d in item.sub.dumps} - tried
        _move_or_drop(problem, item, t, crew, others)


def keep_facilities_within_capacity(problem: Problem, timed: list[Timed], crew: Crew) -> None:
    """Change ``timed`` in place until no facility takes more than its daily capacity (CT3).

    Unloadings are counted in time order; one that would pass a facility's capacity goes to
    another facility that takes the stream and still has room, if its route can be timed again,
    or its visits are given back.
    """
    for _ in range(4 * sum(len(t.trips) for t in timed) + 4):
        taken: dict[str, int] = {}
        over: tuple[int, int] | None = None
        for _time, r, t, facility, kg in sorted(
            (trip.unload.start_s, r, t, trip.unload.facility_id, trip.unload.kg)
            for r, item in enumerate(timed)
            if item.route is not None
            for t, trip in enumerate(item.route.trips)
            if trip.unload is not None
        ):
            taken[facility] = taken.get(facility, 0) + kg
            if taken[facility] > problem.facility_by_id[facility].daily_capacity_kg:
                over = (r, t)
                break
        if over is None:
            return
        r, t = over
        item = timed[r]
        jobs, dump = item.trips[t]
        kg = sum(item.sub.jobs[k].kg for k in jobs)
        own = item.sub.dumps[dump].facility_id
        room = {
            d.facility_id
            for d in item.sub.dumps
            if d.facility_id != own
            and taken.get(d.facility_id, 0) + kg
            <= problem.facility_by_id[d.facility_id].daily_capacity_kg
        }
        if room or not _trim(problem, timed, own, crew):
            _move_or_drop(problem, item, t, crew, room)


def _trim(problem: Problem, timed: list[Timed], facility: str, crew: Crew) -> bool:
    """Take out of the trips unloading at ``facility`` the fewest visits whose loads bring its
    day within its capacity (the heaviest ones: every visit left out counts the same), and time
    their routes again; False, changing nothing, if a route cannot be timed without them.

    Dropping the first trip that overflows, whole, would leave out all its visits and every
    later trip's, where a few heavy ones suffice.
    """
    loads = [
        (item.sub.jobs[k].kg, r, t, k)
        for r, item in enumerate(timed)
        if item.route is not None
        for t, (jobs, dump) in enumerate(item.trips)
        if item.sub.dumps[dump].facility_id == facility
        for k in jobs
    ]
    excess = sum(kg for kg, *_ in loads) - problem.facility_by_id[facility].daily_capacity_kg
    out: dict[int, set[tuple[int, int]]] = {}
    for kg, r, t, k in sorted(loads, key=lambda x: (-x[0], x[1:])):
        if excess <= 0:
            break
        out.setdefault(r, set()).add((t, k))
        excess -= kg
    if excess > 0:
        return False
    changed: dict[int, tuple[Trips, Route | None]] = {}
    for r, leave in out.items():
        item = timed[r]
        kept = [
            (tuple(k for k in jobs if (t, k) not in leave), dump)
            for t, (jobs, dump) in enumerate(item.trips)
        ]
        trips = tuple((jobs, dump) for jobs, dump in kept if jobs)
        route = _retimed(problem, item, trips, crew)
        if trips and route is None:
            return False
        changed[r] = (trips, route)
    for r, (trips, route) in changed.items():
        timed[r].trips, timed[r].route = trips, route
    return True
