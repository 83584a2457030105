"""Balance and compactness: how evenly work is shared and how separate the routes' areas are.

- **Balance**: the longest route's working time (depot to depot) over the shortest's, over every
  route of the plan, and per vehicle type.
- **Overlap**: routes of the same shift and stream should cover separate areas. A route's area is
  the convex hull of its visited points, widened by :data:`AREA_MARGIN_M`; in each (shift,
  stream) group, the overlap is the share of the routes' summed area that lies in more than one
  route (1 − union / sum); the plan's figure sums over groups.

:func:`rebalance` improves both, as far as their weights against cost say, by moving visits
between routes within the rules, and by giving part of a long route to a free vehicle-shift of
its kind (:class:`~routing.dispatch.requests.Weights`: ``balance_fen``
per squared hour of a route's working time away from the mean, ``compact_fen_per_km`` per km
between a visit and its route's centre).
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import shapely

from routing.dispatch.day import Day
from routing.dispatch.objective import Objective, local_xy, reference_of
from routing.dispatch.pipeline import Budget, Opened, Run, reopen, run_operation
from routing.dispatch.requests import NO_LOCKS, Locks, Weights
from routing.dispatch.result import DispatchResult
from routing.dispatch.search import Search
from routing.params import SolveParams
from routing.plan import Plan, Route
from routing.problem import Problem
from routing.units import HOUR

AREA_MARGIN_M = 50.0
#: Default weights, chosen on the district baseline (BENCHMARKS.md): an hour of a route's working
#: time away from the mean costs 600 CNY squared, a km between a visit and its route's centre
#: 15 CNY; from the greedy plan the search brought the longest/shortest route under 1.25 and
#: about halved the overlap of route areas (from the optimiser's plan it does not: 1.5-1.6).
BALANCED = Weights(balance_fen=60_000.0, compact_fen_per_km=1_500.0)


@dataclass(frozen=True, slots=True)
class BalanceKpis:
    """Balance and compactness of a plan (see the module's description)."""

    routes: int
    longest_h: float
    shortest_h: float
    ratio: float
    ratio_by_type: dict[str, float]
    overlap: float
    overlap_by_group: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "routes": self.routes,
            "longest_h": self.longest_h,
            "shortest_h": self.shortest_h,
            "longest_over_shortest": self.ratio,
            "ratio_by_vehicle_type": self.ratio_by_type,
            "overlap_share": self.overlap,
            "overlap_by_shift_and_stream": self.overlap_by_group,
        }


def _ratio(hours: list[float]) -> float:
    if not hours:
        return 1.0
    return round(max(hours) / min(hours), 3) if min(hours) > 0 else float("inf")


def _main_stream(route: Route) -> str:
    counts = Counter(t.stream.value for t in route.trips for _ in t.visits)
    return counts.most_common(1)[0][0] if counts else ""


def balance_kpis(problem: Problem, plan: Plan) -> BalanceKpis:
    """The balance and overlap figures of ``plan``."""
    hours = [(r.end_s - r.start_s) / HOUR for r in plan.routes]
    by_type: dict[str, list[float]] = defaultdict(list)
    for route, h in zip(plan.routes, hours, strict=True):
        by_type[problem.vehicle_by_id[route.vehicle_id].type_id].append(h)
    xy = local_xy(problem.points)
    groups: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for route in plan.routes:
        spots = [xy[s.point_id] for t in route.trips for s in t.visits]
        if spots:
            area = shapely.MultiPoint(spots).convex_hull.buffer(AREA_MARGIN_M)
            groups[f"{route.shift_id}/{_main_stream(route)}"].append(area)
    overlap_by_group: dict[str, float] = {}
    total = shared = 0.0
    for name, areas in sorted(groups.items()):
        summed = sum(a.area for a in areas)
        union = shapely.union_all(areas).area
        overlap_by_group[name] = round(1 - union / summed, 4) if summed else 0.0
        total += summed
        shared += summed - union
    return BalanceKpis(
        routes=len(plan.routes),
        longest_h=round(max(hours, default=0.0), 3),
        shortest_h=round(min(hours, default=0.0), 3),
        ratio=_ratio(hours),
        ratio_by_type={t: _ratio(h) for t, h in sorted(by_type.items())},
        overlap=round(shared / total, 4) if total else 0.0,
        overlap_by_group=overlap_by_group,
    )


