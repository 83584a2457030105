"""The optimiser's progress: reported while it searches, and without changing its plan."""

from __future__ import annotations

import itertools
import time

from routing.solve import Stop, solve
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


def test_progress_does_not_change_the_plan_of_a_seed() -> None:
    problem = generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.05))
    reports: list[tuple[float, int | None]] = []

    def plan(**options: object) -> tuple[object, object]:
        result = solve(
            problem,
            time_limit_s=120.0,  # the iterations bound the search, not the clock
            seed=1,
            max_iterations=150,
            workers=1,
            **options,  # type: ignore[arg-type]
        )
        return result.routes, result.unserved

    assert plan() == plan(progress=lambda f, c: reports.append((f, c)))
    assert reports[0][0] == 0.0 and reports[-1][0] == 1.0


def test_progress_is_reported_through_the_search_with_the_best_cost() -> None:
    problem = generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.05))
    began = time.monotonic()
    reports: list[tuple[float, float, int | None]] = []
    solve(
        problem,
        time_limit_s=4.0,
        seed=1,
        workers=1,
        progress=lambda f, c: reports.append((time.monotonic() - began, f, c)),
    )
    times = [t for t, _, _ in reports]
    fractions = [f for _, f, _ in reports]
    assert max(b - a for a, b in itertools.pairwise(times)) < 1.5, reports
    assert fractions == sorted(fractions) and 0.0 < fractions[len(fractions) // 2] < 1.0
    # The greedy plan's cost from the start of the search, then never higher.
    costs = [c for _, _, c in reports[1:] if c is not None]
    assert len(costs) == len(reports) - 1 and costs[-1] <= costs[0]


def test_a_solve_reports_its_run_in_typed_statistics() -> None:
    problem = generate_district(BOX, seed=5, spec=DistrictSpec(scale=0.05))
    stop = Stop(60.0, iterations=100)
    plan = solve(problem, stop=stop, seed=1, workers=1)
    stats = plan.stats
    assert stats is not None and stats.engine == "optimiser"
    assert (stats.seed, stats.time_limit_s, stats.iterations) == (1, 60.0, 100)
    assert stats.chosen == plan.meta["solver"]
    assert [phase for phase, _ in stats.phases][:3] == ["greedy", "allocation", "sub-problems"]
    assert sum(stats.phase_seconds.values()) <= stats.seconds + 0.01
    assert stats.optimiser is not None and stats.greedy is not None
    assert len(plan.unserved) == min(stats.optimiser.unserved, stats.greedy.unserved)
    greedy = solve(problem, stop=stop, engine="greedy", seed=1).stats
    assert greedy is not None and greedy.engine == greedy.chosen == "greedy"
