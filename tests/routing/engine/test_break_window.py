"""A crew's break with a start window (a lunch, here 05:30–06:00), kept by every planner.

The engine takes it as the validator reads it: a route begun before the window closes and still
out after takes the break, starting within the window. The greedy planner, the optimiser and a
dispatch operation each plan a generated district whose crews all have the window, and the
validator judges their plans.
"""

from __future__ import annotations

import dataclasses

import pytest

from routing.dispatch import Breakdown, breakdown
from routing.domain import TimeWindow
from routing.engine import BreakRule
from routing.plan import Plan
from routing.problem import Problem
from routing.problem_file import problem_from_dict, problem_to_dict
from routing.solve import plan_greedy, solve
from routing.units import HOUR, MINUTE
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

LUNCH = TimeWindow(5 * HOUR + 30 * MINUTE, 6 * HOUR)  # the first shift runs 04:30–10:30


@pytest.fixture(scope="module")
def problem() -> Problem:
    base = generate_district(
        BoxSampler(116.38, 39.90, 116.44, 39.94), seed=4, spec=DistrictSpec(scale=0.06)
    )
    crews = tuple(
        dataclasses.replace(c, break_window=LUNCH, break_s=30 * MINUTE) for c in base.crews
    )
    return base.replace(crews=crews)


def lunches_kept(problem: Problem, plan: Plan) -> int:
    """The routes that span the window's end, each asserted to lunch within it."""
    spanning = [r for r in plan.routes if r.start_s < LUNCH.end_s < r.end_s]
    for route in spanning:
        assert any(LUNCH.start_s <= b.start_s <= LUNCH.end_s for b in route.breaks), route
    return len(spanning)


def test_the_rule_is_due_only_for_a_route_spanning_the_windows_end() -> None:
    rule = BreakRule(4 * HOUR, HOUR, TimeWindow(11 * HOUR, 12 * HOUR))
    assert rule.due(8 * HOUR, 12 * HOUR + 1) and not rule.due(8 * HOUR, 12 * HOUR)
    assert not rule.due(12 * HOUR + 30 * MINUTE, 16 * HOUR)  # begun after the window
    assert rule.taken(10 * HOUR + 30 * MINUTE).start_s == 11 * HOUR  # waits for the opening
    assert rule.pause_s(10 * HOUR + 30 * MINUTE) == 90 * MINUTE
    leaves = [8 * HOUR, 11 * HOUR + 50 * MINUTE, 12 * HOUR + 5 * MINUTE]
    assert rule.places(0, leaves) == [1, 0]


def test_the_greedy_planner_lunches_within_the_window(problem: Problem) -> None:
    plan = plan_greedy(problem)
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    assert lunches_kept(problem, plan) > 0
    assert len(plan.unserved) < len(problem.points) // 10


def test_the_optimiser_lunches_within_the_window(problem: Problem) -> None:
    plan = solve(problem, time_limit_s=60, seed=1, max_iterations=100)
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    assert lunches_kept(problem, plan) > 0


def test_a_breakdown_replans_with_the_lunch_kept(problem: Problem) -> None:
    plan = plan_greedy(problem)
    route = next(r for r in plan.routes if r.start_s < LUNCH.end_s < r.end_s)
    result = breakdown(problem, plan, Breakdown(route.vehicle_id, 5 * HOUR), rounds=1)
    report = validate(problem, result.plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    lunches_kept(problem, result.plan)


def test_the_window_is_written_and_read_back(problem: Problem) -> None:
    raw = problem_to_dict(problem)
    assert raw["crews"][0]["break_window"] == "05:30-06:00"
    assert problem_from_dict(raw).crews[0].break_window == LUNCH
    raw["crews"][0]["break_window"] = "10:00-09:00"
    with pytest.raises(Exception, match="break_window"):
        problem_from_dict(raw)
