"""Transfer hauls (TH): send full containers from stations to the landfill as they fill up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from routing.domain import Facility
from routing.plan import Haul, Plan, Route
from routing.problem import Problem


@dataclass(slots=True)
class _Hauler:
    vehicle_id: str
    capacity_kg: int
    free_at: int = 0
    last_destination: str | None = None
    last_arrival: int = 0


def destinations(problem: Problem, station: Facility) -> list[Facility]:
    """Where ``station``'s containers may go: facilities that keep what they take (no other
    station) and accept everything the station does."""
    return [f for f in problem.facilities if not f.stores and station.accepts <= f.accepts]


def _destination(
    problem: Problem, station: Facility, left: dict[str, int], kg: int
) -> Facility | None:
    options = [f for f in destinations(problem, station) if left[f.id] >= kg]
    if not options:
        return None
    matrix = next(iter(problem.travel.values()))
    return min(options, key=lambda f: (matrix.time(station.id, f.id), f.id))


Inflow = tuple[int, str, int]  # (moment the truck leaves the station, station id, kg)


def station_inflows(plan: Plan, stations: set[str]) -> list[Inflow]:
    """Every unloading at a transfer station in ``plan``."""
    return [
        (trip.unload.departure_s, trip.unload.facility_id, trip.unload.kg)
        for route in plan.routes
        for trip in route.trips
        if trip.unload is not None and trip.unload.facility_id in stations
    ]


def schedule_hauls(problem: Problem, plan: Plan) -> tuple[Haul, ...]:
    """Hauls that empty each station a container at a time, as soon as one is full.

    A hauler leaves when a container is full and the truck is free, timed to arrive while the
    destination is open; a station whose waste cannot be hauled in time shows up as a TH violation
    in the validator rather than being hidden here.
    """
    stations = {f.id for f in problem.transfer_stations}
    hauls, _ = haul_inflows(problem, station_inflows(plan, stations), unloaded_kg(plan.routes))
    return hauls


def unloaded_kg(routes: Iterable[Route]) -> dict[str, int]:
    """Kilograms the routes' trips unload at each facility."""
    unloaded: dict[str, int] = {}
    for route in routes:
        for trip in route.trips:
            if trip.unload is not None:
                fid = trip.unload.facility_id
                unloaded[fid] = unloaded.get(fid, 0) + trip.unload.kg
    return unloaded


def haul_inflows(
    problem: Problem, inflows: list[Inflow], unloaded: dict[str, int]
) -> tuple[tuple[Haul, ...], bool]:
    """Hauls for the given station inflows, and whether some station would still overflow.

    ``unloaded`` is what the day's trips already bring to each facility (against daily capacity).
    """
    stations = {f.id: f for f in problem.transfer_stations}
    haulers = [
        _Hauler(v.id, problem.vehicle_type_of(v).capacity_kg)
        for v in sorted(problem.vehicles, key=lambda v: v.id)
        if problem.vehicle_type_of(v).body is problem.rules.haul_body
    ]
    if not stations:
        return (), False
    left = {f.id: f.daily_capacity_kg - unloaded.get(f.id, 0) for f in problem.facilities}
    stored = {sid: s.initial_storage_kg for sid, s in stations.items()}
    hauls: list[Haul] = []
    for moment, station_id, kg in sorted(inflows):
        stored[station_id] += kg
        station = stations[station_id]
        while haulers and stored[station_id] >= station.container_kg:
            haul = _dispatch(problem, station, stored[station_id], moment, haulers, left)
            if haul is None:
                break
            hauls.append(haul)
            stored[station_id] -= haul.kg
            left[haul.destination_id] -= haul.kg
    return tuple(hauls), first_overflow(stations, inflows, hauls) is not None


def first_overflow(
    stations: Mapping[str, Facility], inflows: list[Inflow], hauls: Sequence[Haul]
) -> int | None:
    """The position in ``sorted(inflows)`` of the first unloading after which a station holds
    more than its storage, or None.

    Hauls are dispatched from the unloadings seen so far and never leave before the unloading
    that set them off, so the first overflow of the whole day's schedule is the first overflow
    of every shorter day that contains it: one pass finds it.
    """
    events = [(t, 0, sid, kg) for t, sid, kg in inflows]
    events += [(h.depart_s, 1, h.station_id, -h.kg) for h in hauls]
    stored = {sid: s.initial_storage_kg for sid, s in stations.items()}
    seen = 0
    for _t, order, sid, kg in sorted(events):
        stored[sid] += kg
        if order == 0:
            if stored[sid] > stations[sid].storage_kg:
                return seen
            seen += 1
    return None


def _dispatch(
    problem: Problem,
    station: Facility,
    stored: int,
    moment: int,
    haulers: list[_Hauler],
    left: dict[str, int],
) -> Haul | None:
    best: tuple[int, _Hauler, Haul] | None = None
    for hauler in haulers:
        containers = min(stored // station.container_kg, hauler.capacity_kg // station.container_kg)
        if containers < 1:
            continue
        kg = containers * station.container_kg
        destination = _destination(problem, station, left, kg)
        if destination is None:
            continue
        matrix = problem.matrix_for(problem.vehicle_by_id[hauler.vehicle_id])
        ready = hauler.free_at
        if hauler.last_destination is not None:
            tipping = problem.facility_by_id[hauler.last_destination].tipping_s
            back = matrix.time(hauler.last_destination, station.id)
            ready = max(ready, hauler.last_arrival + tipping + back)
        drive = matrix.time(station.id, destination.id)
        depart = max(moment, ready)
        arrival = _open_arrival(destination, depart + drive)
        if arrival is None:
            continue
        depart = arrival - drive
        haul = Haul(hauler.vehicle_id, station.id, destination.id, depart, arrival, containers, kg)
        if best is None or depart < best[0]:
            best = (depart, hauler, haul)
    if best is None:
        return None
    _, hauler, haul = best
    hauler.last_destination = haul.destination_id
    hauler.last_arrival = haul.arrival_s
    hauler.free_at = haul.depart_s
    return haul


def _open_arrival(destination: Facility, earliest: int) -> int | None:
    options = [max(earliest, w.start_s) for w in destination.opening if w.end_s >= earliest]
    return min(options) if options else None
