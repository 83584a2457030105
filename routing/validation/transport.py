"""CT1–CT6: sealed transport, no mixing, right destination, never loaded, on-board time, zones."""

from __future__ import annotations

from routing.plan import Unload, VisitStop
from routing.validation.context import Context, ResolvedRoute, clock


def check_trips(ctx: Context, rr: ResolvedRoute) -> None:
    """CT1, CT2, CT3 (stream and opening hours), CT4 and CT5 for every trip of a route."""
    problem, vtype = ctx.problem, rr.vehicle_type
    limit_s = problem.rules.on_board_limit_s
    for number, trip in enumerate(rr.route.trips, start=1):
        record = f"{rr.name} trip {number}"
        rule = problem.rules.stream_rule(trip.stream)
        if rule is None or not rule.allows(vtype.body, vtype.sealed):
            sealed = "sealed" if vtype.sealed else "open"
            ctx.flag(
                "CT1",
                record,
                f"carries {trip.stream} in a {sealed} {vtype.body} body, which may not carry it",
            )
        for stop in trip.visits:
            stream = problem.point_by_id[stop.point_id].stream
            if stream is not trip.stream:
                ctx.flag(
                    "CT2",
                    f"{record} point {stop.point_id}",
                    f"collects {stream} on a {trip.stream} trip",
                )
        if trip.unload is None:
            if trip.visits:
                ctx.flag("CT4", record, "has no unloading: the truck is left loaded")
            continue
        facility = problem.facility_by_id[trip.unload.facility_id]
        if trip.stream not in facility.accepts:
            ctx.flag(
                "CT3", record, f"unloads {trip.stream} at {facility.id}, which does not accept it"
            )
        if not facility.is_open(trip.unload.start_s):
            ctx.flag(
                "CT3",
                record,
                f"starts tipping at {facility.id} at {clock(trip.unload.start_s)}, when it is closed",
            )
        if trip.visits:
            on_board_s = trip.unload.start_s - trip.visits[0].start_s
            if on_board_s > limit_s:
                ctx.flag(
                    "CT5",
                    record,
                    f"waste is on board {on_board_s // 60} min, over the {limit_s // 60} min limit",
                )


def check_zones(ctx: Context, rr: ResolvedRoute) -> None:
    """CT6: narrow points and restricted zones admit only some vehicle sizes, at some hours."""
    problem, size = ctx.problem, rr.vehicle_type.size_class
    for stop in rr.route.stops():
        if isinstance(stop, VisitStop):
            point = problem.point_by_id[stop.point_id]
            location, what = point.location, f"point {point.id}"
            if size > point.max_size_class:
                ctx.flag(
                    "CT6",
                    f"{rr.name} {what}",
                    f"a {size.name} vehicle cannot reach it (largest: {point.max_size_class.name})",
                )
        else:
            assert isinstance(stop, Unload)
            location = problem.facility_by_id[stop.facility_id].location
            what = f"facility {stop.facility_id}"
        for zone in ctx.zones_at(location):
            if not zone.allows(size, stop.arrival_s, stop.departure_s):
                ctx.flag(
                    "CT6",
                    f"{rr.name} {what}",
                    f"a {size.name} vehicle in zone {zone.id} from {clock(stop.arrival_s)} "
                    f"to {clock(stop.departure_s)} is not allowed",
                )


def check_facility_capacity(ctx: Context) -> None:
    """CT3: the day's unloading at each facility, hauls included, stays within its capacity."""
    problem = ctx.problem
    inflow: dict[str, int] = {}
    for route in ctx.plan.routes:
        for trip in route.trips:
            if trip.unload is not None and trip.unload.facility_id in problem.facility_by_id:
                inflow[trip.unload.facility_id] = (
                    inflow.get(trip.unload.facility_id, 0) + trip.unload.kg
                )
    for haul in ctx.plan.hauls:
        if haul.destination_id in problem.facility_by_id:
            inflow[haul.destination_id] = inflow.get(haul.destination_id, 0) + haul.kg
    for facility_id, kg in sorted(inflow.items()):
        capacity = problem.facility_by_id[facility_id].daily_capacity_kg
        if kg > capacity:
            ctx.flag(
                "CT3",
                f"facility {facility_id}",
                f"receives {kg} kg in the day, over its daily capacity of {capacity} kg",
            )
