"""A city of ~10,000 points: the district baseline scaled up on Campo Grande's roads.

    python benchmarks/city.py --osm ../shared/data/osm/campo-grande.osm.gz --scale 6.6 \
        --time-limit 540 --seed 1

Prints JSON: points, seconds to build the problem (road matrices included) and to plan, the
plan's validity, unserved visits and cost, where the planning time went, and memory: the peak of
the whole process tree's proportional set size (PSS, sampled every 0.5 s from /proc: pages shared
between processes counted once) beside the peak resident size of the main process and of the
largest solver worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
import time
import warnings
from pathlib import Path

from routing.kpi import compute_kpis
from routing.solve import solve
from routing.validation import validate
from scenarios.district import DistrictSpec
from scenarios.road_district import road_district


class TreeMemory(threading.Thread):
    """Samples the summed PSS (MB) of this process and all its descendants; keeps the peak."""

    def __init__(self, every_s: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.every_s = every_s
        self.peak_mb = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            self.peak_mb = max(self.peak_mb, sum(_pss_kb(p) for p in _tree(os.getpid())) / 1024)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--osm", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=6.6)
    parser.add_argument("--time-limit", type=float, default=540.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    memory = TreeMemory()
    memory.start()
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
                "chosen": None if plan.stats is None else plan.stats.chosen,
                "km": kpis.km,
                "cost_yuan": kpis.cost_yuan,
                "phases_s": None if plan.stats is None else dict(plan.stats.phases),
                "searches": None if plan.stats is None else plan.stats.searches,
                "peak_tree_pss_mb": round(memory.peak_mb),
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
