"""Tonne-km and on-board times (routing.kpi.transport_figures), by hand on one route."""

from __future__ import annotations

import pytest

from routing.domain import WasteStream
from routing.kpi import transport_figures
from routing.plan import Haul, Plan
from tests.factories import riverside, schedule


def test_tonne_km_counts_the_load_carried_on_each_leg_and_the_hauls() -> None:
    problem = riverside()
    m = problem.travel["default"]
    route = schedule(
        problem, "C1", "S1", "crew01", [(WasteStream.RESIDUAL, [("R1", 0), ("R2", 0)], "TS")]
    )
    haul = Haul("H1", "TS", "LF", 8 * 3600, 9 * 3600, 1, 2000)
    figures = transport_figures(problem, Plan("riverside", (route,), hauls=(haul,)))
    # 600 kg from R1 to R2, then 1,200 kg from R2 to the station; the empty legs count nothing.
    routes_kg_m = 600 * m.distance("R1", "R2") + 1200 * m.distance("R2", "TS")
    haul_kg_m = 2000 * m.distance("TS", "LF")
    assert figures.haul_tonne_km == pytest.approx(haul_kg_m / 1e6, abs=0.01)
    assert figures.tonne_km == pytest.approx((routes_kg_m + haul_kg_m) / 1e6, abs=0.01)
    (trip,) = route.trips
    assert trip.unload is not None
    on_board = (trip.unload.start_s - trip.visits[0].start_s) / 60
    assert figures.on_board_min_max == pytest.approx(on_board, abs=0.1)
    assert figures.on_board_min_mean == figures.on_board_min_p95 == figures.on_board_min_max


def test_an_empty_plan_has_no_tonne_km() -> None:
    figures = transport_figures(riverside(), Plan("riverside", ()))
    assert figures.tonne_km == 0 and figures.on_board_min_max == 0
