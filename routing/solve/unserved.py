"""Why a visit was left unserved: the first rule or limit that explains it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from routing.domain import CollectionPoint, WasteStream
from routing.fleet import VehicleType
from routing.plan import Unserved
from routing.problem import Problem

EARLIER_MADE = -1  # ``last_shift`` when the earlier visit was made in an unknown shift


@dataclass(frozen=True, slots=True)
class _Day:
    """Per stream, what the whole day offers: carriers, facility room, the day's kilograms."""

    carriers: dict[WasteStream, list[VehicleType]]
    room_kg: dict[WasteStream, int]
    day_kg: dict[WasteStream, int]


def _day(problem: Problem) -> _Day:
    carriers: dict[WasteStream, list[VehicleType]] = defaultdict(list)
    room: dict[WasteStream, int] = defaultdict(int)
    day: dict[WasteStream, int] = defaultdict(int)
    for stream in WasteStream:
        rule = problem.rules.stream_rule(stream)
        for vehicle in problem.vehicles:
            vtype = problem.vehicle_type_of(vehicle)
            if rule is not None and rule.allows(vtype.body, vtype.sealed):
                carriers[stream].append(vtype)
        room[stream] = sum(f.daily_capacity_kg for f in problem.facilities if stream in f.accepts)
    for point in problem.points:
        day[point.stream] += point.kg_per_day
    return _Day(dict(carriers), dict(room), dict(day))


def _reason(
    problem: Problem,
    day: _Day,
    point: CollectionPoint,
    visit: int,
    last_shift: int | None,
    full_stations: frozenset[str] = frozenset(),
) -> tuple[str, str]:
    carriers = day.carriers.get(point.stream, [])
    if not carriers:
        return "CT1", f"no vehicle in the fleet may carry {point.stream}"
    if not any(point.stream in f.accepts for f in problem.facilities):
        return "CT3", f"no facility accepts {point.stream}"
    reachable = [t for t in carriers if t.size_class <= point.max_size_class]
    if not reachable:
        return (
            "CT6",
            f"no {point.stream} vehicle is small enough (largest allowed: {point.max_size_class.name})",
        )
    if not any(
        point.visit_kg(visit) <= t.capacity_kg and point.visit_litres(visit) <= t.capacity_l
        for t in reachable
    ):
        return (
            "CP",
            f"one visit is {point.visit_kg(visit)} kg / {point.visit_litres(visit)} L, more than any allowed truck holds",
        )
    shifts = sorted(problem.shifts, key=lambda s: s.start_s)
    open_shifts = [
        s
        for s in shifts
        if any(w.start_s < s.end_s and w.end_s > s.start_s for w in point.time_windows)
    ]
    if not open_shifts:
        return "TW", "its time windows lie outside every shift"
    if visit > 0 and last_shift is not None and last_shift >= len(shifts) - 1:
        return "FQ", f"visit {visit - 1} was made in the last shift, leaving no later shift"
    if visit > 0 and last_shift is None:
        return "FQ", f"visit {visit - 1} could not be made, so this later one was not either"
    room, total = day.room_kg.get(point.stream, 0), day.day_kg.get(point.stream, 0)
    if total > room:
        return (
            "CT3",
            f"the facilities that take {point.stream} accept {room} kg a day; the day has {total} kg",
        )
    full = sorted(f for f in full_stations if point.stream in problem.facility_by_id[f].accepts)
    if full:
        return (
            "TH",
            f"transfer station {', '.join(full)} could not be emptied in time by the hauls, and "
            f"no vehicle had time to take the {point.stream} waste to another facility",
        )
    return (
        "SH1",
        "no vehicle and crew had time left for it within the shifts (fleet or hours short)",
    )


def explain_unserved(
    problem: Problem,
    pending: dict[str, int],
    last_shift: dict[str, int],
    full_stations: frozenset[str] = frozenset(),
) -> list[Unserved]:
    """One :class:`Unserved` for every visit still pending, with its rule and reason;
    ``full_stations`` are the transfer stations closed for the day as their store was full."""
    out: list[Unserved] = []
    day = _day(problem)
    for point_id in sorted(pending):
        point = problem.point_by_id[point_id]
        for visit in range(pending[point_id], point.visits_per_day):
            rule, reason = _reason(
                problem,
                day,
                point,
                visit,
                last_shift.get(point_id) if visit == pending[point_id] else None,
                full_stations,
            )
            out.append(Unserved(point_id, visit, rule, reason))
    return out


def explain_visits(
    problem: Problem,
    missing: list[tuple[str, int]],
    served: set[tuple[str, int]],
    full_stations: frozenset[str] = frozenset(),
) -> list[Unserved]:
    """One :class:`Unserved` for each (point, visit) not made, with its rule and reason."""
    out: list[Unserved] = []
    day = _day(problem)
    for point_id, visit in missing:
        point = problem.point_by_id[point_id]
        earlier_made = visit == 0 or (point_id, visit - 1) in served
        last = EARLIER_MADE if earlier_made else None
        rule, reason = _reason(problem, day, point, visit, last, full_stations)
        out.append(Unserved(point_id, visit, rule, reason))
    return out
