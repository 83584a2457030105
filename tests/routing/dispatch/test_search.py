"""The parts of the search: the ledger of drafts, where a visit may go, moving visits."""

from __future__ import annotations

import random

from routing.dispatch.ledger import Ledger
from routing.dispatch.objective import Objective, reference_of
from routing.dispatch.opening import open_day
from routing.dispatch.placement import Placement
from routing.dispatch.relocation import Relocation
from routing.dispatch.requests import COST_ONLY, Locks
from routing.dispatch.search import Search
from routing.plan import Plan
from routing.problem import Problem


def _ledger(problem: Problem, plan: Plan, locks: Locks | None = None) -> Ledger:
    day = open_day(problem, plan, locks=locks or Locks())
    return Ledger(day, Objective(COST_ONLY, reference_of(plan.routes)))


def test_the_ledger_keeps_scores_and_loads_through_a_trial(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    ledger = _ledger(problem, plan)
    before, taken = ledger.total(), dict(ledger.taken)
    saved = ledger.snapshot()
    index = next(i for i, t in enumerate(ledger.day.timed) if t.route is not None)
    emptied = ledger.day.drafts[index].copy()
    emptied.flex = []
    timed = ledger.day.timer.time(emptied)
    assert timed is not None
    ledger.put(index, emptied, timed)
    assert ledger.version[index] == 1
    assert ledger.total() < before
    assert ledger.taken != taken
    ledger.restore(saved)
    assert ledger.total() == before
    assert {f: kg for f, kg in ledger.taken.items() if kg} == {
        f: kg for f, kg in taken.items() if kg
    }


def test_a_locked_route_takes_no_visit(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    route = plan.routes[0]
    ledger = _ledger(problem, plan, Locks(routes=frozenset({(route.vehicle_id, route.shift_id)})))
    placement = Placement(ledger)
    index = next(
        i
        for i, d in enumerate(ledger.day.drafts)
        if (d.vehicle_id, d.shift_id) == (route.vehicle_id, route.shift_id)
    )
    key = (route.trips[0].visits[0].point_id, route.trips[0].visits[0].visit)
    assert placement.refusal(key, index) == "LOCK: the route is locked or over"
    assert placement.best(key, index) is None


def test_every_place_offered_is_timed_and_cheapest_first(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    ledger = _ledger(problem, plan)
    placement = Placement(ledger)
    point = problem.points[0]
    home = ledger.day.at[(point.id, 0)]
    options = [
        o
        for i in range(len(ledger.day.drafts))
        if i != home and placement.refusal((point.id, 0), i) is None
        for o in placement.options((point.id, 0), i)
    ]
    for option in options:
        assert option.timed.route is not None
    for index in {o.index for o in options}:
        deltas = [o.delta for o in options if o.index == index]
        assert deltas == sorted(deltas)


def test_neighbours_are_of_the_same_stream(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    ledger = _ledger(problem, plan)
    relocation = Relocation(ledger, Placement(ledger))
    point = problem.points[0]
    near = relocation.neighbours(point.id)
    assert near and point.id not in near
    assert all(problem.point_by_id[p].stream is point.stream for p in near)


def test_moves_never_raise_the_objective(district: tuple[Problem, Plan]) -> None:
    problem, plan = district
    day = open_day(problem, plan)
    search = Search(day, Objective(COST_ONLY, reference_of(plan.routes)))
    before = search.total()
    keys = [k for d in day.drafts if d.movable for k in d.flex_visits()]
    moves = search.relocate(keys, deadline=float("inf"), rng=random.Random(0), rounds=1)
    assert moves > 0
    assert search.total() < before
