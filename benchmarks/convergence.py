"""How far a dispatcher's minute is from what the optimiser finds with more time: the district
baseline on one extract, planned at several time limits with the same seed.

    python benchmarks/convergence.py --osm ../shared/data/osm/campo-grande.osm.gz --seed 1 \\
        --limits 30 60 120 600 [--solve-seeds 1 2 3]

Each plan is made by ``routing.solve.solve`` (the dispatcher's path) and judged by the validator;
prints one JSON line per limit: seconds, cost (CNY), km, unserved, the engine whose plan was kept,
the cost's gap to the longest run's, and the
seconds of the optimiser's phases. ``--params FILE`` plans with other tuning constants (TOML).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import warnings
from pathlib import Path

from routing.kpi import compute_kpis
from routing.solve import SolveParams, solve
from routing.validation import validate
from scenarios.road_district import road_district


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--osm", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1, help="the generated district's seed")
    parser.add_argument(
        "--solve-seeds",
        type=int,
        nargs="+",
        help="the searches' seeds (default: the district's seed); the gap is to the mean of the "
        "longest limit's plans",
    )
    parser.add_argument("--limits", type=float, nargs="+", default=[30, 60, 120, 600])
    parser.add_argument("--params", type=Path, help="the optimiser's parameters (TOML)")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = road_district(args.osm, seed=args.seed)
    params = SolveParams.from_file(args.params) if args.params else None
    rows = []
    for limit, seed in itertools.product(args.limits, args.solve_seeds or [args.seed]):
        began = time.perf_counter()
        plan = solve(problem, time_limit_s=limit, seed=seed, params=params)
        seconds = time.perf_counter() - began
        kpis = compute_kpis(problem, plan)
        rows.append(
            {
                "limit_s": limit,
                "seed": seed,
                "seconds": round(seconds, 1),
                "cost_yuan": kpis.cost_yuan,
                "km": kpis.km,
                "unserved": len(plan.unserved),
                "valid": validate(problem, plan).ok,
                "kept": plan.stats.chosen if plan.stats else "",
                "phases": dict(plan.stats.phases) if plan.stats else {},
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    longest = [r["cost_yuan"] for r in rows if r["limit_s"] == max(args.limits)]
    best = sum(longest) / len(longest)
    for row in rows:
        gap = round(100 * (row["cost_yuan"] - best) / best, 2)
        print(
            json.dumps({"limit_s": row["limit_s"], "seed": row["seed"], "gap_to_longest_pct": gap}),
            flush=True,
        )


if __name__ == "__main__":
    main()
