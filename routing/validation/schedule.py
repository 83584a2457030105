"""TIME, LOAD and CP: the validator recomputes travel times and loads on its own.

A plan may wait (arrive later than the road allows, start later than it arrives) but never be
faster than the travel matrix, shorter than a service or tipping time, or overlap a break with
work. Loads are summed from the points' daily amounts; the plan's stated loads must agree.
"""

from __future__ import annotations

from routing.plan import Break, Unload, VisitStop
from routing.validation.context import Context, ResolvedRoute, clock


def _break_overlap(breaks: tuple[Break, ...], start_s: int, end_s: int) -> int:
    return sum(max(0, min(b.end_s, end_s) - max(b.start_s, start_s)) for b in breaks)


def check_schedule(ctx: Context, rr: ResolvedRoute) -> None:
    """TIME: travel, service, tipping and break times along one route."""
    problem, route = ctx.problem, rr.route
    if route.end_s < route.start_s:
        ctx.flag("TIME", rr.name, f"ends at {clock(route.end_s)} before it starts")
    here, free_at = rr.depot.id, route.start_s
    for stop in route.stops():
        if isinstance(stop, VisitStop):
            there = stop.point_id
            busy_s = problem.point_by_id[there].service_s
            what = f"point {there}"
        else:
            there = stop.facility_id
            busy_s = problem.facility_by_id[there].tipping_s
            what = f"facility {there}"
        if there not in rr.matrix:
            # Only a vehicle that may not serve the point lacks travel data for it (CT1 names it).
            ctx.flag("TIME", f"{rr.name} {what}", f"profile {rr.matrix.profile} has no way there")
            return
        drive_s = rr.matrix.time(here, there)
        earliest = free_at + drive_s + _break_overlap(route.breaks, free_at, stop.arrival_s)
        if stop.arrival_s < earliest:
            ctx.flag(
                "TIME",
                f"{rr.name} {what}",
                f"arrives at {clock(stop.arrival_s)} but cannot be there before "
                f"{clock(earliest)} ({drive_s} s drive from {here})",
            )
        if stop.start_s < stop.arrival_s:
            ctx.flag("TIME", f"{rr.name} {what}", "starts service before it arrives")
        if stop.departure_s < stop.start_s + busy_s:
            ctx.flag(
                "TIME",
                f"{rr.name} {what}",
                f"leaves at {clock(stop.departure_s)}, before the {busy_s} s of work are done",
            )
        here, free_at = there, stop.departure_s
    drive_s = rr.matrix.time(here, rr.depot.id)
    earliest = free_at + drive_s + _break_overlap(route.breaks, free_at, route.end_s)
    if route.end_s < earliest:
        ctx.flag(
            "TIME",
            rr.name,
            f"is back at depot {rr.depot.id} at {clock(route.end_s)} but cannot be before "
            f"{clock(earliest)}",
        )


def check_loads(ctx: Context, rr: ResolvedRoute) -> None:
    """LOAD and CP: recompute what is on board after every stop."""
    problem, vtype = ctx.problem, rr.vehicle_type
    for number, trip in enumerate(rr.route.trips, start=1):
        kg = litres = 0
        for stop in trip.visits:
            point = problem.point_by_id[stop.point_id]
            kg += point.visit_kg(stop.visit) if 0 <= stop.visit < point.visits_per_day else 0
            litres += (
                point.visit_litres(stop.visit) if 0 <= stop.visit < point.visits_per_day else 0
            )
            record = f"{rr.name} trip {number} point {stop.point_id}"
            if (stop.load_kg, stop.load_l) != (kg, litres):
                ctx.flag(
                    "LOAD",
                    record,
                    f"states {stop.load_kg} kg / {stop.load_l} L on board, "
                    f"but the visits so far add up to {kg} kg / {litres} L",
                )
            if kg > vtype.capacity_kg:
                ctx.flag("CP", record, f"{kg} kg on board exceeds capacity {vtype.capacity_kg} kg")
            if litres > vtype.capacity_l:
                ctx.flag("CP", record, f"{litres} L on board exceeds capacity {vtype.capacity_l} L")
        if isinstance(trip.unload, Unload) and (trip.unload.kg, trip.unload.litres) != (kg, litres):
            ctx.flag(
                "LOAD",
                f"{rr.name} trip {number} unload",
                f"states {trip.unload.kg} kg / {trip.unload.litres} L unloaded, "
                f"but the trip collected {kg} kg / {litres} L",
            )
