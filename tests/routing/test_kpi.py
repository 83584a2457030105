"""Key figures, recomputed by hand for the riverside plan."""

from __future__ import annotations

import pytest

from routing.kpi import compute_kpis
from routing.plan import VisitStop
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
    assert kpis.km == pytest.approx(metres / 1000, abs=1e-3)
    assert kpis.cost_yuan == pytest.approx(cost_fen / 100, abs=0.01)
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
