"""``huanwei calendar plan``: a collection calendar over a horizon of days — each point's days
chosen, every day routed by the optimiser — written as a calendar plan, with each day's figures,
and a printable calendar for residents (Chinese and English).

``huanwei calendar plan --scenario district-baseline --calendar scenarios/calendars/district-week.toml
--time-limit 300 --out out/week`` writes ``calendar-plan.json``, ``residents.html`` (中文) and
``residents.en.html``; ``--naive`` also plans every point on its first allowed pattern (each day
alone, same optimiser and budget) and sets the two side by side; ``--previous`` keeps the points
of an earlier calendar plan on their days.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from gis_data.resident_calendar import residents_html
from huanwei.notes import notes
from huanwei.progress import ProgressBar
from routing.calendar.calendar_file import read_calendar
from routing.calendar.judge import validate_calendar
from routing.calendar.model import CalendarProblem
from routing.calendar.plan import (
    CalendarPlan,
    calendar_plan_from_dict,
    calendar_plan_to_dict,
    idle_vehicle_days,
)
from routing.calendar.planner import available_cores, naive_calendar, plan_calendar
from routing.fields import read_json
from routing.kpi import compute_kpis
from routing.problem_file import read_problem
from scenarios import load_scenario


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the calendar commands."""
    calendar = sub.add_parser("calendar", help="collection calendars: plan a week, not a day")
    cmds = calendar.add_subparsers(dest="calendar", required=True, metavar="CMD")
    p = cmds.add_parser("plan", help="choose each point's days and route every day")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--problem", type=Path, help="problem file (JSON): the district's day")
    source.add_argument("--scenario", help="a named scenario, e.g. district-baseline")
    p.add_argument("--osm", type=Path, help="OSM extract the scenario is built on")
    p.add_argument("--calendar", type=Path, required=True, help="calendar file (TOML or JSON)")
    p.add_argument("--horizon", type=int, help="days to plan, in place of the file's")
    p.add_argument("--time-limit", type=float, default=300.0, help="seconds (default 300)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--iterations",
        type=int,
        help="bound each day's optimiser run and the rounds of pattern moves (same plan per seed)",
    )
    p.add_argument(
        "--cores",
        type=int,
        default=available_cores(),
        help="cores the planner (and the naive calendar's day solves) may use (default: this "
        f"machine's, {available_cores()})",
    )
    p.add_argument("--previous", type=Path, help="an earlier calendar plan: keep points' days")
    p.add_argument("--naive", action="store_true", help="also plan the naive calendar")
    p.add_argument("--out", type=Path, required=True, help="folder for the results")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run_plan)


def day_rows(problem: CalendarProblem, plan: CalendarPlan) -> list[dict[str, Any]]:
    """Each day's figures: points due, vehicles, routes, hours, km, cost, unserved."""
    rows = []
    for day, day_plan in enumerate(plan.days):
        day_problem = problem.day_problem(day, plan.patterns)
        kpis = compute_kpis(day_problem, day_plan)
        rows.append(
            {
                "day": day + 1,
                "weekday": problem.weekday(day),
                "points": len(day_problem.points),
                "vehicles": kpis.vehicles_used,
                "routes": kpis.routes,
                "working_h": kpis.working_h,
                "km": kpis.km,
                "cost_yuan": kpis.cost_yuan,
                "unserved": kpis.visits_unserved,
            }
        )
    return rows


def summary(problem: CalendarProblem, plan: CalendarPlan) -> dict[str, Any]:
    """The calendar's totals: cost, the busiest and quietest days' vehicles, validity; and the
    vehicle-days its fleet stands idle (each type's busiest day's vehicles kept all the horizon)
    with the cost that counts them at the calendar's price of a vehicle's day."""
    rows = day_rows(problem, plan)
    vehicles = [r["vehicles"] for r in rows]
    report = validate_calendar(problem, plan)
    cost = round(sum(r["cost_yuan"] for r in rows), 2)
    idle = idle_vehicle_days({v.id: v.type_id for v in problem.base.vehicles}, plan.days)
    return {
        "days": rows,
        "cost_yuan": cost,
        "idle_vehicle_days": idle,
        "cost_with_idle_fleet_yuan": round(cost + idle * problem.vehicle_day_fen / 100, 2),
        "km": round(sum(r["km"] for r in rows), 1),
        "unserved": sum(r["unserved"] for r in rows),
        "vehicles_max_over_min": round(max(vehicles) / max(min(vehicles), 1), 3),
        "valid": report.ok,
        "violations": report.by_rule(),
        "stats": dict(plan.stats),
    }


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _print(title: str, figures: dict[str, Any]) -> None:
    print(title)
    print("  day  weekday  points  vehicles  routes  hours      km    cost CNY  unserved")
    for r in figures["days"]:
        print(
            f"  {r['day']:>3}  {WEEKDAY_NAMES[r['weekday']]:<7}  {r['points']:>6}  "
            f"{r['vehicles']:>8}  {r['routes']:>6}  {r['working_h']:>5.1f}  {r['km']:>6.1f}  "
            f"{r['cost_yuan']:>10,.0f}  {r['unserved']:>8}"
        )
    print(
        f"  total {figures['cost_yuan']:,.0f} CNY, {figures['km']:,.1f} km, "
        f"{figures['unserved']} unserved; vehicles busiest/quietest day "
        f"{figures['vehicles_max_over_min']:.2f}; "
        f"{figures['idle_vehicle_days']} vehicle-days idle in the week's fleet "
        f"({figures['cost_with_idle_fleet_yuan']:,.0f} CNY with them); "
        + ("valid" if figures["valid"] else f"INVALID {figures['violations']}")
    )


def run_plan(args: argparse.Namespace) -> int:
    with notes():
        if args.problem is not None:
            base = read_problem(args.problem)
        else:
            base = load_scenario(args.scenario, osm=args.osm, seed=args.seed)
    problem = read_calendar(args.calendar, base)
    if args.horizon is not None:
        problem = replace(
            problem,
            horizon_days=args.horizon,
            days=tuple(d for d in problem.days if d.day < args.horizon),
        )
    previous = None
    if args.previous is not None:
        previous = calendar_plan_from_dict(read_json(args.previous)).patterns
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with ProgressBar(args.time_limit, enabled=not args.quiet) as bar:
        plan = plan_calendar(
            problem,
            time_limit_s=args.time_limit,
            seed=args.seed,
            previous=previous,
            day_iterations=args.iterations,
            rounds=args.iterations,
            progress=bar.update,
            cores=args.cores,
        )
    (out / "calendar-plan.json").write_text(
        json.dumps(calendar_plan_to_dict(plan), ensure_ascii=False), encoding="utf-8"
    )
    (out / "residents.html").write_text(residents_html(problem, plan, lang="zh"), "utf-8")
    (out / "residents.en.html").write_text(residents_html(problem, plan, lang="en"), "utf-8")
    figures = summary(problem, plan)
    result: dict[str, Any] = {"planned": figures}
    _print(f"{problem.name}: {len(base.points)} points over {problem.horizon_days} days", figures)
    if args.naive:
        naive = naive_calendar(
            problem,
            time_limit_s=args.time_limit,
            seed=args.seed,
            day_iterations=args.iterations,
            cores=args.cores,
        )
        result["naive"] = summary(problem, naive)
        _print(
            "naive calendar (every point on its first pattern, days routed alone):", result["naive"]
        )
    (out / "calendar-summary.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(
        f"written: calendar-plan.json, calendar-summary.json, residents.html, residents.en.html in {out}/"
    )
    return 0 if figures["valid"] else 1
