"""Where the planner's calendar of a PVRP-IF instance stands against the published best: how
many points it gives other days than the published solution does, what the published calendar
costs when the last planning's runs route it, and how the search went.

    python -m benchmarks.pvrpif_calendar_gap --time-limit 60 --seed 1 --only "Roma_020_6_2"

For each instance (``--only``: a regular expression on the name), ``plan_calendar`` plans it as
``huanwei bench pvrpif`` does (the machine's cores, the time limit), then the published best
solution's calendar (the reading of :mod:`routing.pvrpif.solution`) is routed day by day by
``CalendarPlanner.route_day`` as the last planning routes a day (``--day-seconds`` each, seeds
1 and 2). A calendar turned by whole days (every point's days moved by the same number, round
the horizon) is the same calendar where every day has the same fleet; the smallest count of
differing points over the turns is printed too. Prints one JSON line per instance, then a
Markdown table.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path

from benchmarks.pvrpif_optimum_days import best_report, published_patterns, route_calendar
from routing.calendar.model import Pattern
from routing.calendar.planner import available_cores, plan_calendar
from routing.kpi import compute_kpis
from routing.pvrpif import read_pvrpif
from routing.pvrpif.bounds import data_dir, published
from routing.pvrpif.convert import pvrpif_problem
from routing.pvrpif.solution import read_report

STATS = (
    "day_solves",
    "pattern_moves",
    "kicks",
    "levelling_kicks",
    "joint_moves",
    "recombinations_kept",
)


def differing(
    ours: Mapping[str, Pattern], theirs: Mapping[str, Pattern], horizon: int, turn: int = 0
) -> list[str]:
    """The points whose days in ``ours``, turned by ``turn`` days, are not ``theirs``."""
    return sorted(
        p
        for p, days in theirs.items()
        if tuple(sorted((d + turn) % horizon for d in ours[p])) != tuple(sorted(days))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=data_dir())
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day-seconds", type=float, default=5.0)
    parser.add_argument("--only", default="", help="only instances whose name matches (regex)")
    args = parser.parse_args()
    rows = []
    for path in sorted(args.data.glob("planning horizon */*.geojson")):
        if not re.search(args.only, path.stem):
            continue
        instance = read_pvrpif(path)
        problem = pvrpif_problem(instance)
        report = read_report(best_report(args.data, path.stem))
        theirs = published_patterns(instance, problem, report)
        plan = plan_calendar(
            problem, time_limit_s=args.time_limit, seed=args.seed, cores=available_cores()
        )
        cost = sum(
            compute_kpis(problem.day_problem(d, plan.patterns), day).cost_fen / 1000
            for d, day in enumerate(plan.days)
        )
        horizon = problem.horizon_days
        differ = differing(plan.patterns, theirs, horizon)
        turned = min(len(differing(plan.patterns, theirs, horizon, t)) for t in range(horizon))
        theirs_routed = [
            route_calendar(problem, theirs, seed=s, seconds=args.day_seconds, final=True)
            for s in (1, 2)
        ]
        known = published(path.stem)
        row = {
            "instance": path.stem,
            "published": report.cost,
            "proven_optimal": bool(known and known.optimal),
            "cost": round(cost),
            "unserved": plan.stats.get("unserved"),
            "points": len(theirs),
            "differing": differ,
            "differing_least_over_turns": turned,
            "published_calendar_routed": [[round(c), short] for c, short in theirs_routed],
            "first_cost": plan.stats["first_cost_fen"] / 1000,
            "searched_cost": plan.stats["searched_cost_fen"] / 1000,
            **{k: plan.stats.get(k) for k in STATS},
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(
        "\n| instance | published | planned | points on other days (least over turns) "
        "| published calendar routed (seeds 1, 2) | first → searched | day solves | random kicks |"
    )
    print("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |")
    for r in rows:
        routed = ", ".join(
            f"{c}" + ("*" if short else "") for c, short in r["published_calendar_routed"]
        )
        print(
            f"| {r['instance']} | {r['published']} | {r['cost']} | {len(r['differing'])} "
            f"({r['differing_least_over_turns']}) | {routed} | {r['first_cost']:g} → "
            f"{r['searched_cost']:g} | {r['day_solves']} | {r['kicks']} |"
        )


if __name__ == "__main__":
    main()
