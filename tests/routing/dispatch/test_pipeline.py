"""The pipeline every dispatch operation takes: open the day, search, settle, finish."""

from __future__ import annotations

import pytest

from routing.dispatch import reoptimise
from routing.dispatch.errors import DispatchError
from routing.dispatch.pipeline import (
    Budget,
    Opened,
    Run,
    against,
    move_every_visit,
    move_the_placed,
    reopen,
    run_operation,
)
from routing.dispatch.requests import COST_ONLY
from routing.plan import Plan
from routing.problem import Problem
from tests.routing.dispatch.helpers import assert_valid


def test_steps_run_in_order_and_the_report_ends_with_the_seconds(
    district: tuple[Problem, Plan],
) -> None:
    problem, plan = district
    steps: list[str] = []

    def opening() -> Opened:
        steps.append("open")
        return Opened(reopen(problem, plan), [], {"opened": True})

    def searching(run: Run) -> None:
        steps.append("search")
        assert run.day.pool == [] and run.moves == 0
        run.noted["searched"] = True

    def facts(run: Run) -> dict[str, object]:
        steps.append("facts")
        return {**run.noted, **run.objective_facts()}

    result = run_operation(
        "look",
        opening,
        searching,
        objective=against(COST_ONLY, plan),
        budget=Budget(10.0, 0, 1),
        facts=facts,
    )
    assert steps == ["open", "search", "facts"]
    assert list(result.facts) == [
        "opened",
        "searched",
        "objective_before_fen",
        "objective_after_fen",
        "seconds",
    ]
    assert result.facts["objective_after_fen"] == result.facts["objective_before_fen"]
    assert result.operation == "look" and result.plan.meta["dispatch"] == "look"
    assert result.disruption.changes == ()
    assert_valid(problem, result.plan)


def test_moving_every_visit_is_what_reoptimise_does(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    budget = Budget(20.0, 3, 2)
    result = run_operation(
        "reoptimise",
        lambda: Opened(reopen(problem, plan)),
        move_every_visit,
        objective=against(COST_ONLY, plan),
        budget=budget,
        facts=lambda run: {"moves": run.moves},
    )
    same = reoptimise(problem, plan, time_limit_s=20.0, seed=3, rounds=2, retry_unserved=False)
    assert result.plan.routes == same.plan.routes
    assert result.facts["moves"] == same.facts["moves"]


def test_nothing_to_place_leaves_the_plan_as_it_is(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    result = run_operation(
        "nothing",
        lambda: Opened(reopen(problem, plan)),
        lambda run: None,
        objective=against(COST_ONLY, plan),
        budget=Budget(10.0, 0, 0),
        facts=lambda run: {},
    )
    assert result.plan.routes == plan.routes
    assert list(result.facts) == ["seconds"]


def test_placing_with_no_rounds_places_but_moves_nothing(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    result = run_operation(
        "place",
        lambda: Opened(reopen(problem, plan)),
        move_the_placed,
        objective=against(COST_ONLY, plan),
        budget=Budget(10.0, 0, 0),
        facts=lambda run: {"moves": run.moves},
    )
    assert result.facts["moves"] == 0
    assert result.plan.routes == plan.routes


def test_a_plan_that_breaks_rules_is_not_opened(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    broken = Plan(plan.problem_name, plan.routes[1:], plan.unserved)
    with pytest.raises(DispatchError):
        reopen(problem, broken)
