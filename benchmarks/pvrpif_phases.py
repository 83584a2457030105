"""Where a calendar plan's minute goes: one search of the planner on a PVRP-IF instance, each
phase's start, end and the calendar's cost after it, and each new best the search finds.

    python -m benchmarks.pvrpif_phases Milano_020_6_3 --seed 1 [--time-limit 60]

One search on one core (``CalendarPlanner.plan``, as ``plan_calendar`` runs each of its
searches). The phases are the planner's own methods, timed from outside: the first routing
(``_route_all``), the starting calendars (``_starts``), the two halves of the search
(``improve``), the route pool's recombinations (``_recombine``, also those within the search) and
the last planning of the days (``_polish``). Costs are the benchmark's (travel minutes; a visit
left out counts 10,000). Prints one line per event, then the plan's stats.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from routing.calendar import planner as planner_module
from routing.calendar.planner import CalendarPlanner
from routing.pvrpif import read_pvrpif
from routing.pvrpif.bounds import data_dir, published
from routing.pvrpif.convert import pvrpif_problem

PHASES = ("_route_all", "_starts", "improve", "_recombine", "_polish")


def _minutes(out: Any) -> float | None:
    """The cost (travel minutes) of what a phase returned: a calendar state or routed days."""
    if isinstance(out, planner_module._State):
        return round(out.cost() / 1000, 1)
    if isinstance(out, list) and out and isinstance(out[0], planner_module._Day):
        return round(sum(d.cost_fen for d in out) / 1000, 1)
    return None


def time_phases(
    now: Callable[[], float], cost: Callable[[Any], float | None] | None = None
) -> list[dict[str, Any]]:
    """The planner's phases (:data:`PHASES`) timed from outside: each run of one prints a line
    (its phase, start and end by ``now``, and ``cost`` of what it returned where given) and is
    kept in the list returned."""
    events: list[dict[str, Any]] = []

    def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: CalendarPlanner, *a: Any, **k: Any) -> Any:
            start = now()
            out = method(self, *a, **k)
            event = {"phase": name, "from_s": start, "to_s": now()}
            if cost is not None:
                event["cost"] = cost(out)
            events.append(event)
            print(json.dumps(event), flush=True)
            return out

        return run

    for name in PHASES:
        setattr(CalendarPlanner, name, timed(name, getattr(CalendarPlanner, name)))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", help="e.g. Milano_020_6_3")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    path = next(data_dir().glob(f"planning horizon */{args.instance}.geojson"))
    problem = pvrpif_problem(read_pvrpif(path))
    began = time.monotonic()
    best = [float("inf")]

    def now() -> float:
        return round(time.monotonic() - began, 1)

    def rerouted(method: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: CalendarPlanner, *a: Any, **k: Any) -> Any:
            out = method(self, *a, **k)
            if out.cost() < best[0] - 1e-6:
                best[0] = out.cost()
                print(json.dumps({"best": round(out.cost() / 1000, 1), "at_s": now()}), flush=True)
            return out

        return run

    time_phases(now, _minutes)
    CalendarPlanner._reroute = rerouted(CalendarPlanner._reroute)  # type: ignore[method-assign]
    planner = CalendarPlanner(problem, seed=args.seed)
    began = time.monotonic()
    plan = planner.plan(time_limit_s=args.time_limit)
    known = published(args.instance)
    summary = {
        "instance": args.instance,
        "cost": plan.stats["cost_fen"] / 1000,
        "published_best": known.best_ub if known else None,
        "stats": plan.stats,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