def _by_work(search: Search, *, longest_first: bool = False) -> list[int]:
    """The drafts with a route that may change, shortest working time first (or longest)."""
    day = search.day
    sign = -1 if longest_first else 1
    return sorted(
        (i for i, t in enumerate(day.timed) if t.route is not None and day.drafts[i].movable),
        key=lambda i: sign * day.timed[i].work_s,
    )


def _split_a_longest(problem: Problem, search: Search, deadline: float) -> bool:
    """One of the ``balance_split_tries`` longest routes gives its last trip to a free vehicle-shift
    of its vehicle type (its own shift first), and visits move to it
    (:meth:`~routing.dispatch.search.Search.split`); whether one was kept."""
    day = search.day

    def kind(index: int) -> str:
        return problem.vehicle_by_id[day.drafts[index].vehicle_id].type_id

    longest = _by_work(search, longest_first=True)[: day.timer.params.balance_split_tries]
    free: dict[tuple[str, str, int, int], int] = {}
    for i, draft in enumerate(day.drafts):
        if day.timed[i].route is None and draft.movable and not draft.flex:
            free.setdefault((kind(i), draft.shift_id, draft.start_s, draft.latest_end_s), i)
    for index in longest:
        shift = day.drafts[index].shift_id
        targets = sorted(
            (k[1] != shift, target) for k, target in free.items() if k[0] == kind(index)
        )
        for _, target in targets:
            if time.perf_counter() > deadline:
                return False
            if search.split(index, target, deadline=deadline):
                return True
    return False


def _even_out(problem: Problem, run: Run) -> None:
    """Move visits round after round, each time also to the shortest routes; then split long
    routes onto free vehicle-shifts and close short ones where the objective falls (the routes
    opened and closed are noted)."""
    search, deadline = run.search, run.deadline
    keys = [k for d in run.day.drafts if d.movable for k in d.flex_visits()]
    rng = random.Random(run.budget.seed)
    extra = run.day.timer.params.balance_shortest
    for _ in range(run.budget.rounds):
        shortest = _by_work(search)[:extra]
        made = search.relocate(keys, deadline=deadline, rng=rng, rounds=1, extra_drafts=shortest)
        run.moves += made
        if not made or time.perf_counter() > deadline:
            break
    opened = 0
    while time.perf_counter() < deadline and _split_a_longest(problem, search, deadline):
        opened += 1
    closed = 0
    for index in _by_work(search)[:extra]:
        # A route far shorter than the rest: its visits may do better on the others.
        if time.perf_counter() < deadline and search.close(index, deadline=deadline):
            closed += 1
    run.noted |= {"routes_opened": opened, "routes_closed": closed}


def rebalance(
    problem: Problem,
    plan: Plan,
    *,
    weights: Weights = BALANCED,
    locks: Locks = NO_LOCKS,
    time_limit_s: float = 30.0,
    seed: int = 0,
    rounds: int = 4,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` with visits moved between routes for balance and compactness, as ``weights``
    weigh them against cost; locked routes, trips and visits stay. ``params``: the tuning
    constants (the defaults when None)."""

    def objective(day: Day) -> Objective:
        routes = [t for t in day.timed if t.route is not None]
        mean = sum(t.work_s for t in routes) / len(routes) if routes else 0.0
        return Objective(weights, reference_of(plan.routes), mean, local_xy(problem.points))

    result = run_operation(
        "rebalance",
        lambda: Opened(reopen(problem, plan, locks=locks, params=params)),
        lambda run: _even_out(problem, run),
        objective=objective,
        budget=Budget(time_limit_s, seed, rounds),
        facts=lambda run: {"moves": run.moves, **run.noted, **run.objective_facts()},
    )
    kpis = {
        "balance_before": balance_kpis(problem, plan).to_dict(),
        "balance_after": balance_kpis(problem, result.plan).to_dict(),
    }
    return dataclasses.replace(result, facts={**result.facts, **kpis})
