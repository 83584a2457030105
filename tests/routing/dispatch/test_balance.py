"""Balance and compactness figures, and re-balancing within the rules."""

from __future__ import annotations

import dataclasses

from routing.dispatch.balance import BALANCED, balance_kpis, rebalance
from routing.dispatch.requests import Weights
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.units import HOUR
from tests.factories import R, schedule
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_valid


def test_the_ratio_is_the_longest_route_over_the_shortest(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    hours = [(r.end_s - r.start_s) / HOUR for r in plan.routes]
    kpis = balance_kpis(problem, plan)
    assert kpis.routes == len(plan.routes)
    assert abs(kpis.ratio - max(hours) / min(hours)) < 1e-3


def test_routes_on_the_same_streets_overlap_and_apart_do_not(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    west = schedule(problem, "C1", "S1", "crew01", [(R, [("R1", 0), ("R2", 0)], "TS")])
    east = schedule(
        problem, "E1", "S1", "crew02", [(R, [("R3", 0), ("R4", 0)], "TS")], start_s=5 * HOUR
    )
    apart = dataclasses.replace(plan, routes=(west, east))
    assert balance_kpis(problem, apart).overlap_by_group["S1/residual"] == 0.0
    crossed_w = schedule(problem, "C1", "S1", "crew01", [(R, [("R1", 0), ("R3", 0)], "TS")])
    crossed_e = schedule(
        problem, "E1", "S1", "crew02", [(R, [("R2", 0), ("R4", 0)], "TS")], start_s=5 * HOUR
    )
    crossed = dataclasses.replace(plan, routes=(crossed_w, crossed_e))
    assert balance_kpis(problem, crossed).overlap_by_group["S1/residual"] > 0.0


def test_rebalancing_narrows_the_spread_within_the_rules(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    weights = Weights(balance_fen=20_000.0)
    result = rebalance(problem, plan, weights=weights, time_limit_s=30, rounds=2)
    assert_valid(problem, result.plan)
    before, after = result.facts["balance_before"], result.facts["balance_after"]
    assert after["longest_h"] - after["shortest_h"] <= before["longest_h"] - before["shortest_h"]
    assert result.facts["objective_after_fen"] <= result.facts["objective_before_fen"]


def test_long_routes_give_work_to_free_vehicles_of_their_kind() -> None:
    # A generated district whose greedy plan leaves vehicle-shifts free: single moves never open
    # one (a route of one visit is far below the mean), the split does.
    problem, plan = small_district(15)
    split = rebalance(problem, plan, weights=BALANCED, time_limit_s=30, seed=1)
    no_splits = SolveParams(balance_split_tries=0)
    single = rebalance(problem, plan, weights=BALANCED, time_limit_s=30, seed=1, params=no_splits)
    assert_valid(problem, split.plan)
    assert split.facts["routes_opened"] >= 1 and single.facts["routes_opened"] == 0
    assert len(split.plan.routes) > len(single.plan.routes)
    assert split.facts["objective_after_fen"] < single.facts["objective_after_fen"]
    ratio = "longest_over_shortest"
    assert split.facts["balance_after"][ratio] < single.facts["balance_after"][ratio]
