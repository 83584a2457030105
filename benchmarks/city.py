"""A city of ~10,000 points: the district baseline scaled up on Campo Grande's roads.

    python benchmarks/city.py --osm ../shared/data/osm/campo-grande.osm.gz --scale 6.6 \
        --time-limit 540 --seed 1

Prints JSON: points, seconds to build the problem (road matrices included) and to plan, the
plan's validity, unserved visits and cost, and the peak resident memory of the main process and of
the largest solver worker process.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import warnings
from pathlib import Path

from routing.kpi import compute_kpis
from routing.solve import solve
from routing.validation import validate
from scenarios.district import DistrictSpec
from scenarios.road_district import road_district


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--osm", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=6.6)
    parser.add_argument("--time-limit", type=float, default=540.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = road_district(args.osm, seed=args.seed, spec=DistrictSpec(scale=args.scale))
    built = time.perf_counter()
    plan = solve(problem, time_limit_s=args.time_limit, seed=args.seed)
    planned = time.perf_counter()
    report = validate(problem, plan)
    kpis = compute_kpis(problem, plan)
    print(
        json.dumps(
            {
                "osm": str(args.osm),
                "points": len(problem.points),
                "visits": sum(p.visits_per_day for p in problem.points),
                "vehicles": len(problem.vehicles),
                "build_s": round(built - began, 1),
                "plan_s": round(planned - built, 1),
                "valid": report.ok,
                "violations": report.by_rule(),
                "unserved": len(plan.unserved),
                "chosen": plan.meta.get("solver"),
                "km": kpis.km,
                "cost_yuan": kpis.cost_yuan,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "peak_rss_workers_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                ),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
