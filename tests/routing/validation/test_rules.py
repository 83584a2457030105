"""One test per rule id with a plan that breaks exactly that rule, and one that keeps it.

The plans start from :func:`tests.factories.riverside_plan`, which keeps every rule, and change
one thing; the test then asserts that the validator names that rule and no other.
"""

from __future__ import annotations

import dataclasses

import pytest

from routing.domain import TimeWindow
from routing.fields import clock_value
from routing.fleet import RuleParameters
from routing.plan import Haul, Plan, Unserved
from routing.problem import Problem
from routing.units import HOUR, MINUTE
from routing.validation import RULES, validate
from tests.factories import K, N, R, riverside, riverside_plan, schedule


def broken(problem: Problem, plan: Plan) -> set[str]:
    return set(validate(problem, plan).rules_broken())


def with_routes(problem: Problem, *routes: object) -> Plan:
    return Plan(problem.name, tuple(routes))  # type: ignore[arg-type]


@pytest.fixture
def problem() -> Problem:
    return riverside()


@pytest.fixture
def plan(problem: Problem) -> Plan:
    return riverside_plan(problem)


def test_the_reference_plan_keeps_every_rule(problem: Problem, plan: Plan) -> None:
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations]


def test_rules_cover_design_ids() -> None:
    for rule in (
        "SH1",
        "SH2",
        "CT1",
        "CT2",
        "CT3",
        "CT4",
        "CT5",
        "CT6",
        "CP",
        "TW",
        "DL",
        "FQ",
        "ALL",
        "TH",
    ):
        assert rule in RULES


# --- DL ----------------------------------------------------------------------------------


def with_daily(problem: Problem, type_id: str, **limits: int) -> Problem:
    """``problem`` whose vehicle type ``type_id`` has the daily ``limits``."""
    types = tuple(
        dataclasses.replace(t, **limits) if t.id == type_id else t for t in problem.vehicle_types
    )
    return problem.replace(vehicle_types=types)


def test_dl_breaks_when_a_vehicle_makes_more_visits_in_the_day_than_it_may(
    problem: Problem,
) -> None:
    variant = with_daily(problem, "compactor", daily_stops=3)  # C1 makes 4
    assert broken(variant, riverside_plan(variant)) == {"DL"}


def test_dl_breaks_when_a_vehicle_collects_more_in_the_day_than_it_may(problem: Problem) -> None:
    variant = with_daily(problem, "tank", daily_kg=999)  # K1: 500 kg in each of two shifts
    assert broken(variant, riverside_plan(variant)) == {"DL"}


def test_dl_keeps_a_day_within_the_limits(problem: Problem) -> None:
    variant = with_daily(problem, "tank", daily_kg=1000, daily_stops=2)
    variant = with_daily(variant, "compactor", daily_kg=2400, daily_stops=4, daily_l=10**6)
    assert broken(variant, riverside_plan(variant)) == set()


# --- SH1 ---------------------------------------------------------------------------------


def test_sh1_breaks_when_a_crew_works_two_shifts(problem: Problem, plan: Plan) -> None:
    routes = list(plan.routes)
    routes[3] = dataclasses.replace(routes[3], crew_id="crew03")  # K1/S2 by K1/S1's crew
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"SH1"}


def test_sh1_breaks_when_a_route_runs_past_its_shift(problem: Problem, plan: Plan) -> None:
    late = schedule(
        problem, "S1", "S2", "crew05", [(N, [("T1", 0)], "NP")], start_s=16 * HOUR + 20 * MINUTE
    )
    routes = (*plan.routes[:4], late)
    assert broken(problem, dataclasses.replace(plan, routes=routes)) == {"SH1"}


def test_sh1_breaks_without_the_crews_break_on_a_long_route(problem: Problem) -> None:
    crew = dataclasses.replace(problem.crew_by_id["crew01"], break_after_s=10 * MINUTE)
    variant = problem.replace(crews=(crew, *problem.crews[1:]))
    assert broken(variant, riverside_plan(variant)) == {"SH1"}


