"""The calendar search's compound moves where the days are independent: a point moved to a day
where another makes room by leaving it (priced together, :meth:`CalendarPlanner._sketch`), and
the kick towards a level fleet (:meth:`CalendarPlanner._levelling_kick`)."""

from __future__ import annotations

import time

import pytest

from routing.calendar.judge import validate_calendar
from routing.calendar.model import CalendarProblem, DayResources
from routing.calendar.plan import CalendarPlan
from routing.calendar.planner import UNSERVED_FEN, CalendarPlanner, _Day, _Route, _State, _Trip
from routing.plan import Plan


def test_a_move_alone_is_priced_by_the_sketch_as_the_pattern_moves_price_it(
    milano: CalendarProblem,
) -> None:
    planner = CalendarPlanner(milano, seed=1, day_iterations=50)
    patterns = planner.construct()
    state = _State(patterns, [planner.route_day(d, patterns, 5) for d in range(4)])
    before = [
        [(r.slack_s, [list(t.points) for t in r.trips]) for r in d.routes] for d in state.days
    ]
    priced = [(p, q, delta) for p in planner.movable for delta, q in planner._priced(state, p)]
    assert priced
    for point_id, option, delta in priced:
        assert planner._sketch(state, ((point_id, option),)) == pytest.approx(delta)
    assert planner._pairs(state)
    # The sketches work on copies: the state's routes are as they were.
    after = [[(r.slack_s, [list(t.points) for t in r.trips]) for r in d.routes] for d in state.days]
    assert after == before


def test_a_full_day_takes_a_point_where_another_leaves_it(milano: CalendarProblem) -> None:
    """One truck a day. Day 0's one trip holds ``b`` alone and is full (load and hours): ``a``
    can join day 0 only as ``b`` leaves it, and the pair is priced so."""
    base = milano.base
    solo = CalendarProblem(
        milano.name,
        base,
        milano.horizon_days,
        milano.rules,
        tuple(DayResources(d, vehicles=(base.vehicles[0].id,)) for d in range(4)),
    )
    planner = CalendarPlanner(solo, seed=1)
    leg = planner.legs[base.points[0].stream]
    depot = base.depots[0].id
    capacity = base.vehicle_types[0].capacity_kg
    kg = {p.id: solo.visit_amounts(p.id)[0] for p in base.points}

    def facility(p: str) -> str:
        return min((f.id for f in base.facilities), key=lambda f: leg(p, f) + leg(f, depot))

    def extra(p: str) -> float:  # a trip of p alone, against going home from the depot
        return leg(depot, p) + leg(p, facility(p)) + leg(facility(p), depot)

    def saving(p: str) -> float:  # p's trip, alone, against going to its facility
        return leg(depot, p) + leg(p, facility(p)) - leg(depot, facility(p))

    def instead(p: str, of: str) -> float:  # p in of's place in of's trip
        return leg(depot, p) + leg(p, facility(of)) - leg(depot, facility(of))

    def seconds(fen: float, p: str) -> float:
        return fen * leg.seconds_per_fen + base.point_by_id[p].service_s

    leaving = [p for p in planner.movable if any(0 not in q for q in solo.patterns(p))]
    b = max(leaving, key=saving)
    joining = [
        p
        for p in planner.movable
        if p != b
        and kg[p] <= kg[b]
        and seconds(instead(p, b), p) <= seconds(saving(b), b)
        and any(0 in q for q in solo.patterns(p))
        and any(0 not in q for q in solo.patterns(p))
    ]
    assert joining
    a = joining[0]
    patterns = {r.point_id: solo.patterns(r.point_id)[0] for r in solo.rules}
    patterns[a] = next(q for q in solo.patterns(a) if 0 not in q)
    patterns[b] = next(q for q in solo.patterns(b) if 0 in q)
    full = _Route(
        base.vehicles[0].id, depot, [_Trip(base.points[0].stream, [b], facility(b), capacity)], 0.0
    )
    empty = Plan(solo.name, ())
    state = _State(patterns, [_Day(empty, 0, [full] if d == 0 else []) for d in range(4)])
    a_joins = next(q for q in solo.patterns(a) if 0 in q)
    b_leaves = next(q for q in solo.patterns(b) if 0 not in q)

    assert planner._sketch(state, ((a, a_joins),)) >= UNSERVED_FEN  # no room on day 0
    pair = planner._sketch(state, ((a, a_joins), (b, b_leaves)))
    assert pair < UNSERVED_FEN
    b_alone = planner._sketch(state, ((b, b_leaves),))
    a_elsewhere = sum(
        extra(a)
        for d in set(solo.service_days(a, a_joins)) - set(solo.service_days(a, patterns[a]))
        if d != 0
    )  # a truck not yet working those days
    assert pair <= b_alone + instead(a, b) + a_elsewhere + 1e-6


def test_the_levelling_kick_routes_a_busy_day_with_a_quieter_one(milano: CalendarProblem) -> None:
    """A day that works more trucks than another is routed with a quieter one, on a truck
    fewer: points leave it, and the calendar with its changed days planned again is valid."""
    planner = CalendarPlanner(milano, seed=1, day_iterations=100)
    patterns = planner.construct()
    for rule in milano.rules:  # every twice-weekly point on days 0 and 2: those days are busy
        options = milano.patterns(rule.point_id)
        if len(options) == 2:
            patterns[rule.point_id] = options[0]
    state = _State(patterns, [planner.route_day(d, patterns, 5) for d in range(4)])
    counts = [len(d.routes) for d in state.days]
    assert max(counts) > min(counts)
    kicked = planner._levelling_kick(state, time.monotonic() + 60)
    assert kicked is not None and planner.levelling_kicks == 1
    moved = {p for p, q in kicked.patterns.items() if q != state.patterns[p]}
    busy = {d for d, c in enumerate(counts) if c == max(counts)}
    assert any(set(milano.service_days(p, state.patterns[p])) & busy for p in moved)
    assert all(q in milano.patterns(p) for p, q in kicked.patterns.items())
    plan = CalendarPlan(milano.name, kicked.patterns, tuple(d.plan for d in kicked.days))
    assert validate_calendar(milano, plan).ok
