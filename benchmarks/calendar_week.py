"""A week of the district: the calendar planner against the naive calendar, same engine, same
budget, in the same run.

    python benchmarks/calendar_week.py [--osm FILE] --seed 1 --time-limit 300 \\
        [--calendar scenarios/calendars/district-week.toml] [--planned-only]

The district baseline (``--osm``: on that extract's roads; default the demo's Helsinki) over the
calendar file's horizon: residual and kitchen waste daily, recyclables twice a week, bulky waste
weekly, septic tanks every 14 days. ``plan_calendar`` chooses each point's days and routes every
day with the optimiser; the naive calendar puts every point on its first allowed pattern and
routes each day alone with the same optimiser and the same total budget (``--planned-only``: the
planned calendar alone). Prints one JSON line each: per day vehicles (and of each type), hours,
cost and unserved visits; the week's cost, by vehicle type (the naive week's suction tankers pay
for fewer septic tanks than the planned week's), and with the vehicle-days its fleet stands idle
(each type's busiest day's vehicles kept all week); vehicles on the busiest day over the
quietest; the calendar judge's verdict; seconds.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from huanwei.commands.calendar import summary
from routing.calendar.calendar_file import read_calendar
from routing.calendar.model import CalendarProblem
from routing.calendar.plan import CalendarPlan, working_by_type
from routing.calendar.planner import available_cores, naive_calendar, plan_calendar
from routing.kpi import compute_kpis
from routing.plan import Plan, Route
from scenarios.road_district import road_district

WEEK = Path(__file__).resolve().parents[1] / "scenarios" / "calendars" / "district-week.toml"


def week_arguments(description: str | None, *, time_limit_s: float) -> argparse.ArgumentParser:
    """The options of a district-week benchmark: ``--osm``, ``--calendar``, ``--seed``,
    ``--time-limit``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--osm", type=Path)
    parser.add_argument("--calendar", type=Path, default=WEEK)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=time_limit_s)
    parser.add_argument(
        "--cores",
        type=int,
        default=available_cores(),
        help="cores the planner and the naive calendar's day solves may use (default: all)",
    )
    return parser


def district_week(args: argparse.Namespace) -> CalendarProblem:
    """The district baseline on ``args.osm``'s roads (default the demo's Helsinki; ``args.osm``
    set to it) generated with ``args.seed``, over the calendar file ``args.calendar``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.osm is None:
            from gis_data.demo import helsinki_extract

            args.osm = helsinki_extract()
        base = road_district(args.osm, seed=args.seed)
    return read_calendar(args.calendar, base)


def cost_by_vehicle_type(calendar: CalendarProblem, plan: CalendarPlan) -> dict[str, float]:
    """The week's cost (CNY) by vehicle type (each vehicle's day priced alone: its routes), and
    under ``"other"`` what the days cost besides their vehicles' routes (the hauls)."""
    types = {v.id: v.type_id for v in calendar.base.vehicles}
    fen: dict[str, int] = {}
    for d, day in enumerate(plan.days):
        problem = calendar.day_problem(d, plan.patterns)
        by_vehicle: dict[str, list[Route]] = {}
        for route in day.routes:
            by_vehicle.setdefault(route.vehicle_id, []).append(route)
        priced = 0
        for vehicle_id, routes in by_vehicle.items():
            cost = compute_kpis(problem, Plan(day.problem_name, tuple(routes))).cost_fen
            fen[types[vehicle_id]] = fen.get(types[vehicle_id], 0) + cost
            priced += cost
        fen["other"] = fen.get("other", 0) + compute_kpis(problem, day).cost_fen - priced
    return {k: round(v / 100, 2) for k, v in sorted(fen.items())}


def main() -> None:
    parser = week_arguments(__doc__, time_limit_s=300.0)
    parser.add_argument(
        "--planned-only", action="store_true", help="plan the calendar, not the naive one"
    )
    args = parser.parse_args()
    calendar = district_week(args)
    base = calendar.base
    types = {v.id: v.type_id for v in base.vehicles}
    runs: list[tuple[str, Callable[[], CalendarPlan]]] = [
        (
            "planned",
            lambda: plan_calendar(
                calendar, time_limit_s=args.time_limit, seed=args.seed, cores=args.cores
            ),
        ),
        (
            "naive",
            lambda: naive_calendar(
                calendar, time_limit_s=args.time_limit, seed=args.seed, cores=args.cores
            ),
        ),
    ]
    for name, run in runs[:1] if args.planned_only else runs:
        began = time.perf_counter()
        plan = run()
        seconds = time.perf_counter() - began
        figures = summary(calendar, plan)
        brief = {
            "calendar": name,
            "osm": Path(args.osm).name,
            "points": len(base.points),
            "ruled_points": len(calendar.rules),
            "seconds": round(seconds, 1),
            "cost_yuan": figures["cost_yuan"],
            "idle_vehicle_days": figures["idle_vehicle_days"],
            "cost_with_idle_fleet_yuan": figures["cost_with_idle_fleet_yuan"],
            "unserved": figures["unserved"],
            "vehicles_per_day": [d["vehicles"] for d in figures["days"]],
            "hours_per_day": [d["working_h"] for d in figures["days"]],
            "vehicles_max_over_min": figures["vehicles_max_over_min"],
            "vehicles_by_type_per_day": [
                dict(sorted(c.items())) for c in working_by_type(types, plan.days)
            ],
            "cost_by_vehicle_type_yuan": cost_by_vehicle_type(calendar, plan),
            "valid": figures["valid"],
            "stats": figures["stats"],
        }
        print(json.dumps(brief), flush=True)


if __name__ == "__main__":
    main()
