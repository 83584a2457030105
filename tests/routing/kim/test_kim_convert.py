"""Kim instances planned by the product's optimiser: the instance as a Problem, the plan back as a
Kim solution, and the Kim judge's verdict on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from routing.domain import TimeWindow, WasteStream
from routing.kim import (
    KimInstance,
    parse_kim,
    read_kim,
    solution_from_dict,
    solution_to_dict,
    validate_kim,
)
from routing.kim.convert import kim_feet, kim_problem, kim_solution, site_id
from routing.kim.travel import vehicle_bounds
from routing.plan import Break, Plan, Route, Trip, Unload, VisitStop
from routing.solve import solve
from routing.validation import validate

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "benchmarks" / "kim2006-wcvrptw"

# A depot open 06:00-18:00, two disposal sites (one open 07:00-17:00), eight stops (row 10
# carries nothing but must be visited). 30 mph is 44 ft/s: the legs are not whole seconds.
HARBOUR = """100\t// capacity
150\t// daily yards
5\t// daily stops
3600\t// lunch
30\t// mph
Stop_ID X Y Early Late Service Load Type
10 0 0 0600 1800 0 9999 0
20 8801 13 0000 2400 900 9999 2
21 -7003 2999 0700 1700 600 9999 2
31 1001 1003 0000 2400 300 30.5 1
32 1001 1003 0000 2400 300 20 1
33 -2011 505 0000 2400 240 40 1
34 -2017 -517 1000 1400 300 25 1
35 3007 -3001 0000 2400 180 35 1
36 3003 3011 0700 0930 300 0 1
37 -4123 1234 0000 2400 120 15.25 1
38 5555 -777 0000 2400 300 10 1
"""

# One vehicle, three stops of 90 minutes' service from 08:00: the day runs past noon.
LONG_DAY = """100\t// capacity
100\t// daily yards
10\t// daily stops
3600\t// lunch
30\t// mph
Stop_ID X Y Early Late Service Load Type
1 0 0 0800 1800 0 9999 0
2 8800 0 0000 2400 900 9999 2
3 1000 1000 0000 2400 5400 10 1
4 -2000 500 0000 2400 5400 10 1
5 3000 -3000 0000 2400 5400 10 1
"""


@pytest.fixture
def harbour() -> KimInstance:
    return parse_kim(HARBOUR, name="harbour")


def test_an_instance_is_a_problem_in_hundredths_of_a_yard(harbour: KimInstance) -> None:
    problem = kim_problem(harbour, fleet=3)
    assert [p.id for p in problem.points] == [site_id(harbour, r) for r in harbour.stops]
    assert [p.kg_per_day for p in problem.points] == [3050, 2000, 4000, 2500, 3500, 0, 1525, 1000]
    assert all(p.stream is WasteStream.RESIDUAL and p.litres_per_day == 0 for p in problem.points)
    assert problem.point_by_id["stop-6"].time_windows == (TimeWindow(10 * 3600, 14 * 3600),)
    assert problem.point_by_id["stop-8"].service_s == 300
    assert [(f.id, f.tipping_s, f.opening) for f in problem.facilities] == [
        ("disposal-1", 900, (TimeWindow(0, 86400),)),
        ("disposal-2", 600, (TimeWindow(7 * 3600, 17 * 3600),)),
    ]
    (truck,) = problem.vehicle_types
    assert (truck.capacity_kg, truck.daily_kg, truck.daily_stops) == (10_000, 15_000, 5)
    assert truck.cost_per_hour_fen == 0 and truck.fixed_cost_fen > 0
    assert len(problem.vehicles) == len(problem.crews) == 3
    (shift,) = problem.shifts
    assert (shift.start_s, shift.end_s) == (6 * 3600, 18 * 3600)
    crew = problem.crews[0]
    assert crew.break_window == TimeWindow(11 * 3600, 12 * 3600) and crew.break_s == 3600
    assert problem.rules.handover_s == 0


def test_the_matrix_is_never_quicker_than_the_judges_clock(harbour: KimInstance) -> None:
    problem = kim_problem(harbour)
    matrix = problem.travel["kim"]
    assert matrix.method == "given"
    order = [matrix.index[site_id(harbour, r)] for r in range(len(harbour.sites))]
    seconds = matrix.time_s[np.ix_(order, order)]
    exact = kim_feet(harbour) / (harbour.speed_mph * 5280 / 3600)
    assert (seconds >= exact).all()
    assert (seconds < exact + 1).all()
    assert not (seconds == exact).all()  # the legs are not whole seconds: rounding up matters
    metres = matrix.distance_m[np.ix_(order, order)]
    assert np.abs(metres - kim_feet(harbour) * 0.3048).max() <= 0.5


def test_the_default_fleet_has_room_above_the_lower_bounds(harbour: KimInstance) -> None:
    bound = max(vehicle_bounds(harbour).values())
    assert len(kim_problem(harbour).vehicles) == min(8, 2 * bound + 2)


def test_a_plan_of_the_optimiser_is_a_solution_the_judge_accepts(harbour: KimInstance) -> None:
    problem = kim_problem(harbour)
    plan = solve(problem, time_limit_s=20, seed=1, max_iterations=50)
    product = validate(problem, plan)
    assert product.ok, product.violations
    assert not plan.unserved
    solution = kim_solution(harbour, problem, plan)
    report = validate_kim(harbour, solution)
    assert report.ok, report.violations
    assert report.vehicles == len(plan.routes) >= max(vehicle_bounds(harbour).values())
    visited = sorted(r for route in solution.routes for r in route.stops[1:-1])
    assert [r for r in visited if r in harbour.stops] == sorted(harbour.stops)  # row 10 too
    assert solution_from_dict(solution_to_dict(solution)) == solution


def test_a_day_past_noon_takes_the_lunch_where_the_plan_breaks() -> None:
    instance = parse_kim(LONG_DAY, name="long-day")
    problem = kim_problem(instance, fleet=1)
    plan = solve(problem, time_limit_s=20, seed=1, max_iterations=50)
    assert validate(problem, plan).ok
    (route,) = plan.routes
    assert route.end_s > 12 * 3600
    (lunch,) = route.breaks
    assert 11 * 3600 <= lunch.start_s <= 12 * 3600
    solution = kim_solution(instance, problem, plan)
    (kim_route,) = solution.routes
    assert kim_route.lunch_after is not None
    stops = list(route.stops())
    assert stops[kim_route.lunch_after - 1].departure_s <= lunch.start_s
    report = validate_kim(instance, solution)
    assert report.ok, report.violations


def _visit(point: str, arrive_s: int, leave_s: int) -> VisitStop:
    return VisitStop(point, 0, arrive_s, arrive_s, leave_s, 0, 0)


def test_lunch_after_is_the_last_stop_left_before_the_break() -> None:
    instance = parse_kim(LONG_DAY, name="long-day")
    problem = kim_problem(instance, fleet=1)
    trip = Trip(
        WasteStream.RESIDUAL,
        (_visit("stop-2", 29000, 34400), _visit("stop-3", 34500, 39900)),
        Unload("disposal-1", 40200, 40200, 41100, 20, 0),
    )

    def route(*breaks: Break) -> Route:
        return Route("truck-1", "day", "crew-1", 28800, 45000, (trip,), breaks)

    def lunch(*breaks: Break) -> int | None:
        plan = Plan(problem.name, (route(*breaks),))
        (kim_route,) = kim_solution(instance, problem, plan).routes
        assert kim_route.stops == (0, 2, 3, 1, 0)
        return kim_route.lunch_after

    assert lunch() is None
    assert lunch(Break(39900, 43500)) == 2  # as the truck leaves row 3
    assert lunch(Break(41100, 44700)) == 3  # at the disposal site, before driving home
    assert lunch(Break(28800, 32400)) is None  # at the depot: no Kim stop holds it


def test_unserved_visits_are_left_to_the_judge(harbour: KimInstance) -> None:
    problem = kim_problem(harbour, fleet=1)
    plan = solve(problem, time_limit_s=20, seed=1, max_iterations=50)
    assert plan.unserved  # five stops a day: one vehicle cannot serve eight
    assert validate(problem, plan).ok  # the product lists them with their reasons
    report = validate_kim(harbour, kim_solution(harbour, problem, plan))
    assert "KIM-ALL" in report.rules()


def test_the_time_bound_counts_service_drives_and_unloadings() -> None:
    # Ten 1-hour stops 1 mile apart in a line, the depot open 2 hours: each stop's service and
    # its 2-minute drive in, plus one 15-minute unloading, need 10 h 35 min: six 2-hour days.
    rows = "".join(f"{i + 2} {5280 * (i + 1)} 0 0000 2400 3600 1 1\n" for i in range(10))
    text = (
        LONG_DAY.split("1 0 0 0800")[0]
        + "1 0 0 0600 0800 0 9999 0\n20 0 5280 0000 2400 900 9999 2\n"
        + rows
    )
    instance = parse_kim(text.replace("10\t// daily stops", "50\t// daily stops"), name="line")
    assert vehicle_bounds(instance) == {"yards": 1, "stops": 1, "time": 6}


def test_the_102_stop_instance_is_planned_to_a_solution_the_judge_accepts() -> None:
    instance = read_kim(DATA / "102_stop.txt")
    problem = kim_problem(instance)
    plan = solve(problem, time_limit_s=60, seed=1, max_iterations=200)
    assert validate(problem, plan).ok
    assert not plan.unserved
    solution = kim_solution(instance, problem, plan)
    report = validate_kim(instance, solution)
    assert report.ok, report.violations
    assert report.vehicles >= max(vehicle_bounds(instance).values())
