"""Dispatching a live day on the district baseline: urgent pickups, breakdowns, stability, balance.

    python benchmarks/dispatch.py --osm ../shared/data/osm/andorra.osm.pbf --seed 1 [--parts balance]

Builds the district baseline on the extract's roads and plans its day (``routing.solve.solve``,
``--plan-time-limit``): that plan stands for the published one. Then, each timed on its own:

- **urgent pickups**: ``--urgent`` requests at random points (seeded), half a visit's amount,
  deadline three hours after the request, at request times spread over the day; the time to
  answer (the ranked slots, :func:`routing.dispatch.rank_urgent`) and to apply the best slot;
- **breakdowns**: ``--breakdowns`` vehicles with routes, each out from the middle of one of its
  routes; time to the re-planned day, visits freed and placed, disruption (visits changing
  vehicle or shift; visits of the same vehicle and shift moved by more than 15 min);
- **stability**: every point's amount times a factor drawn from 0.95–1.15 (about +5 % over the
  day); stable re-plans from the plan (:func:`routing.dispatch.stable.stable_replan`, with each
  of :data:`STABILITY_WEIGHTS`), a fresh plan of the changed day and one warm-started from the
  plan (``solve``, ``warm_start``; the same time limit): the share of the plan's visits keeping vehicle and shift with the service start within
  ±15 min, the cost of each, and what stability costs (stable − fresh); then the same again
  from that day's warm-started plan (an optimised plan as the last one) to a further +5 % day;
- **balance**: the plan's longest/shortest working route and route-area overlap, before and
  after :func:`routing.dispatch.balance.rebalance` with each of :data:`BALANCE_WEIGHTS`.

Every plan is judged by the validator. Prints JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

from routing.dispatch import Breakdown, UrgentRequest, Weights, apply_urgent, breakdown, rank_urgent
from routing.dispatch.balance import BALANCED, balance_kpis, rebalance
from routing.dispatch.stable import stability, stable_replan
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import solve
from routing.units import HOUR, format_clock
from routing.validation import validate
from scenarios import load_scenario


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
        "min": round(min(values), 3),
    }


def urgent_pickups(problem: Problem, plan: Plan, count: int, rng: random.Random) -> dict[str, Any]:
    """Rank and apply ``count`` urgent pickups, one at a time on the plan."""
    rows: list[dict[str, Any]] = []
    for n in range(count):
        point = rng.choice(problem.points)
        now = (6 + (n * 11) % 13) * HOUR  # 06:00 … 18:00
        request = UrgentRequest(
            f"URG-{n + 1}",
            point.stream,
            max(1, point.visit_kg(0) // 2),
            deadline_s=min(24 * HOUR, now + 3 * HOUR),
            litres=point.visit_litres(0) // 2,
            at_point=point.id,
        )
        began = time.perf_counter()
        ranking = rank_urgent(problem, plan, request, now_s=now)
        answered = time.perf_counter() - began
        row: dict[str, Any] = {
            "point": point.id,
            "stream": point.stream.value,
            "now": format_clock(now),
            "answer_s": round(answered, 3),
            "slots": len(ranking.slots),
            "reasons": list(ranking.reasons[:3]),
        }
        if ranking.slots:
            began = time.perf_counter()
            result = apply_urgent(problem, plan, request, now_s=now)
            row |= {
                "apply_s": round(time.perf_counter() - began, 3),
                "added_cost_yuan": ranking.slots[0].added_cost_fen / 100,
                "valid": validate(result.problem, result.plan).ok,
                "disrupted": result.disruption.disrupted,
            }
        rows.append(row)
    applied = [r for r in rows if "apply_s" in r]
    return {
        "requests": len(rows),
        "with_slots": len(applied),
        "answer_s": _spread([r["answer_s"] for r in rows]),
        "apply_s": _spread([r["apply_s"] for r in applied]),
        "all_valid": all(r["valid"] for r in applied),
        "each": rows,
    }


def breakdowns(
    problem: Problem, plan: Plan, count: int, rng: random.Random, time_limit_s: float
) -> dict[str, Any]:
    """Break ``count`` vehicles down, one at a time on the plan, mid-route; and the vehicle of
    the busiest route one hour after it leaves."""
    rows: list[dict[str, Any]] = []
    routes = sorted(plan.routes, key=lambda r: (r.vehicle_id, r.start_s))
    busiest = max(routes, key=lambda r: (sum(len(t.visits) for t in r.trips), r.vehicle_id))
    cases = [(r, (r.start_s + r.end_s) // 2) for r in rng.sample(routes, min(count, len(routes)))]
    cases.append((busiest, busiest.start_s + HOUR))  # the worst case: most work left to move
    for route, at in cases:
        began = time.perf_counter()
        result = breakdown(
            problem, plan, Breakdown(route.vehicle_id, at), time_limit_s=time_limit_s
        )
        seconds = time.perf_counter() - began
        summary = result.disruption.summary()
        rows.append(
            {
                "vehicle": route.vehicle_id,
                "shift": route.shift_id,
                "at": format_clock(at),
                "seconds": round(seconds, 3),
                "visits_freed": result.facts["visits_freed"],
                "visits_placed": result.facts["visits_placed"],
                "moved": summary["moved"],
                "retimed": summary["retimed"],
                "dropped": summary["dropped"],
                "other_visits_disrupted": result.disruption.disrupted
                - result.facts["visits_placed"],
                "cost_change_yuan": round(
                    result.cost_after_yuan - (result.cost_before_yuan or 0), 2
                ),
                "valid": validate(problem, result.plan).ok,
            }
        )
    return {
        "breakdowns": len(rows),
        "seconds": _spread([r["seconds"] for r in rows]),
        "all_valid": all(r["valid"] for r in rows),
        "each": rows,
    }


def _changed_demand(problem: Problem, rng: random.Random) -> Problem:
    def grown(point: Any) -> Any:
        factor = rng.uniform(0.95, 1.15)
        return dataclasses.replace(
            point,
            kg_per_day=round(point.kg_per_day * factor),
            litres_per_day=round(point.litres_per_day * factor),
        )

    return problem.replace(points=tuple(grown(p) for p in problem.points))


#: Stability weights tried (fen per visit moved, per visit retimed beyond ±15 min).
STABILITY_WEIGHTS = ((4000.0, 1500.0), (1000.0, 400.0), (0.0, 0.0))


def stable_day(
    problem: Problem, plan: Plan, rng: random.Random, time_limit_s: float, seed: int
) -> tuple[dict[str, Any], Problem, Plan]:
    """A +5 % day after ``plan``'s: stable re-plans with several weights against a fresh plan
    and a warm-started one; also returns the new day and its warm-started plan."""
    today = _changed_demand(problem, rng)
    change = sum(p.kg_per_day for p in today.points) / sum(p.kg_per_day for p in problem.points)
    began = time.perf_counter()
    fresh = solve(today, time_limit_s=time_limit_s, seed=seed)
    fresh_s = time.perf_counter() - began
    fresh_cost = compute_kpis(today, fresh).cost_yuan
    began = time.perf_counter()
    warm = solve(today, time_limit_s=time_limit_s, seed=seed, warm_start=plan)
    warm_s = time.perf_counter() - began
    stable: list[dict[str, Any]] = []
    for moved, late in STABILITY_WEIGHTS:
        weights = Weights(moved_fen=moved, late_fen=late)
        began = time.perf_counter()
        result = stable_replan(
            today,
            plan,
            previous_problem=problem,
            weights=weights,
            time_limit_s=time_limit_s,
            seed=seed,
        )
        stable.append(
            {
                "moved_fen": moved,
                "late_fen": late,
                "seconds": round(time.perf_counter() - began, 2),
                "kept": stability(today, plan, result.plan).to_dict(),
                "cost_yuan": result.cost_after_yuan,
                "cost_paid_yuan": round(result.cost_after_yuan - fresh_cost, 2),
                "unserved": len(result.plan.unserved),
                "valid": result.report.ok,
            }
        )
    return (
        {
            "demand_change": round(change - 1, 4),
            "previous_cost_yuan": compute_kpis(problem, plan).cost_yuan,
            "fresh": {
                "seconds": round(fresh_s, 2),
                "kept": stability(today, plan, fresh).to_dict(),
                "cost_yuan": fresh_cost,
                "unserved": len(fresh.unserved),
                "valid": validate(today, fresh).ok,
            },
            "warm_started": {
                "seconds": round(warm_s, 2),
                "kept": stability(today, plan, warm).to_dict(),
                "cost_yuan": compute_kpis(today, warm).cost_yuan,
                "unserved": len(warm.unserved),
                "valid": validate(today, warm).ok,
            },
            "stable": stable,
        },
        today,
        warm,
    )


#: Balance weights tried (fen per squared hour off the mean, fen per km from the route's centre):
#: balance alone (light, heavy), the default (:data:`routing.dispatch.balance.BALANCED`),
#: compactness first.
BALANCE_WEIGHTS = (
    (40_000.0, 0.0),
    (200_000.0, 0.0),
    (BALANCED.balance_fen, BALANCED.compact_fen_per_km),
    (10_000.0, 5_000.0),
)


def balanced(problem: Problem, plan: Plan, time_limit_s: float, seed: int) -> dict[str, Any]:
    """Balance and overlap before and after re-balancing with each of :data:`BALANCE_WEIGHTS`."""
    before = balance_kpis(problem, plan)
    out: dict[str, Any] = {
        "before": {
            "ratio": before.ratio,
            "overlap": before.overlap,
            "cost_yuan": compute_kpis(problem, plan).cost_yuan,
            "unserved": len(plan.unserved),
        },
        "after": [],
    }
    for balance_fen, compact_fen in BALANCE_WEIGHTS:
        weights = Weights(balance_fen=balance_fen, compact_fen_per_km=compact_fen)
        began = time.perf_counter()
        result = rebalance(problem, plan, weights=weights, time_limit_s=time_limit_s, seed=seed)
        after = balance_kpis(problem, result.plan)
        out["after"].append(
            {
                "balance_fen": balance_fen,
                "compact_fen_per_km": compact_fen,
                "seconds": round(time.perf_counter() - began, 2),
                "ratio": after.ratio,
                "ratio_by_vehicle_type": after.ratio_by_type,
                "longest_h": after.longest_h,
                "shortest_h": after.shortest_h,
                "overlap": after.overlap,
                "cost_yuan": result.cost_after_yuan,
                "unserved": len(result.plan.unserved),
                "valid": result.report.ok,
            }
        )
    return out


#: The parts of the benchmark, in the order they run (each draws from the same seeded generator,
#: so a part run alone may see other requests than in the whole run).
PARTS = ("urgent", "breakdown", "stability", "balance")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--osm", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan-time-limit", type=float, default=60.0)
    parser.add_argument("--urgent", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=5)
    parser.add_argument("--breakdown-time-limit", type=float, default=20.0)
    parser.add_argument("--stable-time-limit", type=float, default=60.0)
    parser.add_argument("--balance-time-limit", type=float, default=60.0)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, of: {', '.join(PARTS)} (default: all)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")
    rng = random.Random(args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        began = time.perf_counter()
        problem = load_scenario("district-baseline", osm=args.osm, seed=args.seed)
        built = time.perf_counter() - began
    began = time.perf_counter()
    plan = solve(problem, time_limit_s=args.plan_time_limit, seed=args.seed)
    planned = time.perf_counter() - began
    out: dict[str, Any] = {
        "osm": args.osm.name,
        "points": len(problem.points),
        "visits": sum(p.visits_per_day for p in problem.points),
        "build_s": round(built, 2),
        "plan": {
            "seconds": round(planned, 2),
            "solver": plan.meta.get("solver"),
            "routes": len(plan.routes),
            "unserved": len(plan.unserved),
            "cost_yuan": compute_kpis(problem, plan).cost_yuan,
            "valid": validate(problem, plan).ok,
        },
    }
    if "urgent" in parts:
        out["urgent"] = urgent_pickups(problem, plan, args.urgent, rng)
    if "breakdown" in parts:
        out["breakdown"] = breakdowns(
            problem, plan, args.breakdowns, rng, args.breakdown_time_limit
        )
    if "stability" in parts:
        out["stability"], today, optimised = stable_day(
            problem, plan, rng, args.stable_time_limit, args.seed
        )
        # The same from an optimised plan: the changed day's warm-started plan, then +5 % again.
        out["stability_from_optimised"], _, _ = stable_day(
            today, optimised, rng, args.stable_time_limit, args.seed
        )
    if "balance" in parts:
        out["balance"] = balanced(problem, plan, args.balance_time_limit, args.seed)
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
