"""Cheapest insertion of the visits the solver left out into the routes it made.

Each missing job of a stream is priced at every position of every trip of the stream's routes,
and as a trip of its own between any two trips, by the extra driving and service time; the
cheapest positions (priced by :func:`routing.engine.insertion.price_positions`, as dispatch's
are) are then timed on the problem's own matrices (every rule kept, the crew's break included)
until one works. Capacity is checked here, the rest by
:func:`routing.solve.timing.time_route`. Work stops at the caller's deadline.
"""

from __future__ import annotations

import time

from routing.engine.insertion import TripShape, price_positions
from routing.fleet import Crew
from routing.plan import Route
from routing.problem import Problem
from routing.solve.storage import Timed
from routing.solve.timing import Trips, time_route


def _fits(item: Timed, trip: tuple[int, ...], job: int) -> bool:
    slot = item.sub.slots[item.slot]
    jobs = [item.sub.jobs[k] for k in (*trip, job)]
    return (
        sum(j.kg for j in jobs) <= slot.capacity_kg
        and sum(j.litres for j in jobs) <= slot.capacity_l
        and jobs[-1].max_size >= slot.size
        and (slot.trip_visits is None or len(jobs) <= slot.trip_visits)
    )


def _priced(problem: Problem, item: Timed, job: int) -> list[tuple[int, Trips]]:
    """Every way to put ``job`` into ``item``'s trips, with its extra seconds (drive + service);
    a trip of its own goes to the dump nearest the visit."""
    sub = item.sub
    slot = sub.slots[item.slot]
    matrix = problem.travel[slot.profile]
    point = sub.jobs[job].point_id
    shapes = [
        TripShape(
            tuple(sub.jobs[k].point_id for k in jobs),
            sub.dumps[dump].facility_id,
            takes=_fits(item, jobs, job),
        )
        for jobs, dump in item.trips
    ]
    dumps: list[tuple[str, int]] = []
    nearest = min(range(len(sub.dumps)), key=lambda d: matrix.time(point, sub.dumps[d].facility_id))
    room = slot.max_trips is None or len(item.trips) < slot.max_trips  # daily limits (DL)
    if room and _fits(item, (), job):
        dumps = [(sub.dumps[nearest].facility_id, sub.dumps[nearest].tipping_s)]
    positions = price_positions(
        matrix,
        point,
        sub.jobs[job].service_s,
        start=slot.depot_id,
        trips=shapes,
        home=slot.depot_id,
        dumps=dumps,
    )
    out: list[tuple[int, Trips]] = []
    for extra, t, i, facility in positions:
        if facility is None:
            jobs, dump = item.trips[t]
            trip = (*jobs[:i], job, *jobs[i:])
            out.append((extra, (*item.trips[:t], (trip, dump), *item.trips[t + 1 :])))
        else:
            out.append((extra, (*item.trips[:t], ((job,), nearest), *item.trips[t:])))
    return out


def insert_missing(
    problem: Problem, timed: list[Timed], crew: Crew, *, deadline: float, tries: int
) -> None:
    """Put missing jobs into ``timed`` routes where they fit best (changes ``timed`` in place):
    the ``tries`` cheapest positions of each are timed, until ``deadline`` (perf_counter)."""
    by_sub: dict[int, list[Timed]] = {}
    for item in timed:
        if item.route is not None:
            by_sub.setdefault(id(item.sub), []).append(item)
    for items in by_sub.values():
        sub = items[0].sub
        made = {k for item in items for jobs, _ in item.trips for k in jobs}
        for job in (k for k in range(len(sub.jobs)) if k not in made):
            if time.perf_counter() > deadline:
                return
            options = sorted(
                (
                    (extra, n, item, trips)
                    for n, item in enumerate(items)
                    for extra, trips in _priced(problem, item, job)
                ),
                key=lambda o: (o[0], o[1]),
            )
            for _extra, _n, item, trips in options[:tries]:
                route: Route | None = time_route(
                    problem, sub, item.slot, item.start_s, trips, crew, shift_end_s=item.latest_s
                )
                if route is not None:
                    item.trips, item.route = trips, route
                    break
