"""TW, FQ and ALL: every visit, once, in its window, in different shifts."""

from __future__ import annotations

from collections import defaultdict

from routing.validation.context import Context, ResolvedRoute, clock


def check_windows(ctx: Context, rr: ResolvedRoute) -> None:
    """TW: service at every point starts within one of its windows."""
    for trip in rr.route.trips:
        for stop in trip.visits:
            point = ctx.problem.point_by_id[stop.point_id]
            if not any(w.contains(stop.start_s) for w in point.time_windows):
                windows = ", ".join(
                    f"{clock(w.start_s)}–{clock(w.end_s)}" for w in point.time_windows
                )
                ctx.flag(
                    "TW",
                    f"{rr.name} point {point.id}",
                    f"service starts at {clock(stop.start_s)}, outside its windows {windows}",
                )


def check_coverage(ctx: Context) -> None:
    """FQ and ALL: each required visit is made once or listed unserved with a reason."""
    problem = ctx.problem
    served: dict[tuple[str, int], list[str]] = defaultdict(list)
    for route, _trip, stop in ctx.plan.served_visits():
        served[(stop.point_id, stop.visit)].append(route.shift_id)
    unserved: dict[tuple[str, int], int] = defaultdict(int)
    for item in ctx.plan.unserved:
        if item.point_id not in problem.point_by_id:
            ctx.flag("REF", f"unserved point {item.point_id}", "no such collection point")
            continue
        unserved[(item.point_id, item.visit)] += 1
        if not item.reason.strip() or not item.rule.strip():
            ctx.flag(
                "ALL", f"point {item.point_id} visit {item.visit}", "is unserved without a reason"
            )

    for (point_id, visit), shifts in sorted(served.items()):
        point = problem.point_by_id.get(point_id)
        if point is None:
            continue  # reported as REF with its route
        record = f"point {point_id} visit {visit}"
        if not 0 <= visit < point.visits_per_day:
            ctx.flag("FQ", record, f"the point has only {point.visits_per_day} visit(s) a day")
        if len(shifts) > 1:
            ctx.flag("FQ", record, f"is served {len(shifts)} times")
        if unserved.get((point_id, visit)):
            ctx.flag("ALL", record, "is both served and listed as unserved")

    for point in problem.points:
        shifts_used: dict[str, int] = {}
        for visit in range(point.visits_per_day):
            key = (point.id, visit)
            if key not in served and not unserved.get(key):
                ctx.flag("ALL", f"point {point.id} visit {visit}", "is neither served nor listed")
            if unserved.get(key, 0) > 1:
                ctx.flag("ALL", f"point {point.id} visit {visit}", "is listed unserved twice")
            for shift_id in served.get(key, []):
                if shift_id in shifts_used:
                    ctx.flag(
                        "FQ",
                        f"point {point.id}",
                        f"visits {shifts_used[shift_id]} and {visit} are both in shift {shift_id}",
                    )
                shifts_used.setdefault(shift_id, visit)
