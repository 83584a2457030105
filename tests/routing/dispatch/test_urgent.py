"""Urgent pickups: slots ranked by added cost, each one applicable as offered."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.dispatch import DispatchError, UrgentRequest, apply_urgent, rank_urgent
from routing.domain import WasteStream
from routing.errors import FieldError, ProblemError
from routing.plan import Plan, Unserved
from routing.problem import Problem
from routing.units import HOUR, MINUTE
from tests.routing.dispatch.conftest import small_district
from tests.routing.dispatch.helpers import assert_past_kept, assert_valid, where

R = WasteStream.RESIDUAL


def request(**changes: object) -> UrgentRequest:
    fields: dict[str, object] = {
        "id": "U1",
        "stream": R,
        "kg": 300,
        "litres": 500,
        "deadline_s": 14 * HOUR,
        "at_point": "R2",
    }
    fields.update(changes)
    return UrgentRequest(**fields)  # type: ignore[arg-type]


def test_slots_are_ranked_by_added_cost(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    ranking = rank_urgent(problem, plan, request(), now_s=7 * HOUR)
    costs = [s.added_cost_fen for s in ranking.slots]
    assert costs and costs == sorted(costs)
    assert [s.rank for s in ranking.slots] == list(range(1, len(costs) + 1))
    assert all(s.eta_s >= 7 * HOUR for s in ranking.slots)


def test_every_slot_offered_serves_the_visit_where_it_said(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    ranking = rank_urgent(problem, plan, request(), now_s=7 * HOUR)
    for slot in ranking.slots:
        result = apply_urgent(problem, plan, request(), slot=slot.rank, now_s=7 * HOUR)
        assert_valid(result.problem, result.plan)
        vehicle, shift, stop = where(result.plan, "U1") or ("", "", None)
        assert (vehicle, shift) == (slot.vehicle_id, slot.shift_id)
        assert stop is not None and stop.start_s == slot.eta_s
        route = next(
            r for r in result.plan.routes if (r.vehicle_id, r.shift_id) == (vehicle, shift)
        )
        trip = route.trips[slot.trip - 1]
        assert trip.visits[slot.stop - 1].point_id == "U1"
        assert not slot.new_trip or len(trip.visits) == 1
        assert result.disruption.count("added") == 1
        assert_past_kept(plan, result.plan, 7 * HOUR)
        # Only the slot's route changed.
        changed = {(r.vehicle_id, r.shift_id) for r in result.plan.routes if r not in plan.routes}
        assert changed == {(vehicle, shift)}


def test_a_slot_can_be_chosen_by_its_place(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    slot = rank_urgent(problem, plan, request(), now_s=7 * HOUR).slots[-1]
    place = (slot.vehicle_id, slot.shift_id, slot.trip, slot.stop, slot.new_trip)
    result = apply_urgent(problem, plan, request(), slot=place, now_s=7 * HOUR)
    assert result.facts["slot"]["rank"] == slot.rank
    with pytest.raises(DispatchError, match="not among the slots"):
        apply_urgent(problem, plan, request(), slot=("C1", "S3", 9, 9, False), now_s=7 * HOUR)


def test_a_pickup_no_truck_can_hold_gives_the_reason(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    too_big = request(kg=50_000)
    ranking = rank_urgent(problem, plan, too_big)
    assert ranking.slots == ()
    assert any(reason.startswith("CP") for reason in ranking.reasons)
    with pytest.raises(DispatchError, match="no vehicle can take") as caught:
        apply_urgent(problem, plan, too_big)
    assert any(reason.startswith("CP") for reason in caught.value.reasons)


def test_a_pickup_nobody_may_carry_names_ct1(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    no_carrier = problem.replace(vehicles=tuple(v for v in problem.vehicles if v.id != "S1"))
    routes = tuple(r for r in plan.routes if r.vehicle_id != "S1")
    shorter = Plan(plan.problem_name, routes, (), (Unserved("T1", 0, "CT1", "no tanker"),))
    ranking = rank_urgent(no_carrier, shorter, request(stream=WasteStream.NIGHT_SOIL))
    assert ranking.slots == ()
    assert ranking.reasons and all(r.startswith("CT1") for r in ranking.reasons)


def test_a_deadline_already_past_is_refused_with_tw(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    with pytest.raises(DispatchError) as caught:
        rank_urgent(problem, plan, request(deadline_s=8 * HOUR), now_s=9 * HOUR)
    assert caught.value.reasons[0].startswith("TW")


def test_bad_requests_name_the_field(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    with pytest.raises(FieldError, match="kg"):
        request(kg=-1)
    with pytest.raises(FieldError, match="at_point"):
        request(lon=24.9, lat=60.1)
    with pytest.raises(FieldError, match="deadline_s"):
        request(earliest_s=13 * HOUR + 58 * MINUTE)
    with pytest.raises(ProblemError) as caught:
        rank_urgent(problem, plan, request(at_point="nowhere"))
    assert caught.value.defects[0].record == "urgent request"
    assert caught.value.defects[0].field == "at_point"
    with pytest.raises(FieldError, match="id"):
        rank_urgent(problem, plan, request(id="R1"))


def test_a_pickup_away_from_known_points_is_served(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    near_r3 = problem.point_by_id["R3"].location
    far = request(at_point=None, lon=near_r3.lon + 0.001, lat=near_r3.lat)
    result = apply_urgent(problem, plan, far, now_s=6 * HOUR)
    assert_valid(result.problem, result.plan)
    assert where(result.plan, "U1") is not None


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 10_000), st.integers(5, 20))
def test_every_offered_slot_applies_within_the_rules(seed: int, pick: int, hour: int) -> None:
    problem, plan = small_district(seed, scale=0.03)
    point = problem.points[pick % len(problem.points)]
    urgent = UrgentRequest(
        "URG",
        point.stream,
        max(1, point.visit_kg(0) // 2),
        deadline_s=min(24 * HOUR, (hour + 3) * HOUR),
        litres=point.visit_litres(0) // 2,
        at_point=point.id,
    )
    ranking = rank_urgent(problem, plan, urgent, now_s=hour * HOUR, limit=3)
    assert ranking.slots or ranking.reasons
    for slot in ranking.slots:
        result = apply_urgent(problem, plan, urgent, slot=slot.rank, now_s=hour * HOUR, limit=3)
        assert_valid(result.problem, result.plan)
        placed = where(result.plan, "URG")
        assert placed is not None and placed[:2] == (slot.vehicle_id, slot.shift_id)
        assert_past_kept(plan, result.plan, hour * HOUR)
