"""The district baseline reproduces its figures, on a box and on real roads."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from routing.domain import FacilityKind, SizeClass, WasteStream
from routing.problem import Problem
from routing.solve import plan_greedy
from routing.units import HOUR, TONNE
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district
from scenarios.road_district import road_district

OSM_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm"
W = WasteStream


def osm(name: str) -> Path:
    path = OSM_DIR / name
    if not path.is_file():
        pytest.fail(f"real OSM data missing: {path.resolve()}")
    return path


def assert_baseline_figures(problem: Problem) -> None:
    counts = Counter(p.stream for p in problem.points)
    assert counts == {
        W.RESIDUAL: 1000,
        W.KITCHEN: 280,
        W.RECYCLABLE: 90,
        W.BULKY: 30,
        W.NIGHT_SOIL: 120,
    }
    tonnes = Counter()
    for p in problem.points:
        tonnes[p.stream] += p.kg_per_day
    household = sum(v for s, v in tonnes.items() if s is not W.NIGHT_SOIL)
    assert household == 170 * TONNE
    assert tonnes[W.NIGHT_SOIL] == 60 * TONNE
    assert tonnes[W.KITCHEN] == round(0.28 * 170 * TONNE)
    assert [(s.start_s, s.end_s) for s in problem.shifts] == [
        (int(4.5 * HOUR), int(10.5 * HOUR)),
        (int(10.5 * HOUR), int(16.5 * HOUR)),
        (int(16.5 * HOUR), int(22.5 * HOUR)),
    ]
    kinds = Counter(f.kind for f in problem.facilities)
    assert kinds[FacilityKind.TRANSFER_STATION] == 2 and kinds[FacilityKind.LANDFILL] == 1
    stations = problem.transfer_stations
    assert all(s.storage_kg == 40 * TONNE and s.container_kg == 10 * TONNE for s in stations)
    fleet = Counter(v.type_id for v in problem.vehicles)
    assert fleet == {
        "compactor-8t": 10,
        "kitchen-tank-5t": 4,
        "box-3t": 2,
        "e-cart-0.8t": 6,
        "suction-6m3": 4,
        "hook-lift": 2,
    }
    (zone,) = problem.zones
    assert zone.allowed_size_classes == {SizeClass.CART}
    old_town = [p for p in problem.points if zone.contains(p.location.lon, p.location.lat)]
    assert old_town and all(p.max_size_class is SizeClass.CART for p in old_town)
    twice = sum(p.visits_per_day == 2 for p in problem.points)
    assert 0.03 * len(problem.points) < twice < 0.2 * len(problem.points)


def test_the_box_baseline_has_the_districts_figures_and_is_deterministic() -> None:
    box = BoxSampler(113.25, 23.10, 113.33, 23.15)
    problem = generate_district(box, seed=7)
    assert_baseline_figures(problem)
    again = generate_district(box, seed=7)
    assert again.points == problem.points
    assert generate_district(box, seed=8).points != problem.points


def test_a_scaled_up_district_has_stations_that_store_in_proportion() -> None:
    # A city is the district scaled up: its stations take 6.6 times the tonnes, and with the
    # district's 40 t store they would fill long before a haul could empty them.
    box = BoxSampler(113.25, 23.10, 113.33, 23.15)
    for scale, storage in ((0.05, 40 * TONNE), (1.0, 40 * TONNE), (2.5, 100 * TONNE)):
        problem = generate_district(box, seed=7, spec=DistrictSpec(scale=scale))
        assert {f.storage_kg for f in problem.transfer_stations} == {storage}


@pytest.fixture(scope="module")
def andorra() -> Problem:
    return road_district(osm("andorra.osm.pbf"), seed=3)


def test_the_baseline_on_andorras_roads(andorra: Problem) -> None:
    assert_baseline_figures(andorra)
    assert {m.method for m in andorra.travel.values()} == {"road"}
    assert set(andorra.travel) == {"cart", "small", "medium", "large", "heavy"}


def test_the_landfill_is_off_the_map_through_its_link(andorra: Problem) -> None:
    large = andorra.travel["large"]
    landfill = andorra.facility_by_id["landfill"]
    west, south, east, north = (
        min(p.location.lon for p in andorra.points),
        min(p.location.lat for p in andorra.points),
        max(p.location.lon for p in andorra.points),
        max(p.location.lat for p in andorra.points),
    )
    assert not (west <= landfill.location.lon <= east and south <= landfill.location.lat <= north)
    # 18 km beyond the map's edge at 50 km/h is at least 20 minutes from any station.
    for station in andorra.transfer_stations:
        assert large.distance(station.id, "landfill") > 18_000
        assert large.time(station.id, "landfill") > 20 * 60


def test_large_trucks_never_drive_through_the_old_town(andorra: Problem) -> None:
    (zone,) = andorra.zones
    inside = next(p for p in andorra.points if zone.contains(p.location.lon, p.location.lat))
    outside = next(p for p in andorra.points if not zone.contains(p.location.lon, p.location.lat))
    assert andorra.travel["large"].time(outside.id, inside.id) >= 10**8  # unreachable
    assert andorra.travel["cart"].time(outside.id, inside.id) < 3 * HOUR


def test_a_greedy_day_on_andorra_passes_the_validator(andorra: Problem) -> None:
    plan = plan_greedy(andorra)
    report = validate(andorra, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    served = sum(1 for _ in plan.served_visits())
    assert served + len(plan.unserved) == sum(p.visits_per_day for p in andorra.points)
    assert all(u.rule and u.reason for u in plan.unserved)


def test_campo_grande_baseline_and_plan() -> None:
    problem = road_district(osm("campo-grande.osm.gz"), seed=5)
    assert_baseline_figures(problem)
    assert validate(problem, plan_greedy(problem)).ok
