"""The machine's cores (:func:`routing.calendar.planner.plan_calendar` with ``cores``): a search
per core, the best calendar of all kept and the route pools of all recombined, and what comes
back passes the judge."""

from __future__ import annotations

import pickle
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import pytest

from routing.calendar.judge import validate_calendar
from routing.calendar.model import CalendarProblem
from routing.calendar.planner import UNSERVED_FEN, CalendarPlanner, plan_calendar
from routing.calendar.pool import RoutePool
from routing.kpi import compute_kpis


def test_two_searches_keep_the_best_calendar_of_both_and_it_passes_the_judge(
    milano: CalendarProblem,
) -> None:
    reported: list[float] = []
    plan = plan_calendar(
        milano,
        seed=3,
        time_limit_s=120,
        day_iterations=100,
        rounds=4,
        cores=2,
        progress=lambda done, cost: reported.append(done),
    )
    # The bar moves forward to its end: the search's own share first, then the whole.
    assert reported == sorted(reported) and reported[-1] == 1.0 and reported[-2] < 1.0
    stats = plan.stats
    assert stats["searches"] == 2 and stats["searches_lost"] == 0
    assert len(stats["search_costs_fen"]) == 2
    # The other search ran from a seed of its own: a calendar of its own, as the first would
    # not have made it (its cost is that of a plan by that seed alone).
    alone = plan_calendar(milano, seed=3, time_limit_s=120, day_iterations=100, rounds=4)
    assert stats["search_costs_fen"][0] == alone.stats["cost_fen"]
    assert stats["cost_fen"] <= min(stats["search_costs_fen"])
    days = sum(
        compute_kpis(milano.day_problem(d, plan.patterns), p).cost_fen
        + UNSERVED_FEN * len(p.unserved)
        for d, p in enumerate(plan.days)
    )
    assert stats["cost_fen"] == round(days)
    assert validate_calendar(milano, plan).ok


def test_the_best_of_several_calendars_scores_lowest_and_is_recombined_from(
    milano: CalendarProblem,
) -> None:
    """Two calendars of one problem, each with the routes its own search pooled: the cheaper is
    kept, and the pools together recombine to no dearer a calendar that passes the judge."""
    searches = []
    for seed in (1, 2):
        planner = CalendarPlanner(milano, seed=seed, day_iterations=60)
        plan = planner.plan(time_limit_s=60, rounds=2)
        assert planner.pool is not None
        searches.append((planner, plan))
    (first, mine), (second, theirs) = searches
    own = len(first.pool or ())
    best = first.best_of([mine, theirs], [second.pool.routes if second.pool else None], seconds=10)
    assert len(first.pool or ()) >= own  # the other's routes joined the pool
    assert best.stats["searches"] == 2
    assert best.stats["chosen_search"] == (
        0 if mine.stats["cost_fen"] <= theirs.stats["cost_fen"] else 1
    )
    assert best.stats["cost_fen"] <= min(mine.stats["cost_fen"], theirs.stats["cost_fen"])
    assert validate_calendar(milano, best).ok


def test_a_pool_absorbs_another_keeping_the_cheaper_route_of_each_point_set(
    milano: CalendarProblem,
) -> None:
    planner = CalendarPlanner(milano, seed=1, day_iterations=60)
    patterns = planner.construct()
    day = planner.route_day(0, patterns, 5)
    mine, theirs = RoutePool(milano), RoutePool(milano)
    problem = milano.day_problem(0, patterns)
    mine.add(0, problem, day.plan)
    theirs.add(0, problem, day.plan)
    klass = theirs.classes[0]
    key, pooled = next(iter(theirs.routes[klass].items()))
    cheaper = {
        klass: {key: type(pooled)(pooled.group, pooled.points, pooled.cost - 1, pooled.route)}
    }
    mine.absorb(cheaper)
    assert mine.routes[klass][key].cost == pooled.cost - 1
    dearer = {
        klass: {key: type(pooled)(pooled.group, pooled.points, pooled.cost + 5, pooled.route)}
    }
    mine.absorb(dearer)
    assert mine.routes[klass][key].cost == pooled.cost - 1
    assert len(mine) == len(theirs)


def test_a_short_budget_runs_one_search_whatever_the_cores(milano: CalendarProblem) -> None:
    plan = plan_calendar(milano, seed=3, time_limit_s=5, day_iterations=50, rounds=1, cores=2)
    assert "searches" not in plan.stats  # this process's search alone
    assert validate_calendar(milano, plan).ok


def test_the_other_searches_are_given_the_problem_already_pickled(
    milano: CalendarProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process pool pickles what it is given in a thread of its own, while this process's
    search runs and fills the problem's caches (a dictionary that changed size while it was
    pickled failed a plan once): no object the search may change is handed to the pool."""
    given: list[tuple[object, ...]] = []

    class Recording(ProcessPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            given.append(args)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr("routing.calendar.planner.ProcessPoolExecutor", Recording)
    plan = plan_calendar(milano, seed=1, time_limit_s=60, day_iterations=20, rounds=1, cores=2)
    assert plan.stats["searches"] == 2 and plan.stats["searches_lost"] == 0
    assert len(given) == 1
    assert all(isinstance(a, bytes | int | float | tuple) for a in given[0])
    problem, previous = pickle.loads(next(a for a in given[0] if isinstance(a, bytes)))
    assert problem.name == milano.name and previous is None
