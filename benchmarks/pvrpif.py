"""The PVRP-IF waste instances (Taverna & Tilk) planned by the calendar planner, each through
``huanwei bench pvrpif`` (the product's command: the planner's path, the benchmark's judge),
against the published best upper bound and whether it is proven optimal.

    python -m benchmarks.pvrpif --time-limit 60 --seed 1 [--jobs 1] [--cores N] \\
        [--data ../shared/data/benchmarks/pvrpif-waste-uniud] [--only "Milano_0[23]0"]

Prints one JSON line per instance as it finishes, then a Markdown table (instance, customers,
days, vehicles per day, cost, published best, ratio, optimal?, seconds) and the summary: how
many are valid, how many equal a proven optimum, the mean ratio to the best known. Each instance
runs the planner's searches side by side on the machine's cores (the command's default); ``--jobs``
runs that many instances at once, which then share the cores (before the searches side by side,
the runs of this file were made with ``--jobs 2``: one core per instance). ``--cores`` gives each
instance that many searches instead (``--jobs 2 --cores 1`` on two cores: one search per
instance, twice the instances an hour, for comparing a change to the search itself).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from routing.pvrpif.bounds import data_dir


def run(
    path: Path, time_limit: float, seed: int, iterations: int | None, cores: int | None
) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "huanwei", "bench", "pvrpif", str(path),
        "--time-limit", str(time_limit), "--seed", str(seed),
    ]  # fmt: skip
    if iterations is not None:
        command += ["--iterations", str(iterations)]
    if cores is not None:
        command += ["--cores", str(cores)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        return {"instance": path.stem, "error": done.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=data_dir())
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--cores", type=int, help="searches per instance (default: the cores)")
    parser.add_argument("--only", default="", help="only instances whose name matches (regex)")
    args = parser.parse_args()
    files = sorted(
        p for p in args.data.glob("planning horizon */*.geojson") if re.search(args.only, p.stem)
    )
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(run, p, args.time_limit, args.seed, args.iterations, args.cores)
            for p in files
        ]
        rows = []
        for future in futures:
            row = future.result()
            rows.append(row)
            brief = {k: row.get(k) for k in ("instance", "cost", "published_best", "valid")}
            print(json.dumps(brief), flush=True)
    print()
    print(
        "| instance | customers | days | vehicles per day | cost | published best | ratio "
        "| proven optimal | seconds | valid |"
    )
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |")
    for r in rows:
        if "error" in r:
            print(f"| {r['instance']} | error: {r['error'][:80]} |")
            continue
        print(
            f"| {r['instance']} | {r['customers']} | {r['days']} | "
            f"{' '.join(map(str, r['vehicles_per_day']))} | {r['cost']} | {r['published_best']} | "
            f"{r['ratio']:.4f} | {'yes' if r['proven_optimal'] else 'no'} | {r['seconds']} | "
            f"{'yes' if r['valid'] else 'NO'} |"
        )
    solved = [r for r in rows if "error" not in r]
    optimal = [r for r in solved if r["proven_optimal"]]
    at_optimum = [r for r in optimal if r["cost"] <= r["published_best"]]
    summary = {
        "instances": len(rows),
        "valid": sum(1 for r in solved if r["valid"]),
        "with_proven_optimum": len(optimal),
        "at_the_optimum": len(at_optimum),
        "mean_ratio_to_best_known": round(statistics.fmean(r["ratio"] for r in solved), 4),
        "worst_ratio": max(r["ratio"] for r in solved),
        "below_best_known": sum(1 for r in solved if r["cost"] < r["published_best"]),
        "max_seconds": max(r["seconds"] for r in solved),
    }
    print()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
