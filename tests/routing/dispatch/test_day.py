"""Opening a plan for changes: what is fixed, and the handover between a vehicle's drafts."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from routing.dispatch import Breakdown, UrgentRequest, apply_urgent, breakdown
from routing.dispatch.draft import Draft, Timed, Timer
from routing.dispatch.opening import open_day
from routing.dispatch.requests import StopReport
from routing.domain import WasteStream
from routing.plan import Haul, Plan
from routing.problem import Problem
from routing.units import HOUR
from routing.validation import validate


def test_a_route_cannot_grow_into_the_next_shift_of_its_vehicle(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    opened = open_day(problem, plan)
    handover = problem.rules.handover_s
    for vehicle in {d.vehicle_id for d in opened.drafts}:
        own = sorted((d for d in opened.drafts if d.vehicle_id == vehicle), key=lambda d: d.start_s)
        for before, after in itertools.pairwise(own):
            assert before.latest_end_s + handover <= after.start_s, vehicle
    # C1 works S1 only: its empty S2 draft starts after C1's S1 route and the handover.
    c1 = sorted((d for d in opened.drafts if d.vehicle_id == "C1"), key=lambda d: d.start_s)
    assert [d.shift_id for d in c1] == ["S1", "S2", "S3"]
    assert c1[1].start_s >= plan.routes[0].end_s + handover


def test_stops_reached_by_now_and_reported_ones_are_fixed(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    c1 = next(r for r in plan.routes if r.vehicle_id == "C1")
    second = c1.trips[0].visits[1]
    opened = open_day(problem, plan, reports=[StopReport(second.point_id, 0, "done")])
    draft = next(d for d in opened.drafts if d.vehicle_id == "C1" and d.shift_id == "S1")
    assert draft.open_trip is not None and draft.open_trip.visits == c1.trips[0].visits[:2]
    assert list(draft.flex_visits()) == [("R3", 0), ("R4", 0)]
    later = open_day(problem, plan, now_s=12 * HOUR)
    assert all(not d.movable for d in later.drafts if d.shift_id == "S1")


def _with_haul(problem: Problem, plan: Plan) -> Plan:
    """The riverside plan with a container hauled from TS just after C1 unloads there."""
    matrix = problem.matrix_for(problem.vehicle_by_id["H1"])
    unload = plan.routes[0].trips[0].unload
    assert unload is not None and unload.facility_id == "TS"
    depart = unload.departure_s + 300
    arrival = max(depart + matrix.time("TS", "LF"), 6 * HOUR)  # the landfill opens at 06:00
    haul = Haul("H1", "TS", "LF", depart, arrival, 1, 2000)
    return dataclasses.replace(plan, hauls=(haul,))


def test_the_plans_hauls_are_kept_while_they_still_serve(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    hauled = _with_haul(problem, plan)
    assert validate(problem, hauled).ok
    urgent = UrgentRequest("U1", WasteStream.KITCHEN, 100, deadline_s=20 * HOUR, at_point="M1")
    result = apply_urgent(problem, hauled, urgent, now_s=11 * HOUR)
    assert result.plan.hauls == hauled.hauls


def test_hauls_are_scheduled_again_when_a_station_gets_less(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    hauled = _with_haul(problem, plan)
    c1 = plan.routes[0]
    first = c1.trips[0].visits[0]
    # C1 breaks down at its first point: TS gets 600 kg, too little for the 2,000 kg container.
    result = breakdown(problem, hauled, Breakdown("C1", first.departure_s), rounds=1)
    assert validate(problem, result.plan).ok
    assert result.plan.hauls != hauled.hauls


def test_a_route_the_timer_cannot_time_again_stays_as_planned(
    day: tuple[Problem, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, plan = day
    timing = Timer.time

    def refuse_c1(self: Timer, draft: Draft, *, thorough: bool = False) -> Timed | None:
        if draft.vehicle_id == "C1" and draft.frozen is None and draft.flex:
            return None
        return timing(self, draft, thorough=thorough)

    monkeypatch.setattr(Timer, "time", refuse_c1)
    opened = open_day(problem, plan)
    c1 = next(d for d in opened.drafts if d.vehicle_id == "C1" and d.shift_id == "S1")
    assert not c1.movable and c1.frozen == plan.routes[0]
    assert validate(problem, opened.to_plan()).ok
