"""TH: transfer stations' storage, full containers, and hauls within the landfill's hours."""

from __future__ import annotations

import itertools
from collections import defaultdict

from routing.domain import Facility
from routing.plan import Haul
from routing.validation.context import Context, clock


def _check_one_haul(ctx: Context, number: int, haul: Haul) -> bool:
    problem = ctx.problem
    record = f"haul {number} ({haul.vehicle_id} {haul.station_id}→{haul.destination_id})"
    refs_ok = True
    for value, table, what in (
        (haul.vehicle_id, problem.vehicle_by_id, "vehicle"),
        (haul.station_id, problem.facility_by_id, "station"),
        (haul.destination_id, problem.facility_by_id, "destination"),
    ):
        if value not in table:
            ctx.flag("REF", record, f"names {what} {value!r}, which the problem does not have")
            refs_ok = False
    if not refs_ok:
        return False
    station = problem.facility_by_id[haul.station_id]
    destination = problem.facility_by_id[haul.destination_id]
    vehicle = problem.vehicle_by_id[haul.vehicle_id]
    vtype = problem.vehicle_type_of(vehicle)
    if not station.stores:
        ctx.flag("TH", record, f"{station.id} is not a transfer station")
        return False
    if vtype.body is not problem.rules.haul_body:
        ctx.flag("TH", record, f"a {vtype.body} cannot carry station containers")
    if haul.containers < 1 or haul.kg != haul.containers * station.container_kg:
        ctx.flag(
            "TH",
            record,
            f"carries {haul.kg} kg in {haul.containers} container(s); full containers hold "
            f"{station.container_kg} kg each",
        )
    if haul.kg > vtype.capacity_kg:
        ctx.flag("TH", record, f"{haul.kg} kg exceeds the truck's {vtype.capacity_kg} kg")
    if not station.accepts <= destination.accepts or destination.stores:
        ctx.flag("TH", record, f"{destination.id} does not take what {station.id} sends on")
    earliest = haul.depart_s + problem.matrix_for(vehicle).time(station.id, destination.id)
    if haul.arrival_s < earliest:
        ctx.flag("TIME", record, f"arrives {clock(haul.arrival_s)}, earliest {clock(earliest)}")
    if not destination.is_open(haul.arrival_s):
        ctx.flag(
            "TH", record, f"arrives at {clock(haul.arrival_s)}, when {destination.id} is closed"
        )
    return True


def _check_vehicle_turns(ctx: Context, hauls: list[tuple[int, Haul]]) -> None:
    problem = ctx.problem
    ordered = sorted(hauls, key=lambda item: item[1].depart_s)
    for (_, before), (number, after) in itertools.pairwise(ordered):
        vehicle = problem.vehicle_by_id[before.vehicle_id]
        back = problem.matrix_for(vehicle).time(before.destination_id, after.station_id)
        ready = before.arrival_s + problem.facility_by_id[before.destination_id].tipping_s + back
        if after.depart_s < ready:
            ctx.flag(
                "TIME",
                f"haul {number} ({after.vehicle_id})",
                f"departs {clock(after.depart_s)}, but the truck is back only at {clock(ready)}",
            )


def _check_storage(ctx: Context, station: Facility, hauls: list[Haul]) -> None:
    # (time, order, kg): at the same moment, inflow is counted before outflow (the worst case).
    events: list[tuple[int, int, int]] = []
    for route in ctx.plan.routes:
        for trip in route.trips:
            if trip.unload is not None and trip.unload.facility_id == station.id:
                events.append((trip.unload.departure_s, 0, trip.unload.kg))
    events.extend((haul.depart_s, 1, -haul.kg) for haul in hauls)
    stored = station.initial_storage_kg
    for moment, _order, kg in sorted(events):
        stored += kg
        if stored > station.storage_kg:
            ctx.flag(
                "TH",
                f"station {station.id}",
                f"holds {stored} kg at {clock(moment)}, over its storage of {station.storage_kg} kg",
            )
        if stored < 0:
            ctx.flag(
                "TH",
                f"station {station.id}",
                f"a haul at {clock(moment)} takes more than is stored",
            )
            stored = 0


def check_hauls(ctx: Context) -> None:
    """TH for every haul and every transfer station."""
    by_station: dict[str, list[Haul]] = defaultdict(list)
    by_vehicle: dict[str, list[tuple[int, Haul]]] = defaultdict(list)
    for number, haul in enumerate(ctx.plan.hauls, start=1):
        if _check_one_haul(ctx, number, haul):
            by_station[haul.station_id].append(haul)
            by_vehicle[haul.vehicle_id].append((number, haul))
    for hauls in by_vehicle.values():
        _check_vehicle_turns(ctx, hauls)
    for station in ctx.problem.transfer_stations:
        _check_storage(ctx, station, by_station.get(station.id, []))
