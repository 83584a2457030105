"""Key figures, recomputed by hand for the riverside plan."""

from __future__ import annotations

import dataclasses

import pytest

from routing.kpi import compute_kpis
from routing.plan import Haul, VisitStop
from routing.units import HOUR
from tests.factories import riverside, riverside_plan


def test_distance_hours_tonnes_and_cost_add_up() -> None:
    problem = riverside()
    plan = riverside_plan(problem)
    kpis = compute_kpis(problem, plan)
    matrix = problem.travel["default"]
    metres = 0
    cost_fen = 0.0
    for route in plan.routes:
        here = "D"
        route_m = 0
        for stop in route.stops():
            there = stop.point_id if isinstance(stop, VisitStop) else stop.facility_id
            route_m += matrix.distance(here, there)
            here = there
        route_m += matrix.distance(here, "D")
        metres += route_m
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[route.vehicle_id])
        hours = (route.end_s - route.start_s) / 3600
        cost_fen += route_m / 1000 * vtype.cost_per_km_fen + hours * vtype.cost_per_hour_fen
    # No haul leaves today: the 2.7 t the trips bring to TS wait there, and the next day's hauls
    # of them are priced per kg of a full haul (the hook-lift takes five 2 t containers to LF and
    # back).
    hook = problem.vehicle_type_of(problem.vehicle_by_id["H1"])
    out_back_m = matrix.distance("TS", "LF") + matrix.distance("LF", "TS")
    out_back_s = matrix.time("TS", "LF") + matrix.time("LF", "TS")
    per_kg = (
        out_back_m / 1000 * hook.cost_per_km_fen + out_back_s / 3600 * hook.cost_per_hour_fen
    ) / 10000
    assert not plan.hauls and per_kg > 0
    assert kpis.stored_haul_yuan == pytest.approx(2700 * per_kg / 100, abs=0.01)
    assert kpis.km == pytest.approx(metres / 1000, abs=1e-3)
    assert kpis.cost_yuan == pytest.approx((cost_fen + 2700 * per_kg) / 100, abs=0.01)
    assert kpis.tonnes_by_stream == {"kitchen": 1.0, "night_soil": 0.5, "residual": 2.7}
    assert kpis.trips == 5 and kpis.routes == 5 and kpis.vehicles_used == 4
    assert kpis.vehicles_per_shift == {"S1": 3, "S2": 2}
    assert kpis.visits_served == 8 and kpis.visits_unserved == 0
    # The cart is electric (no diesel); everything else burns 350 ml/km.
    diesel_m = sum(f.km * 1000 for f in kpis.per_route if f.vehicle != "E1")
    assert kpis.co2_kg == pytest.approx(diesel_m / 1000 * 0.350 * 2.68, rel=1e-3)
    assert (
        kpis.facility_inflow_kg_by_hour["TS"]
        and sum(kpis.facility_inflow_kg_by_hour["TS"].values()) == 2700
    )


def test_utilisation_is_working_time_over_shift_length() -> None:
    problem = riverside()
    plan = riverside_plan(problem)
    kpis = compute_kpis(problem, plan)
    first = kpis.per_route[0]
    route = plan.routes[0]
    assert first.shift_use == pytest.approx((route.end_s - route.start_s) / (6 * 3600), abs=1e-3)
    assert first.mean_fill == pytest.approx(2400 / 8000, abs=1e-3)


def test_a_full_haul_costs_the_same_today_or_left_to_the_next_day() -> None:
    """The waste a day leaves in a station is priced at a full haul's price per kg, so a day
    that hauls yesterday's 10 t costs what the day that leaves them does: two plans of a day
    compare by their routes, not by whether a haul left before the landfill closed."""
    stored = riverside()
    station = next(f for f in stored.facilities if f.id == "TS")
    bigger = dataclasses.replace(station, storage_kg=20_000, initial_storage_kg=10_000)
    problem = riverside(facilities=tuple(bigger if f.id == "TS" else f for f in stored.facilities))
    plan = riverside_plan(problem)
    matrix = problem.travel["default"]
    haul = Haul("H1", "TS", "LF", 6 * HOUR, 6 * HOUR + matrix.time("TS", "LF"), 5, 10_000)
    hauled = dataclasses.replace(plan, hauls=(haul,))
    kept, sent = compute_kpis(problem, plan), compute_kpis(problem, hauled)
    assert sent.hauls == 1 and sent.haul_km > 0
    assert kept.stored_haul_yuan > 0 > sent.stored_haul_yuan
    assert sent.cost_yuan == pytest.approx(kept.cost_yuan, abs=0.02)
