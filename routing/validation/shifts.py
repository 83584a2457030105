"""SH1 and SH2: shifts, crews, breaks and the handover at the depot."""

from __future__ import annotations

import itertools
from collections import defaultdict

from routing.validation.context import Context, ResolvedRoute, clock


def check_route_shift(ctx: Context, rr: ResolvedRoute) -> None:
    """SH1 for one route: inside its shift, within the crew's hours, with the crew's break."""
    route, shift, crew = rr.route, rr.shift, rr.crew
    if route.start_s < shift.start_s or route.end_s > shift.end_s:
        ctx.flag(
            "SH1",
            rr.name,
            f"runs {clock(route.start_s)}–{clock(route.end_s)}, outside shift {shift.id} "
            f"{clock(shift.start_s)}–{clock(shift.end_s)}",
        )
    worked_s = route.end_s - route.start_s
    if worked_s > crew.max_work_s:
        ctx.flag(
            "SH1",
            f"{rr.name} crew {crew.id}",
            f"works {worked_s // 60} min, over its {crew.max_work_s // 60} min",
        )
    if not crew.available.covers(route.start_s, route.end_s):
        ctx.flag("SH1", f"{rr.name} crew {crew.id}", "works outside its legal hours")
    for brk in route.breaks:
        if brk.end_s < brk.start_s or brk.start_s < route.start_s or brk.end_s > route.end_s:
            ctx.flag(
                "SH1",
                f"{rr.name} crew {crew.id}",
                f"break {clock(brk.start_s)}–{clock(brk.end_s)} is not within the route",
            )
        for stop in route.stops():
            if brk.start_s < stop.departure_s and stop.start_s < brk.end_s:
                ctx.flag(
                    "SH1",
                    f"{rr.name} crew {crew.id}",
                    f"break {clock(brk.start_s)}–{clock(brk.end_s)} overlaps work at a stop",
                )
                break
    window = crew.break_window
    if window is not None:
        # A lunch window: a route begun before it closes and out after takes the break in it.
        kept = any(
            window.start_s <= b.start_s <= window.end_s and b.end_s - b.start_s >= crew.break_s
            for b in route.breaks
        )
        if crew.break_s > 0 and route.start_s < window.end_s < route.end_s and not kept:
            ctx.flag(
                "SH1",
                f"{rr.name} crew {crew.id}",
                f"is out after {clock(window.end_s)} with no {crew.break_s // 60} min break "
                f"starting {clock(window.start_s)}–{clock(window.end_s)}",
            )
    elif worked_s > crew.break_after_s:
        latest = route.start_s + crew.break_after_s
        if not any(
            b.start_s <= latest and b.end_s - b.start_s >= crew.break_s for b in route.breaks
        ):
            ctx.flag(
                "SH1",
                f"{rr.name} crew {crew.id}",
                f"has no {crew.break_s // 60} min break starting by {clock(latest)}",
            )


def check_day(ctx: Context, routes: list[ResolvedRoute]) -> None:
    """SH1 across routes (one shift per crew, one route per vehicle and shift) and SH2."""
    handover_s = ctx.problem.rules.handover_s
    by_crew: dict[str, list[ResolvedRoute]] = defaultdict(list)
    by_vehicle: dict[str, list[ResolvedRoute]] = defaultdict(list)
    for rr in routes:
        by_crew[rr.crew.id].append(rr)
        by_vehicle[rr.vehicle.id].append(rr)
    for crew_id, worked in sorted(by_crew.items()):
        if len(worked) > 1:
            names = ", ".join(rr.name for rr in worked)
            ctx.flag("SH1", f"crew {crew_id}", f"works {len(worked)} shifts ({names}); at most 1")
    for vehicle_id, used in sorted(by_vehicle.items()):
        shifts = [rr.shift.id for rr in used]
        for shift_id in sorted(set(shifts)):
            if shifts.count(shift_id) > 1:
                ctx.flag("SH1", f"vehicle {vehicle_id}", f"has two routes in shift {shift_id}")
        ordered = sorted(used, key=lambda rr: rr.route.start_s)
        for before, after in itertools.pairwise(ordered):
            ready = before.route.end_s + handover_s
            if after.route.start_s < ready:
                ctx.flag(
                    "SH2",
                    f"vehicle {vehicle_id}",
                    f"{after.name} leaves at {clock(after.route.start_s)}, before the handover "
                    f"after {before.name} is done at {clock(ready)}",
                )
