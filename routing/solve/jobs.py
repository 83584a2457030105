"""From a :class:`~routing.problem.Problem` to the optimiser's jobs, slots and dumps.

Margins make the solver's plans keep rules it does not model, so that the crew's break can be put
in afterwards without breaking anything (:mod:`routing.solve.timing`): every window's end, every
facility's closing and every slot's end are moved earlier by the longest crew break; a slot also
ends a handover before the next shift starts (SH2). A twice-daily point's visits get disjoint shift
ranges (FQ), and a point in a restricted zone gets the zone's hours (CT6).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence

from routing.domain import CollectionPoint, Facility, TimeWindow, WasteStream
from routing.fleet import Shift, VehicleType, Zone
from routing.problem import Problem
from routing.solve.model import Dump, Job, Slot


def break_margin(problem: Problem) -> int:
    """Seconds kept free for the longest crew break."""
    return max((c.break_s for c in problem.crews), default=0)


def margin_before(problem: Problem, end_s: int) -> int:
    """Seconds kept free for the crew's break before a window ending at ``end_s``: none when
    every crew's break starts in a window (a lunch) that opens only after it (the break cannot
    delay what comes before it), else :func:`break_margin`."""
    windows = [c.break_window for c in problem.crews]
    if windows and all(w is not None and end_s <= w.start_s for w in windows):
        return 0
    return break_margin(problem)


def _shift_ranges(shifts: Sequence[Shift], visits: int, parity: int) -> list[TimeWindow]:
    """Disjoint shift ranges, one per visit, in order; the spare shift goes by ``parity``."""
    n = len(shifts)
    sizes = [n // visits + (1 if i < n % visits else 0) for i in range(visits)]
    if parity % 2:
        sizes.reverse()
    ranges, first = [], 0
    for size in sizes:
        ranges.append(TimeWindow(shifts[first].start_s, shifts[first + size - 1].end_s))
        first += size
    return ranges


def _window(
    point: CollectionPoint,
    allowed: TimeWindow,
    zones: Sequence[Zone],
    margin: Callable[[int], int],
    parity: int,
) -> TimeWindow | None:
    """The single start window of a visit, cut to the zones' hours, its end moved earlier by
    ``margin(end)``. Of the point's windows overlapping ``allowed``, a long one; where several are
    nearly as long (old town: morning and evening), points take turns by ``parity``, so that
    the work spreads over both."""
    options: list[TimeWindow] = []
    for window in point.time_windows:
        start, end = max(window.start_s, allowed.start_s), min(window.end_s, allowed.end_s)
        for zone in zones:
            fits = [
                (max(start, w.start_s), min(end, w.end_s - point.service_s))
                for w in zone.open_windows
            ]
            fits = [f for f in fits if f[0] <= f[1]]
            if not fits:
                start, end = 1, 0
                break
            start, end = max(fits, key=lambda f: f[1] - f[0])
        end = min(end, allowed.end_s - point.service_s)
        if start > end:
            continue
        options.append(TimeWindow(start, max(start, end - margin(end))))
    if not options:
        return None
    longest = max(w.duration_s for w in options)
    good = [w for w in options if 2 * w.duration_s >= longest]
    return good[parity % len(good)]


def jobs_by_stream(problem: Problem) -> dict[WasteStream, list[Job]]:
    """Every visit that has a start window, grouped by stream (the rest are left to be listed
    unserved with their reason)."""
    shifts = sorted(problem.shifts, key=lambda s: s.start_s)
    margin = functools.partial(margin_before, problem)
    out: dict[WasteStream, list[Job]] = defaultdict(list)
    for index, point in enumerate(problem.points):
        zones = [z for z in problem.zones if z.contains(point.location.lon, point.location.lat)]
        for visit, allowed in enumerate(_shift_ranges(shifts, point.visits_per_day, index)):
            window = _window(point, allowed, zones, margin, index + visit)
            if window is None:
                continue
            largest = int(point.max_size_class)
            if zones:
                largest = min(largest, max(int(s) for z in zones for s in z.allowed_size_classes))
            out[point.stream].append(
                Job(
                    point.id,
                    visit,
                    point.visit_kg(visit),
                    point.visit_litres(visit),
                    point.service_s,
                    window.start_s,
                    window.end_s,
                    largest,
                )
            )
    return out


def all_slots(problem: Problem) -> list[Slot]:
    """One slot per vehicle and shift (hook-lift trucks haul containers instead)."""
    shifts = sorted(problem.shifts, key=lambda s: s.start_s)
    margin = break_margin(problem)
    longest = min((c.max_work_s for c in problem.crews), default=0)
    slots: list[Slot] = []
    for vehicle in sorted(problem.vehicles, key=lambda v: v.id):
        vtype = problem.vehicle_type_of(vehicle)
        if vtype.body is problem.rules.haul_body:
            continue
        for k, shift in enumerate(shifts):
            end = shift.end_s
            if (
                k + 1 < len(shifts)
                and shifts[k + 1].start_s < shift.end_s + problem.rules.handover_s
            ):
                end = shifts[k + 1].start_s - problem.rules.handover_s
            end = min(end, shift.start_s + longest) - margin
            if end <= shift.start_s:
                continue
            trips, kg, litres, visits = trip_limits(vtype)
            slots.append(
                Slot(
                    vehicle.id,
                    shift.id,
                    vehicle.depot_id,
                    vtype.profile,
                    int(vtype.size_class),
                    kg,
                    litres,
                    shift.start_s,
                    end,
                    vtype.cost_per_km_fen,
                    vtype.cost_per_hour_fen,
                    vtype.fixed_cost_fen,
                    trips,
                    visits,
                )
            )
    return slots


def trip_limits(vtype: VehicleType) -> tuple[int | None, int, int, int | None]:
    """A route's trips under its type's daily limits (DL), as a routing model can keep them:
    at most so many trips, each of at most so many kg, litres and visits, within the day's
    limits together (solvers empty every load at an unloading, so a day's total cannot be one of
    their loads). Trips: as many as the day's kg (or litres) fill whole bodies, rounded up; each
    then takes an equal share. Without a daily kg or litres limit: (None, the body's capacity,
    None); a daily visit limit alone is kept afterwards, by the repairs.
    """
    counts = [
        -(-daily // capacity)
        for daily, capacity in (
            (vtype.daily_kg, vtype.capacity_kg),
            (vtype.daily_l, vtype.capacity_l),
        )
        if daily is not None
    ]
    if not counts:
        return None, vtype.capacity_kg, vtype.capacity_l, None
    trips = max(counts)
    kg = (
        vtype.capacity_kg
        if vtype.daily_kg is None
        else min(vtype.capacity_kg, vtype.daily_kg // trips)
    )
    litres = (
        vtype.capacity_l if vtype.daily_l is None else min(vtype.capacity_l, vtype.daily_l // trips)
    )
    visits = None if vtype.daily_stops is None else max(1, vtype.daily_stops // trips)
    return trips, kg, litres, visits


def dumps_for(problem: Problem, stream: WasteStream) -> list[Dump]:
    """The facilities that take ``stream``, each with its longest opening (closing moved earlier
    by the break margin)."""
    out: list[Dump] = []
    for facility in problem.facilities:
        if stream not in facility.accepts:
            continue
        window = facility_hours(facility)
        close = max(window.start_s, window.end_s - margin_before(problem, window.end_s))
        out.append(Dump(facility.id, window.start_s, close, facility.tipping_s))
    return out


def carriers(problem: Problem, slot: Slot, stream: WasteStream) -> bool:
    """Whether the slot's vehicle may carry ``stream`` (CT1)."""
    rule = problem.rules.stream_rule(stream)
    vtype = problem.vehicle_type_of(problem.vehicle_by_id[slot.vehicle_id])
    return rule is not None and rule.allows(vtype.body, vtype.sealed)


def facility_hours(facility: Facility) -> TimeWindow:
    """The facility's longest opening window."""
    return max(facility.opening, key=lambda w: w.duration_s)