def test_sh1_keeps_when_the_long_route_has_its_break(problem: Problem) -> None:
    crew = dataclasses.replace(problem.crew_by_id["crew01"], break_after_s=10 * MINUTE)
    variant = problem.replace(crews=(crew, *problem.crews[1:]))
    plan = riverside_plan(variant)
    with_break = schedule(
        variant,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0), ("R3", 0), ("R4", 0)], "TS")],
        break_after_stop=0,
    )
    plan = dataclasses.replace(plan, routes=(with_break, *plan.routes[1:]))
    assert broken(variant, plan) == set()


def lunch_at(problem: Problem, start: str, end: str) -> Problem:
    """``problem`` whose crew01 takes its break within ``start``–``end`` (a lunch window)."""
    window = TimeWindow(clock_value(start, "start"), clock_value(end, "end"))
    crew = dataclasses.replace(problem.crew_by_id["crew01"], break_window=window)
    return problem.replace(crews=(crew, *problem.crews[1:]))


def lunch_route(problem: Problem, after_stop: int | None) -> Plan:
    """The reference plan with C1/S1 (04:30–04:59) taking its break after stop ``after_stop``."""
    route = schedule(
        problem,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0), ("R3", 0), ("R4", 0)], "TS")],
        break_after_stop=after_stop,
    )
    plan = riverside_plan(problem)
    return dataclasses.replace(plan, routes=(route, *plan.routes[1:]))


def test_sh1_breaks_when_a_route_out_after_the_lunch_window_took_no_lunch(
    problem: Problem,
) -> None:
    variant = lunch_at(problem, "04:40", "04:45")  # C1/S1 runs 04:30–04:59
    assert broken(variant, lunch_route(variant, None)) == {"SH1"}


def test_sh1_keeps_a_lunch_begun_within_its_window(problem: Problem) -> None:
    variant = lunch_at(problem, "04:40", "04:45")
    plan = lunch_route(variant, 3)  # after R4, leaving about 04:41
    assert 4 * HOUR + 40 * MINUTE <= plan.routes[0].breaks[0].start_s <= 4 * HOUR + 45 * MINUTE
    assert broken(variant, plan) == set()


def test_sh1_breaks_when_the_lunch_begins_before_its_window(problem: Problem) -> None:
    variant = lunch_at(problem, "04:40", "04:45")
    assert broken(variant, lunch_route(variant, 0)) == {"SH1"}


def test_sh1_a_route_back_before_the_lunch_window_closes_needs_no_lunch(problem: Problem) -> None:
    variant = lunch_at(problem, "05:30", "06:00")  # every S1 route is back by 05:25
    assert broken(variant, lunch_route(variant, None)) == set()


def test_sh1_breaks_when_the_break_overlaps_work(problem: Problem) -> None:
    crew = dataclasses.replace(problem.crew_by_id["crew01"], break_after_s=10 * MINUTE)
    variant = problem.replace(crews=(crew, *problem.crews[1:]))
    plan = riverside_plan(variant)
    route = plan.routes[0]
    first = route.trips[0].visits[0]
    from routing.plan import Break

    overlapping = dataclasses.replace(
        route, breaks=(Break(first.start_s, first.start_s + crew.break_s),)
    )
    plan = dataclasses.replace(plan, routes=(overlapping, *plan.routes[1:]))
    messages = [str(v) for v in validate(variant, plan).violations]
    assert broken(variant, plan) <= {"SH1", "TIME"} and any("overlaps work" in m for m in messages)


# --- SH2 ---------------------------------------------------------------------------------


def _two_shift_compactor(problem: Problem, gap_s: int) -> Plan:
    plan = riverside_plan(problem)
    first = schedule(problem, "C1", "S1", "crew01", [(R, [("R1", 0), ("R2", 0)], "TS")])
    shift_end = problem.shift_by_id["S1"].end_s
    duration = first.end_s - first.start_s
    second_start = problem.shift_by_id["S2"].start_s
    first = schedule(
        problem,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0)], "TS")],
        start_s=min(shift_end, second_start - gap_s) - duration,
    )
    second = schedule(problem, "C1", "S2", "crew06", [(R, [("R3", 0), ("R4", 0)], "TS")])
    return dataclasses.replace(plan, routes=(first, second, *plan.routes[1:]))


