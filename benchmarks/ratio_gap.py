"""Where the gap to plain PyVRP comes from: the district baseline stream by stream.

    python benchmarks/ratio_gap.py --osm ../shared/data/osm/campo-grande.osm.gz \
        --time-limit 30 --seed 1

For each waste stream alone (the baseline with only that stream's points, every vehicle and
shift), three plans priced the way ``huanwei bench pyvrp`` prices them (routing cost, hauls left
out): the optimiser's own plan under every rule; plain PyVRP with every facility a reload depot
(the benchmark's relaxation, less the mixing of streams); plain PyVRP reloading only at the
facilities that take the stream. Summed over the streams and set beside the whole day's plain
PyVRP, the steps say how much of the ratio is mixing streams, how much the choice of facility and
how much the rest (breaks, ending each shift empty, on-board time, crews, the optimiser itself).
Prints one JSON line per stream, then the sums.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import warnings
from pathlib import Path

from huanwei.reference import routing_cost, solve_plain, whole_day
from routing.solve.jobs import dumps_for
from routing.solve.optimiser import optimise
from routing.solve.stop import Stop
from routing.validation import validate
from scenarios import load_scenario

YUAN = 100_000  # milli-fen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--osm", type=Path, required=True)
    parser.add_argument("--time-limit", type=float, default=30.0, help="s per plan")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = load_scenario("district-baseline", osm=args.osm, seed=args.seed)
    totals = {"huanwei": 0, "plain_any_facility": 0, "plain_own_facilities": 0}
    for stream in sorted({p.stream for p in problem.points}, key=lambda s: s.value):
        alone = problem.replace(points=tuple(p for p in problem.points if p.stream is stream))
        ours = optimise(alone, stop=Stop(args.time_limit), seed=args.seed, portfolio=False)
        relaxed = whole_day(alone)
        own = dataclasses.replace(relaxed, dumps=tuple(dumps_for(alone, stream)))
        row: dict[str, object] = {
            "stream": stream.value,
            "points": len(alone.points),
            "huanwei_valid": validate(alone, ours).ok,
            "huanwei_unserved": len(ours.unserved),
            "huanwei_routes": len(ours.routes),
        }
        costs = {"huanwei": routing_cost(alone, ours)}
        for name, day in (("plain_any_facility", relaxed), ("plain_own_facilities", own)):
            result = solve_plain(day, stop=Stop(args.time_limit), seed=args.seed)
            costs[name] = int(str(result["cost_milli_fen"]))
            row[f"{name}_routes"] = result["routes"]
            row[f"{name}_feasible"] = result["feasible"]
        for name, cost in costs.items():
            totals[name] += cost
            row[f"{name}_yuan"] = round(cost / YUAN)
        row["ratio_to_own_facilities"] = round(costs["huanwei"] / costs["plain_own_facilities"], 3)
        print(json.dumps(row), flush=True)
    summary: dict[str, object] = {f"sum_{k}_yuan": round(v / YUAN) for k, v in totals.items()}
    summary["ratio_to_own_facilities"] = round(
        totals["huanwei"] / totals["plain_own_facilities"], 3
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
