"""Fixtures of the dispatch tests: the riverside day and small generated districts."""

from __future__ import annotations

import pytest

from routing.plan import Plan
from routing.problem import Problem
from routing.solve import plan_greedy
from scenarios.district import BoxSampler, DistrictSpec, generate_district
from tests.factories import riverside, riverside_plan

BOX = BoxSampler(116.38, 39.90, 116.44, 39.94)


def small_district(seed: int, scale: float = 0.04) -> tuple[Problem, Plan]:
    """A generated district and its greedy plan (quick and deterministic)."""
    problem = generate_district(BOX, seed=seed, spec=DistrictSpec(scale=scale))
    return problem, plan_greedy(problem, seed=seed)


@pytest.fixture
def day() -> tuple[Problem, Plan]:
    """The riverside problem and its hand-made plan."""
    problem = riverside()
    return problem, riverside_plan(problem)


@pytest.fixture(scope="module")
def district() -> tuple[Problem, Plan]:
    """A generated district of about 60 points and its greedy plan."""
    return small_district(11)