def test_sh2_breaks_when_the_handover_is_too_short(problem: Problem) -> None:
    assert broken(problem, _two_shift_compactor(problem, gap_s=5 * MINUTE)) == {"SH2"}


def test_sh2_keeps_with_exactly_the_handover_time(problem: Problem) -> None:
    assert broken(problem, _two_shift_compactor(problem, gap_s=15 * MINUTE)) == set()


# --- CT1–CT6 -----------------------------------------------------------------------------


def test_ct1_breaks_when_an_open_truck_carries_kitchen_waste(problem: Problem, plan: Plan) -> None:
    routes = list(plan.routes)
    routes[2] = schedule(problem, "O1", "S1", "crew03", [(K, [("M1", 0)], "KP")])
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"CT1"}


def test_ct1_keeps_when_the_cart_carries_residual(problem: Problem, plan: Plan) -> None:
    assert "CT1" not in broken(problem, plan)
    assert problem.vehicle_type_by_id["cart"].body.value == "cart"


def test_ct2_breaks_when_a_residual_trip_collects_kitchen_waste(
    problem: Problem, plan: Plan
) -> None:
    mixed = schedule(
        problem,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0), ("M1", 0), ("R3", 0), ("R4", 0)], "TS")],
    )
    routes = (mixed, plan.routes[1], plan.routes[3], plan.routes[4])
    assert broken(problem, dataclasses.replace(plan, routes=routes)) == {"CT2"}


def test_ct2_keeps_when_streams_go_in_separate_trips(problem: Problem, plan: Plan) -> None:
    separate = schedule(
        problem,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0)], "TS"), (R, [("R3", 0), ("R4", 0)], "TS")],
    )
    routes = (separate, *plan.routes[1:])
    assert broken(problem, dataclasses.replace(plan, routes=routes)) == set()


def test_ct3_breaks_when_kitchen_waste_goes_to_the_transfer_station(
    problem: Problem, plan: Plan
) -> None:
    routes = list(plan.routes)
    routes[2] = schedule(problem, "K1", "S1", "crew03", [(K, [("M1", 0)], "TS")])
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"CT3"}


def test_ct3_breaks_when_the_facility_is_closed(problem: Problem, plan: Plan) -> None:
    station = dataclasses.replace(
        problem.facility_by_id["TS"], opening=(TimeWindow(12 * HOUR, 23 * HOUR),)
    )
    variant = problem.replace(facilities=(station, *problem.facilities[1:]))
    assert broken(variant, plan) == {"CT3"}


def test_ct3_breaks_over_daily_capacity(problem: Problem, plan: Plan) -> None:
    station = dataclasses.replace(problem.facility_by_id["TS"], daily_capacity_kg=2000)
    variant = problem.replace(facilities=(station, *problem.facilities[1:]))
    assert broken(variant, plan) == {"CT3"}


def test_ct3_keeps_at_exactly_daily_capacity(problem: Problem, plan: Plan) -> None:
    station = dataclasses.replace(problem.facility_by_id["TS"], daily_capacity_kg=2700)
    variant = problem.replace(facilities=(station, *problem.facilities[1:]))
    assert broken(variant, plan) == set()


def test_ct4_breaks_when_a_trip_is_not_unloaded(problem: Problem, plan: Plan) -> None:
    routes = list(plan.routes)
    routes[1] = schedule(problem, "E1", "S1", "crew02", [(R, [("R5", 0)], None)], start_s=5 * HOUR)
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"CT4"}


def test_ct5_breaks_over_the_on_board_limit(problem: Problem, plan: Plan) -> None:
    variant = problem.replace(rules=RuleParameters(on_board_limit_s=10 * MINUTE))
    assert broken(variant, plan) == {"CT5"}


def test_ct5_keeps_within_the_limit(problem: Problem, plan: Plan) -> None:
    on_board = max(
        t.unload.start_s - t.visits[0].start_s for r in plan.routes for t in r.trips if t.unload
    )
    variant = problem.replace(rules=RuleParameters(on_board_limit_s=on_board))
    assert broken(variant, plan) == set()


