"""DL: a vehicle's daily limits, over all its trips and routes of the day."""

from __future__ import annotations

from collections import defaultdict

from routing.validation.context import Context, ResolvedRoute


def check_daily_limits(ctx: Context, routes: list[ResolvedRoute]) -> None:
    """DL: the kg and litres a vehicle collects in the day (recomputed from the points' amounts)
    and the visits it makes, within its type's ``daily_kg``, ``daily_l`` and ``daily_stops``."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    types = {}
    for rr in routes:
        types[rr.vehicle.id] = rr.vehicle_type
        day = totals[rr.vehicle.id]
        for trip in rr.route.trips:
            for stop in trip.visits:
                point = ctx.problem.point_by_id.get(stop.point_id)
                if point is None:
                    continue  # REF says so
                day[0] += point.visit_kg(stop.visit)
                day[1] += point.visit_litres(stop.visit)
                day[2] += 1
    for vehicle_id, (kg, litres, visits) in sorted(totals.items()):
        vtype = types[vehicle_id]
        for amount, limit, unit in (
            (kg, vtype.daily_kg, "kg"),
            (litres, vtype.daily_l, "L"),
            (visits, vtype.daily_stops, "visits"),
        ):
            if limit is not None and amount > limit:
                ctx.flag(
                    "DL",
                    f"vehicle {vehicle_id}",
                    f"collects {amount} {unit} in the day, over its daily {limit} {unit}",
                )
