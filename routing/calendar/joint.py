"""Days routed together: a calendar neighbourhood that re-chooses many points' days at once.

The pattern moves change one or two points at a time, each priced on the days' routes; from a
calendar whose days are each well routed, no such move may pay while a different split of the
points between the days would (the days' routes as a whole, not a point's detour, make the
saving). This neighbourhood routes a set of days ``S`` of the horizon as **one** problem: the
day's vehicles of each day of ``S`` as vehicles of their own, shifted in time so that a route
stays within its day, and every point that may be served on any one of several days of ``S``
(a *free* point) as one visit whose window spans those days (the day of the vehicle serving it
is its day), or, where the point keeps hours of its own or some day of ``S`` is not open to it,
as a group of copies, one per such day, of which the search serves one. The search (PyVRP's, through the optimiser's own stream model, :mod:`routing.solve.pyvrp_adapter`)
thus chooses the free points' days and the days' routes together; the points it puts on other
days are the proposal, which the planner then routes day by day with the optimiser and keeps
only if the calendar's cost falls.

A point is free on ``S`` when its pattern serves exactly one day of ``S`` and at least one other
of its patterns (as many visits) serves exactly one other day of ``S`` instead; every such
pattern is an option, one per day. Points served on more than one day of ``S`` stay where they
are on each (their copies are pinned to their days). For a four-day horizon with patterns
{0, 2} and {1, 3}, ``S`` = {0, 1} frees every point of those two patterns and the once-a-week
points of days 0 and 1.

Sound only for calendars whose days are independent (:func:`routing.calendar.pool.separable`)
with one waste stream: one shift, no daily capacity or storage binding, the same crews.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.calendar.model import CalendarProblem, Pattern
from routing.params import SolveParams
from routing.plan import Plan
from routing.solve.jobs import all_slots, carriers, dumps_for, jobs_by_stream
from routing.solve.model import Dump, Job, Slot, SlotRoute, SlotTrip, StreamProblem
from routing.solve.pyvrp_adapter import search_grouped
from routing.solve.stop import Stop
from routing.solve.streams import warm_routes

#: At most this many sets of days are weighed (:func:`best_sets`): every set on a horizon of up
#: to eight days, the smaller sets first on a longer one (their number grows as 2 ** days).
MAX_SETS_WEIGHED = 256
#: Seconds between the days of the joint problem (each day's times since its midnight are moved
#: by its place in ``S`` times this): more than any day's hours.
DAY_SPAN_S = 2 * 86_400


@dataclass(frozen=True, slots=True)
class Freed:
    """The free points of a set of days: per point, its option per day of the set."""

    days: tuple[int, ...]
    options: Mapping[str, Mapping[int, Pattern]]


def freed(cp: CalendarProblem, patterns: Mapping[str, Pattern], days: Sequence[int]) -> Freed:
    """The points free on ``days`` (see the module) under ``patterns``, with their options."""
    chosen = set(days)
    options: dict[str, dict[int, Pattern]] = {}
    for rule in cp.rules:
        point_id = rule.point_id
        current = patterns[point_id]
        served_now = cp.service_days(point_id, current)
        hit = set(served_now) & chosen
        if len(hit) != 1:
            continue
        count = len(served_now)
        by_day: dict[int, Pattern] = {next(iter(hit)): current}
        for option in cp.patterns(point_id):
            served = cp.service_days(point_id, option)
            on = set(served) & chosen
            if len(served) == count and len(on) == 1:
                by_day.setdefault(next(iter(on)), option)
        if len(by_day) > 1:
            options[point_id] = by_day
    return Freed(tuple(sorted(days)), options)


def best_sets(
    cp: CalendarProblem, patterns: Mapping[str, Pattern], *, most: int, size: int | None = None
) -> list[tuple[int, ...]]:
    """Sets of two or more days of the horizon that free the most points, at most ``most``,
    the most freeing first (ties: the earlier days). The sets of each size are weighed, from
    two days up, while they keep within :data:`MAX_SETS_WEIGHED` in all (the sets of two always);
    ``size``: only the sets of that many days."""
    horizon = range(cp.horizon_days)
    scored = []
    weighed = 0
    for n in range(2, cp.horizon_days + 1) if size is None else (size,):
        weighed += math.comb(cp.horizon_days, n)
        if n > 2 and weighed > MAX_SETS_WEIGHED:
            break
        for days in itertools.combinations(horizon, n):
            count = len(freed(cp, patterns, days).options)
            if count:
                scored.append((-count, days))
    scored.sort()
    return [days for _, days in scored[:most]]


def propose(
    cp: CalendarProblem,
    patterns: Mapping[str, Pattern],
    plans: Sequence[Plan],
    days: Sequence[int],
    *,
    seconds: float,
    iterations: int | None,
    seed: int,
    params: SolveParams | None = None,
    fleets: Mapping[int, frozenset[str]] | None = None,
) -> dict[str, Pattern]:
    """New patterns for the points free on ``days``, from one search of those days together,
    starting from their plans ``plans`` (one per day of the horizon); only the points the
    search puts on another day. Empty when there is nothing to choose. ``fleets``: per day of
    ``days``, the only vehicles that may work it in the search (else the day's own), so that
    a day's work is moved to the others (a kick towards a level fleet)."""
    free = freed(cp, patterns, days)
    if not free.options:
        return {}
    # A point free on every day of the set, at any hour its vehicles work, is one visit whose
    # window spans the days (the vehicle serving it chooses its day); others, a copy per day.
    shifts = cp.base.shifts
    opens, closes = min(s.start_s for s in shifts), max(s.end_s for s in shifts)
    whole = {
        p
        for p, by_day in free.options.items()
        if set(by_day) == set(free.days)
        and any(
            w.start_s <= opens and w.end_s >= closes for w in cp.base.point_by_id[p].time_windows
        )
    }
    subs: list[StreamProblem] = []
    for day in free.days:
        on_day = dict(patterns)
        for point_id, by_day in free.options.items():
            if point_id not in whole:
                on_day[point_id] = by_day.get(day, patterns[point_id])
        problem = cp.day_problem(day, on_day)
        if fleets is not None and day in fleets:
            problem = problem.replace(
                vehicles=tuple(v for v in problem.vehicles if v.id in fleets[day])
            )
        by_stream = jobs_by_stream(problem)
        if len(by_stream) != 1:
            return {}
        ((stream, jobs),) = by_stream.items()
        slots = tuple(s for s in all_slots(problem) if carriers(problem, s, stream))
        dumps = tuple(dumps_for(problem, stream))
        if not slots or not dumps:
            return {}
        sub = StreamProblem(stream, tuple(jobs), slots, dumps, problem.travel)
        subs.append(dataclasses.replace(sub, warm=warm_routes(sub, plans[day])))
    joint, day_of_slot = _joined(subs, whole)
    groups: dict[str, list[int]] = {}
    for k, job in enumerate(joint.jobs):
        if job.point_id in free.options and job.point_id not in whole:
            groups.setdefault(job.point_id, []).append(k)
    routes = search_grouped(
        joint,
        list(groups.values()),
        stop=Stop(max(seconds, 0.05), iterations),
        seed=seed,
        params=params,
    )
    moved: dict[str, Pattern] = {}
    for route in routes:
        day = free.days[day_of_slot[route.slot]]
        for trip in route.trips:
            for k in trip.jobs:
                point_id = joint.jobs[k].point_id
                if point_id in free.options:
                    option = free.options[point_id][day]
                    if option != patterns[point_id]:
                        moved[point_id] = option
    return moved


def _joined(subs: Sequence[StreamProblem], spanning: set[str]) -> tuple[StreamProblem, list[int]]:
    """The days' stream problems as one, the ``k``-th day's times moved by ``k`` ×
    :data:`DAY_SPAN_S` (its slots, jobs, dumps and warm routes renumbered after the days
    before it); the jobs of ``spanning`` points open on every day; and per slot the day of
    ``subs`` it belongs to (its index there)."""
    jobs: list[Job] = []
    slots: list[Slot] = []
    dumps: list[Dump] = []
    warm: list[SlotRoute] = []
    day_of_slot: list[int] = []
    last = (len(subs) - 1) * DAY_SPAN_S
    for k, sub in enumerate(subs):
        shift = k * DAY_SPAN_S
        first_job, first_slot, first_dump = len(jobs), len(slots), len(dumps)
        jobs += [
            dataclasses.replace(
                j,
                tw_start=j.tw_start + (0 if j.point_id in spanning else shift),
                tw_end=j.tw_end + (last if j.point_id in spanning else shift),
            )
            for j in sub.jobs
        ]
        slots += [
            dataclasses.replace(s, start_s=s.start_s + shift, end_s=s.end_s + shift)
            for s in sub.slots
        ]
        day_of_slot += [k] * len(sub.slots)
        dumps += [
            dataclasses.replace(d, open_s=d.open_s + shift, close_s=d.close_s + shift)
            for d in sub.dumps
        ]
        warm += [
            SlotRoute(
                r.slot + first_slot,
                r.start_s + shift,
                tuple(
                    SlotTrip(tuple(j + first_job for j in t.jobs), t.dump + first_dump)
                    for t in r.trips
                ),
            )
            for r in sub.warm
        ]
    first = subs[0]
    joint = StreamProblem(
        first.stream, tuple(jobs), tuple(slots), tuple(dumps), first.matrices, warm=tuple(warm)
    )
    return joint, day_of_slot
