"""REF: every id in the plan names a record of the problem. Routes that do are resolved."""

from __future__ import annotations

from routing.plan import Unload, VisitStop
from routing.validation.context import Context, ResolvedRoute


def resolve_routes(ctx: Context) -> list[ResolvedRoute]:
    """Routes whose records all exist and whose stops name known points and facilities.

    A route with a broken reference is reported (REF) and left out of the checks that need it.
    """
    problem = ctx.problem
    resolved: list[ResolvedRoute] = []
    for index, route in enumerate(ctx.plan.routes):
        name = f"route {route.vehicle_id}/{route.shift_id}"
        ok = True
        for value, table, what in (
            (route.vehicle_id, problem.vehicle_by_id, "vehicle"),
            (route.shift_id, problem.shift_by_id, "shift"),
            (route.crew_id, problem.crew_by_id, "crew"),
        ):
            if value not in table:
                ctx.flag("REF", name, f"names {what} {value!r}, which the problem does not have")
                ok = False
        for stop in route.stops():
            if isinstance(stop, VisitStop) and stop.point_id not in problem.point_by_id:
                ctx.flag("REF", name, f"visits point {stop.point_id!r}, which does not exist")
                ok = False
            if isinstance(stop, Unload) and stop.facility_id not in problem.facility_by_id:
                ctx.flag("REF", name, f"unloads at {stop.facility_id!r}, which does not exist")
                ok = False
        if not ok:
            continue
        vehicle = problem.vehicle_by_id[route.vehicle_id]
        resolved.append(
            ResolvedRoute(
                index=index,
                route=route,
                vehicle=vehicle,
                vehicle_type=problem.vehicle_type_of(vehicle),
                shift=problem.shift_by_id[route.shift_id],
                crew=problem.crew_by_id[route.crew_id],
                depot=problem.depot_by_id[vehicle.depot_id],
                matrix=problem.matrix_for(vehicle),
            )
        )
    return resolved
