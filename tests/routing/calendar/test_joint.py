"""Days routed together (:mod:`routing.calendar.joint`): which points a set of days frees, and
that the joint routing's choice of days makes a badly split calendar cheaper."""

from __future__ import annotations

from routing.calendar import joint
from routing.calendar.judge import validate_calendar
from routing.calendar.model import CalendarProblem
from routing.calendar.plan import CalendarPlan
from routing.calendar.planner import CalendarPlanner, plan_calendar


def test_a_set_of_days_frees_the_points_it_may_serve_on_one_day_or_another(
    milano: CalendarProblem,
) -> None:
    patterns = {r.point_id: milano.patterns(r.point_id)[0] for r in milano.rules}
    free = joint.freed(milano, patterns, (0, 1))
    for rule in milano.rules:
        days = milano.service_days(rule.point_id, patterns[rule.point_id])
        options = free.options.get(rule.point_id)
        if len(days) == 2:  # {0, 2} or {1, 3}: one day of the two each
            assert options == {0: (0, 2), 1: (1, 3)}
        elif len(days) == 1 and days[0] in (0, 1):  # once a week, on day 0 or 1: either
            assert options == {0: (0,), 1: (1,)}
        else:  # every day, or once on a day outside the set
            assert options is None
    # Every day of the horizon: the twice-weekly points would be served on two of its days.
    everyday = joint.freed(milano, patterns, (0, 1, 2, 3))
    assert all(len(milano.service_days(p, patterns[p])) == 1 for p in everyday.options)
    sets = joint.best_sets(milano, patterns, most=3)
    assert len(sets) == 3 and all(len(s) == 2 for s in sets)


def test_on_a_long_horizon_the_sets_weighed_stay_few(milano: CalendarProblem) -> None:
    """A fortnight has 16,369 sets of two days or more: only the 91 pairs are weighed (every
    set up to eight days, the smaller first beyond)."""
    fortnight = CalendarProblem(milano.name, milano.base, 14, milano.rules, milano.days)
    patterns = {r.point_id: fortnight.patterns(r.point_id)[0] for r in fortnight.rules}
    sets = joint.best_sets(fortnight, patterns, most=200)
    assert sets and all(len(s) == 2 for s in sets) and len(sets) <= 91


def test_the_days_routed_together_split_a_badly_split_calendar_better(
    milano: CalendarProblem,
) -> None:
    """Twice-weekly points put on their days by alternating round the depot (each day's points
    spread over the whole town): the joint routing of days 0 and 1 moves points between the
    two patterns, and the calendar with its days planned again costs less."""
    planner = CalendarPlanner(milano, seed=1, day_iterations=200)
    depot = milano.base.depots[0].location
    twice = sorted(
        (r.point_id for r in milano.rules if len(milano.patterns(r.point_id)) == 2),
        key=lambda p: (
            (milano.base.point_by_id[p].location.lon - depot.lon) ** 2
            + (milano.base.point_by_id[p].location.lat - depot.lat) ** 2
        ),
    )
    patterns = planner.construct()
    for k, point_id in enumerate(twice):
        patterns[point_id] = milano.patterns(point_id)[k % 2]
    days = [planner.route_day(d, patterns, 5) for d in range(milano.horizon_days)]
    moved = joint.propose(
        milano, patterns, [d.plan for d in days], (0, 1), seconds=60, iterations=1000, seed=1
    )
    assert moved
    assert all(milano.patterns(p).count(q) == 1 and q != patterns[p] for p, q in moved.items())
    after = patterns | moved
    again = [planner.route_day(d, after, 5, final=True) for d in range(milano.horizon_days)]
    before = [planner.route_day(d, patterns, 5, final=True) for d in range(milano.horizon_days)]
    assert sum(d.cost_fen for d in again) < sum(d.cost_fen for d in before)
    assert validate_calendar(
        milano, CalendarPlan(milano.name, after, tuple(d.plan for d in again))
    ).ok


def test_the_planner_makes_joint_moves_on_independent_days(milano: CalendarProblem) -> None:
    plan = plan_calendar(milano, seed=1, time_limit_s=120, day_iterations=150, rounds=6)
    assert plan.stats["joint_moves"] >= 1
    assert validate_calendar(milano, plan).ok