def test_ct6_breaks_when_a_big_truck_enters_the_old_town(problem: Problem, plan: Plan) -> None:
    big = schedule(
        problem,
        "C1",
        "S1",
        "crew01",
        [(R, [("R1", 0), ("R2", 0), ("R3", 0), ("R4", 0), ("R5", 0)], "TS")],
        start_s=5 * HOUR,
    )
    routes = (big, *plan.routes[2:])
    assert broken(problem, dataclasses.replace(plan, routes=routes)) == {"CT6"}


def test_ct6_breaks_when_the_cart_comes_outside_the_zones_hours(
    problem: Problem, plan: Plan
) -> None:
    routes = list(plan.routes)
    routes[1] = schedule(problem, "E1", "S2", "crew02", [(R, [("R5", 0)], "TS")])
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"CT6"}


# --- CP, TW, FQ, ALL ---------------------------------------------------------------------


def test_cp_breaks_over_capacity(problem: Problem, plan: Plan) -> None:
    small = dataclasses.replace(problem.vehicle_type_by_id["compactor"], capacity_kg=2000)
    variant = problem.replace(vehicle_types=(small, *problem.vehicle_types[1:]))
    assert broken(variant, plan) == {"CP"}


def test_cp_keeps_at_exactly_capacity(problem: Problem, plan: Plan) -> None:
    exact = dataclasses.replace(
        problem.vehicle_type_by_id["compactor"], capacity_kg=2400, capacity_l=4800
    )
    variant = problem.replace(vehicle_types=(exact, *problem.vehicle_types[1:]))
    assert broken(variant, plan) == set()


def test_cp_breaks_over_volume(problem: Problem, plan: Plan) -> None:
    small = dataclasses.replace(problem.vehicle_type_by_id["compactor"], capacity_l=4000)
    variant = problem.replace(vehicle_types=(small, *problem.vehicle_types[1:]))
    assert broken(variant, plan) == {"CP"}


def test_tw_breaks_outside_the_window(problem: Problem, plan: Plan) -> None:
    market = dataclasses.replace(
        problem.point_by_id["M1"], time_windows=(TimeWindow(12 * HOUR, 13 * HOUR),)
    )
    points = tuple(market if p.id == "M1" else p for p in problem.points)
    assert broken(problem.replace(points=points), plan) == {"TW"}


def test_tw_keeps_when_waiting_for_the_window(problem: Problem, plan: Plan) -> None:
    market = dataclasses.replace(
        problem.point_by_id["M1"], time_windows=(TimeWindow(6 * HOUR, 22 * HOUR),)
    )
    variant = problem.replace(points=tuple(market if p.id == "M1" else p for p in problem.points))
    plan = riverside_plan(variant)
    first_market = plan.routes[2].trips[0].visits[0]
    assert first_market.start_s == 6 * HOUR > first_market.arrival_s
    assert broken(variant, plan) == set()


def test_fq_breaks_when_both_daily_visits_are_in_one_shift(problem: Problem, plan: Plan) -> None:
    routes = list(plan.routes)
    routes[2] = schedule(
        problem, "K1", "S1", "crew03", [(K, [("M1", 0)], "KP"), (K, [("M1", 1)], "KP")]
    )
    del routes[3]
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"FQ"}


def test_fq_breaks_when_a_visit_is_made_twice(problem: Problem, plan: Plan) -> None:
    routes = list(plan.routes)
    routes[3] = schedule(problem, "K1", "S2", "crew04", [(K, [("M1", 0)], "KP")])
    messages = [
        str(v)
        for v in validate(problem, dataclasses.replace(plan, routes=tuple(routes))).violations
    ]
    assert broken(problem, dataclasses.replace(plan, routes=tuple(routes))) == {"FQ", "ALL"}
    assert any("served 2 times" in m for m in messages)
    assert any("M1 visit 1" in m and "neither served nor listed" in m for m in messages)


def test_all_breaks_when_a_point_is_forgotten(problem: Problem, plan: Plan) -> None:
    assert broken(problem, dataclasses.replace(plan, routes=plan.routes[:4])) == {"ALL"}


def test_all_keeps_when_the_missing_visit_is_listed_with_its_reason(
    problem: Problem, plan: Plan
) -> None:
    listed = dataclasses.replace(
        plan,
        routes=plan.routes[:4],
        unserved=(Unserved("T1", 0, "SH1", "the suction truck is in repair"),),
    )
    assert broken(problem, listed) == set()


