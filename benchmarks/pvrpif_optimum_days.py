"""The published best calendars of the PVRP-IF instances, routed day by day as the calendar
planner's search routes a day: is the gap to the optimum in the routing of a day or in the
choice of days?

    python -m benchmarks.pvrpif_optimum_days --seeds 5 [--only REGEX] [--iterations 200]
    python -m benchmarks.pvrpif_optimum_days --final --iterations 3000 --only Milano_020_6_0

For each instance, the visit patterns of its best published solution report (the reading of
:mod:`routing.pvrpif.solution`) are planned day by day by ``CalendarPlanner.route_day``: the
product's optimiser under the search's iteration bound (``--final``: under ``--iterations``
alone, as the last planning of the days), each seed in turn. Prints per instance
the published cost, each seed's cost (the benchmark's, travel minutes) and the days of each seed
that left visits out (a seed's cost is its plans' own: without the visits left out); then a
Markdown table and a summary.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from routing.calendar.model import CalendarProblem, Pattern
from routing.calendar.planner import SEARCH_ITERATIONS, CalendarPlanner
from routing.kpi import compute_kpis
from routing.pvrpif import PvrpifInstance, read_pvrpif
from routing.pvrpif.bounds import data_dir, published
from routing.pvrpif.convert import node_id, pvrpif_problem
from routing.pvrpif.solution import SolutionReport, read_report


def best_report(data: Path, name: str) -> Path:
    """The solution report of ``name`` in ``data`` with the lowest stated cost."""
    found = sorted(data.glob(f"solutions/*/report_{name}_feasible_*.txt"))
    return min(found, key=lambda p: float(p.stem.split("_feasible_")[1].split("_")[0]))


def published_patterns(
    instance: PvrpifInstance, problem: CalendarProblem, report: SolutionReport
) -> dict[str, Pattern]:
    """The visit patterns of a published solution ``report``, by the problem's point ids."""
    return {
        node_id(instance, s.node): tuple(s.assigned)
        for s in report.schemes
        if node_id(instance, s.node) in problem.rule_by_point
    }


def route_calendar(
    problem: CalendarProblem,
    patterns: Mapping[str, Pattern],
    *,
    seed: int,
    seconds: float,
    final: bool,
    iterations: int | None = None,
) -> tuple[float, list[int]]:
    """``patterns`` planned day by day by ``CalendarPlanner.route_day`` (``final``: as the last
    planning, else as the search, routes a day): the cost (the benchmark's travel minutes, the
    visits left out not priced) and the days that left visits out."""
    planner = CalendarPlanner(problem, seed=seed, day_iterations=iterations)
    cost = 0
    short = []
    for d in range(problem.horizon_days):
        day = planner.route_day(d, patterns, seconds, final=final)
        cost += compute_kpis(problem.day_problem(d, patterns), day.plan).cost_fen
        if day.plan.unserved:
            short.append(d)
    return cost / 1000, short


@dataclass(slots=True)
class Row:
    instance: str
    published: int
    proven_optimal: bool
    costs: list[float]  # per seed, travel minutes of the plans made (visits left out not priced)
    short: list[list[int]]  # per seed, the days that left visits out

    def served(self) -> list[float]:
        """The costs of the seeds that served every visit."""
        return [c for c, s in zip(self.costs, self.short, strict=True) if not s]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--iterations", type=int, default=SEARCH_ITERATIONS, help="each day's, at most the search's"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="each day's time limit")
    parser.add_argument("--only", default="", help="only instances whose name matches (regex)")
    parser.add_argument(
        "--final",
        action="store_true",
        help="route as the last planning of the days does: --iterations may pass the search's",
    )
    args = parser.parse_args()
    cap = None if args.final else SEARCH_ITERATIONS  # the search's own solves are capped so
    if args.iterations < 1 or (cap is not None and args.iterations > cap):
        parser.error(f"--iterations must be 1 to {cap or 'any'}, got {args.iterations}")
    rows: list[Row] = []
    data = data_dir()
    for path in sorted(data.glob("planning horizon */*.geojson")):
        if not re.search(args.only, path.stem):
            continue
        instance = read_pvrpif(path)
        problem = pvrpif_problem(instance)
        report = read_report(best_report(data, path.stem))
        patterns = published_patterns(instance, problem, report)
        known = published(path.stem)
        row = Row(path.stem, report.cost, bool(known and known.optimal), [], [])
        for seed in range(1, args.seeds + 1):
            cost, short = route_calendar(
                problem,
                patterns,
                seed=seed,
                seconds=args.seconds,
                final=args.final,
                iterations=args.iterations,
            )
            row.costs.append(cost)
            row.short.append(short)
        rows.append(row)
        print(json.dumps(asdict(row)), flush=True)
    print(
        "\n| instance | published | proven | cost per seed (* visits left out) "
        "| seeds serving all at the published cost | seeds leaving visits out |"
    )
    print("| --- | ---: | --- | --- | ---: | ---: |")
    for row in rows:
        at = sum(1 for c in row.served() if c <= row.published)
        costs = " ".join(
            f"{c:g}" + ("*" if s else "") for c, s in zip(row.costs, row.short, strict=True)
        )
        proven = "yes" if row.proven_optimal else "no"
        out = sum(1 for s in row.short if s)
        print(f"| {row.instance} | {row.published} | {proven} | {costs} | {at} | {out} |")
    ratios = [statistics.mean(r.served()) / r.published for r in rows if r.served()]
    summary = {
        "instances": len(rows),
        "seeds": args.seeds,
        "iterations": args.iterations,
        "every_seed_serving_all_at_published": sum(
            len(r.served()) == args.seeds and all(c <= r.published for c in r.costs) for r in rows
        ),
        "seed_days_leaving_visits_out": sum(len(s) for r in rows for s in r.short),
        "instances_with_a_seed_leaving_visits_out": sum(any(r.short) for r in rows),
        "mean_ratio_of_seeds_serving_all": round(statistics.mean(ratios), 4) if ratios else None,
    }
    print("\n" + json.dumps(summary))


if __name__ == "__main__":
    main()
