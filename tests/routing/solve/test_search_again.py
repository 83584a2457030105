"""The reserve the repairs did not need goes to a second search from the plan's routes: the
returned plan is the better of the two, the run keeps to its time limit, and under an iteration
budget (or with too little time left) no second search is made."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from routing.kpi import compute_kpis
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import Stop, optimise
from routing.solve import optimiser as optimiser_module
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)
#: A large reserve on a short run: most of it is left after the repairs.
ROOMY = SolveParams(reserve_min_s=2.0, reserve_share=0.5, second_search_min_s=0.5)


@pytest.fixture
def problem() -> Problem:
    return generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.05))


@pytest.fixture
def assembled(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Plan]]:
    """Every plan the optimiser assembles from its searches, in order."""
    plans: list[Plan] = []
    assemble = optimiser_module._assemble

    def recording(*args: object, **kwargs: object) -> tuple[Plan, int]:
        plan, placed = assemble(*args, **kwargs)  # type: ignore[arg-type]
        plans.append(plan)
        return plan, placed

    monkeypatch.setattr(optimiser_module, "_assemble", recording)
    yield plans


def _rank(problem: Problem, plan: Plan) -> tuple[bool, int, int]:
    return (
        not validate(problem, plan).ok,
        len(plan.unserved),
        compute_kpis(problem, plan).cost_fen,
    )


def test_the_reserve_left_goes_to_a_second_search_and_the_better_plan_is_kept(
    problem: Problem, assembled: list[Plan]
) -> None:
    began = time.perf_counter()
    plan = optimise(problem, stop=Stop(5.0), seed=1, workers=1, portfolio=False, params=ROOMY)
    seconds = time.perf_counter() - began
    assert len(assembled) == 2
    first = assembled[0]
    assert plan.routes == min(assembled, key=lambda p: _rank(problem, p)).routes
    assert _rank(problem, plan) <= _rank(problem, first)
    assert validate(problem, plan).ok
    assert seconds < 5.0 + 1.0  # the second search keeps within the run's limit


def test_no_second_search_under_an_iteration_budget(
    problem: Problem, assembled: list[Plan]
) -> None:
    optimise(
        problem, stop=Stop(60.0, iterations=50), seed=1, workers=1, portfolio=False, params=ROOMY
    )
    assert len(assembled) == 1


def test_no_second_search_when_too_little_time_is_left(
    problem: Problem, assembled: list[Plan]
) -> None:
    cramped = SolveParams(reserve_min_s=2.0, reserve_share=0.5, second_search_min_s=30.0)
    optimise(problem, stop=Stop(5.0), seed=1, workers=1, portfolio=False, params=cramped)
    assert len(assembled) == 1
