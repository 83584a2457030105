"""The greedy planner: every plan it returns passes the validator; what it cannot serve is listed."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings

from routing.domain import TimeWindow
from routing.plan_file import plan_from_dict, plan_to_dict
from routing.solve import plan_greedy
from routing.units import HOUR
from routing.validation import validate
from scenarios.district import BoxSampler
from tests.factories import generated_districts, riverside

BOX = BoxSampler(116.30, 39.90, 116.36, 39.94)


@settings(max_examples=25, deadline=None)
@given(generated_districts(BOX, largest_scale=0.12))
def test_every_greedy_plan_passes_the_validator(problem: object) -> None:
    plan = plan_greedy(problem)  # type: ignore[arg-type]
    report = validate(problem, plan)  # type: ignore[arg-type]
    assert report.ok, [str(v) for v in report.violations[:5]]


@settings(max_examples=10, deadline=None)
@given(generated_districts(BOX, largest_scale=0.12))
def test_greedy_is_deterministic_and_its_plan_survives_the_file_round_trip(problem: object) -> None:
    first = plan_greedy(problem)  # type: ignore[arg-type]
    second = plan_greedy(problem)  # type: ignore[arg-type]
    assert first.routes == second.routes and first.hauls == second.hauls
    again = plan_from_dict(plan_to_dict(first))
    assert again == first


def test_riverside_is_fully_served() -> None:
    problem = riverside()
    plan = plan_greedy(problem)
    assert validate(problem, plan).ok
    assert plan.unserved == ()
    served = {(s.point_id, s.visit) for _, _, s in plan.served_visits()}
    assert served == {(p.id, v) for p in problem.points for v in range(p.visits_per_day)}


def test_without_a_suction_truck_night_soil_is_unserved_for_ct1() -> None:
    problem = riverside()
    variant = problem.replace(vehicles=tuple(v for v in problem.vehicles if v.id != "S1"))
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert [(u.point_id, u.rule) for u in plan.unserved] == [("T1", "CT1")]


def test_without_a_kitchen_plant_kitchen_waste_is_unserved_for_ct3() -> None:
    problem = riverside()
    variant = problem.replace(facilities=tuple(f for f in problem.facilities if f.id != "KP"))
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert sorted((u.point_id, u.visit, u.rule) for u in plan.unserved) == [
        ("M1", 0, "CT3"),
        ("M1", 1, "CT3"),
    ]


def test_a_narrow_point_without_a_cart_is_unserved_for_ct6() -> None:
    problem = riverside()
    variant = problem.replace(vehicles=tuple(v for v in problem.vehicles if v.id != "E1"))
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert [(u.point_id, u.rule) for u in plan.unserved] == [("R5", "CT6")]


def test_with_too_few_crews_the_rest_is_listed_against_the_shift_hours() -> None:
    problem = riverside()
    variant = problem.replace(crews=problem.crews[:1])
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert plan.unserved and all(u.reason for u in plan.unserved)
    assert len(plan.routes) == 1


def test_a_full_station_sends_trucks_to_the_landfill() -> None:
    problem = riverside()
    tiny = dataclasses.replace(problem.facility_by_id["TS"], storage_kg=1000, container_kg=1000)
    variant = problem.replace(
        facilities=tuple(tiny if f.id == "TS" else f for f in problem.facilities),
        vehicles=tuple(v for v in problem.vehicles if v.id != "H1"),
    )
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    destinations = {
        t.unload.facility_id
        for r in plan.routes
        for t in r.trips
        if t.stream.value == "residual" and t.unload
    }
    assert "LF" in destinations


def test_a_full_station_with_no_other_way_out_lists_its_visits_against_th() -> None:
    problem = riverside()
    tiny = dataclasses.replace(problem.facility_by_id["TS"], storage_kg=1000, container_kg=1000)
    variant = problem.replace(
        facilities=tuple(tiny if f.id == "TS" else f for f in problem.facilities if f.id != "LF"),
        vehicles=tuple(v for v in problem.vehicles if v.id != "H1"),
    )
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    residual = [
        u for u in plan.unserved if variant.point_by_id[u.point_id].stream.value == "residual"
    ]
    assert residual
    assert {u.rule for u in residual} == {"TH"}
    assert all("TS" in u.reason for u in residual)


def test_ct6_a_point_opening_late_in_a_zone_window_is_served_in_the_zones_next_window() -> None:
    # The old town is open 5:00-9:00 and 9:30-12:00; R5 opens at 8:59 with 90 s of work. Work
    # from 8:59 would end after 9:00, so the cart waits outside for 9:30. The greedy planner
    # once stopped at the first zone window and listed R5 unserved; dispatch already did this.
    problem = riverside()
    zone = dataclasses.replace(
        problem.zones[0],
        open_windows=(TimeWindow(5 * HOUR, 9 * HOUR), TimeWindow(int(9.5 * HOUR), 12 * HOUR)),
    )
    late = dataclasses.replace(
        problem.point_by_id["R5"], time_windows=(TimeWindow(9 * HOUR - 60, 10 * HOUR),)
    )
    variant = problem.replace(
        zones=(zone,), points=tuple(late if p.id == "R5" else p for p in problem.points)
    )
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert plan.unserved == ()
    (stop,) = (s for _r, _t, s in plan.served_visits() if s.point_id == "R5")
    assert (stop.arrival_s, stop.start_s) == (int(9.5 * HOUR), int(9.5 * HOUR))


def test_a_second_visit_given_back_at_a_full_station_is_listed_not_a_crash() -> None:
    # Twice-daily residual points and a station that fills with no other way out: a trip
    # holding a second visit is given back when the station cannot take it, and that visit
    # waits for a later shift than the first (it once lost track of the first's shift).
    problem = riverside()
    tiny = dataclasses.replace(problem.facility_by_id["TS"], storage_kg=2000, container_kg=1000)
    variant = problem.replace(
        points=tuple(
            dataclasses.replace(p, visits_per_day=2) if p.stream.value == "residual" else p
            for p in problem.points
        ),
        facilities=tuple(tiny if f.id == "TS" else f for f in problem.facilities if f.id != "LF"),
        vehicles=tuple(v for v in problem.vehicles if v.id != "H1"),
    )
    plan = plan_greedy(variant)
    assert validate(variant, plan).ok
    assert any(u.visit == 1 and u.rule == "TH" for u in plan.unserved)