def test_all_breaks_when_unserved_has_no_reason(problem: Problem, plan: Plan) -> None:
    listed = dataclasses.replace(
        plan, routes=plan.routes[:4], unserved=(Unserved("T1", 0, "SH1", " "),)
    )
    assert broken(problem, listed) == {"ALL"}


# --- TH ----------------------------------------------------------------------------------


def test_th_breaks_when_the_station_overflows(problem: Problem, plan: Plan) -> None:
    station = dataclasses.replace(problem.facility_by_id["TS"], storage_kg=2000, container_kg=2000)
    variant = problem.replace(facilities=(station, *problem.facilities[1:]))
    assert broken(variant, plan) == {"TH"}


def _haul_after(problem: Problem, plan: Plan, kg: int, arrival_shift_s: int = 0) -> Haul:
    last_in = max(
        t.unload.departure_s
        for r in plan.routes
        for t in r.trips
        if t.unload and t.unload.facility_id == "TS"
    )
    depart = max(last_in, 6 * HOUR)
    drive = problem.travel["default"].time("TS", "LF")
    return Haul("H1", "TS", "LF", depart, depart + drive + arrival_shift_s, kg // 2000, kg)


def test_th_keeps_when_a_full_container_is_hauled_in_time(problem: Problem, plan: Plan) -> None:
    station = dataclasses.replace(problem.facility_by_id["TS"], storage_kg=2700, container_kg=2000)
    variant = problem.replace(facilities=(station, *problem.facilities[1:]))
    hauled = dataclasses.replace(plan, hauls=(_haul_after(variant, plan, 2000),))
    assert broken(variant, hauled) == set()


def test_th_breaks_when_a_container_is_not_full(problem: Problem, plan: Plan) -> None:
    haul = dataclasses.replace(_haul_after(problem, plan, 2000), kg=1500)
    assert broken(problem, dataclasses.replace(plan, hauls=(haul,))) == {"TH"}


def test_th_breaks_when_the_landfill_is_closed_on_arrival(problem: Problem, plan: Plan) -> None:
    haul = _haul_after(problem, plan, 2000)
    late = dataclasses.replace(
        haul, depart_s=22 * HOUR, arrival_s=22 * HOUR + (haul.arrival_s - haul.depart_s)
    )
    assert broken(problem, dataclasses.replace(plan, hauls=(late,))) == {"TH"}


def test_th_breaks_when_a_haul_takes_more_than_is_stored(problem: Problem, plan: Plan) -> None:
    haul = _haul_after(problem, plan, 4000)
    assert broken(problem, dataclasses.replace(plan, hauls=(haul,))) == {"TH"}


# --- the plan's own consistency: REF, TIME, LOAD ----------------------------------------


def test_ref_breaks_on_an_unknown_vehicle(problem: Problem, plan: Plan) -> None:
    routes = (dataclasses.replace(plan.routes[0], vehicle_id="C9"), *plan.routes[1:])
    assert "REF" in broken(problem, dataclasses.replace(plan, routes=routes))


def test_time_breaks_when_a_truck_is_faster_than_the_road(problem: Problem, plan: Plan) -> None:
    route = plan.routes[0]
    trip = route.trips[0]
    visits = list(trip.visits)
    visits[1] = dataclasses.replace(visits[1], arrival_s=visits[0].departure_s + 1)
    fast = dataclasses.replace(route, trips=(dataclasses.replace(trip, visits=tuple(visits)),))
    assert broken(problem, dataclasses.replace(plan, routes=(fast, *plan.routes[1:]))) == {"TIME"}


def test_load_breaks_when_the_stated_load_is_wrong(problem: Problem, plan: Plan) -> None:
    route = plan.routes[0]
    trip = route.trips[0]
    visits = list(trip.visits)
    visits[2] = dataclasses.replace(visits[2], load_kg=visits[2].load_kg - 100)
    wrong = dataclasses.replace(route, trips=(dataclasses.replace(trip, visits=tuple(visits)),))
    assert broken(problem, dataclasses.replace(plan, routes=(wrong, *plan.routes[1:]))) == {"LOAD"}
