"""Estimated travel where no road network is loaded: great-circle × detour at a speed per vehicle
class, fitted on a real OSM extract; plans and key figures made on it say so."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from huanwei.cli import main
from routing.domain import SizeClass
from routing.errors import FieldError, ProblemError
from routing.kpi import compute_kpis
from routing.network import load_network, road_matrix
from routing.network.benchmark import random_road_points
from routing.network.calibration import calibrate
from routing.problem_file import problem_from_dict, problem_to_dict
from routing.solve import plan_greedy
from routing.travel import haversine_m
from routing.travel_estimate import DEFAULT_ESTIMATE, ESTIMATED, TravelEstimate
from routing.validation import validate
from tests.factories import described, riverside

OSM_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm"
AGUASCALIENTES = OSM_DIR / "aguascalientes.osm.pbf"


@pytest.fixture(scope="module")
def aguascalientes() -> Path:
    if not AGUASCALIENTES.is_file():
        pytest.fail(
            f"real OSM data missing: {AGUASCALIENTES.resolve()} (kept beside the repository, not in git)"
        )
    return AGUASCALIENTES


def test_an_estimate_checks_its_figures() -> None:
    speeds = dict(DEFAULT_ESTIMATE.speed_kmh)
    with pytest.raises(FieldError, match="detour_factor: must be at least 1"):
        TravelEstimate(0.9, speeds)
    with pytest.raises(FieldError, match="speed_kmh: must give every size class"):
        TravelEstimate(1.3, {SizeClass.LARGE: 30.0})
    with pytest.raises(FieldError, match="cart: must be 0 to 200 km/h"):
        TravelEstimate(1.3, speeds | {SizeClass.CART: 0.0})


def test_the_matrix_is_great_circle_times_detour_at_the_class_speed() -> None:
    problem = riverside()
    locations = {p.id: p.location for p in problem.points}
    estimate = TravelEstimate(1.5, {s: 10.0 * int(s) for s in SizeClass}, source="test")
    large = estimate.matrix(locations, size_class=SizeClass.LARGE, profile="large")
    cart = estimate.matrix(locations, size_class=SizeClass.CART, profile="cart")
    metres = haversine_m(locations["R1"], locations["M1"]) * 1.5
    assert large.method == cart.method == ESTIMATED
    assert large.distance("R1", "M1") == pytest.approx(metres, abs=1)
    assert large.time("R1", "M1") == pytest.approx(metres / (40 / 3.6), abs=1)
    assert cart.time("R1", "M1") == pytest.approx(metres / (10 / 3.6), abs=1)
    assert np.array_equal(large.distance_m, cart.distance_m)


def test_a_problem_file_keeps_the_estimate_and_plans_and_kpis_say_so() -> None:
    estimate = TravelEstimate(
        1.42, dict.fromkeys(SizeClass, 31.0), source="krems.osm.gz", facts={"fit_pairs": 99}
    )
    spec = estimate.spec(SizeClass.LARGE)
    assert spec["calibration"] == {"source": "krems.osm.gz", "fit_pairs": 99}
    problem = problem_from_dict(problem_to_dict(described(riverside(), {"default": spec})))
    matrix = problem.travel["default"]
    assert matrix.method == "estimated"
    a, b = problem.point_by_id["R1"].location, problem.depot_by_id["D"].location
    assert matrix.distance("R1", "D") == pytest.approx(haversine_m(a, b) * 1.42, abs=1)
    plan = plan_greedy(problem, seed=1)
    assert validate(problem, plan).ok
    assert plan.meta["travel"] == "estimated"
    kpis = compute_kpis(problem, plan)
    assert kpis.travel_method == "estimated"
    assert "estimated" in kpis.factors["distance"]


def test_a_bad_estimated_profile_names_its_field() -> None:
    raw = problem_to_dict(
        described(riverside(), {"default": {"method": "estimated", "speed_kmh": 20}})
    )
    with pytest.raises(ProblemError, match="travel profile default: detour_factor: is required"):
        problem_from_dict(raw)
    raw["travel"] = {"default": {"method": "guessed"}}
    with pytest.raises(ProblemError, match="is not one of: straight-line, estimated, given, road"):
        problem_from_dict(raw)


def test_calibration_on_a_real_extract(aguascalientes: Path) -> None:
    estimate = calibrate(aguascalientes, samples=60, seed=3)
    assert estimate.source == "aguascalientes.osm.pbf"
    assert 1.1 < estimate.detour_factor < 2.5
    assert estimate.speed_kmh[SizeClass.CART] <= 25.0  # an electric cart's top speed
    assert 15 < estimate.speed_kmh[SizeClass.LARGE] < 80
    facts = estimate.facts
    assert facts["fit_pairs"] > 100 and facts["held_out_pairs"] > 100
    # Fitted on one half of the sample, the totals of the other half come back within 15 %.
    assert 0.85 < facts["held_out_total_km_ratio"] < 1.15
    assert 0.85 < facts["held_out_total_h_ratio"] < 1.15
    assert calibrate(aguascalientes, samples=60, seed=3) == estimate  # deterministic


def test_a_calibrated_estimate_tracks_the_road_matrix_of_new_points(aguascalientes: Path) -> None:
    network = load_network(aguascalientes)
    estimate = calibrate(network, samples=60, seed=1)
    fresh = random_road_points(network, 40, seed=99, size_class=SizeClass.LARGE)
    road = road_matrix(network, fresh, size_class=SizeClass.LARGE, use_cache=False)
    guess = estimate.matrix(fresh, size_class=SizeClass.LARGE, profile="large")
    far = guess.distance_m > 500
    ratio_km = road.distance_m[far].sum() / guess.distance_m[far].sum()
    ratio_h = road.time_s[far].sum() / guess.time_s[far].sum()
    assert 0.8 < ratio_km < 1.25 and 0.8 < ratio_h < 1.25
    # The calibrated figures track the roads closer than the uncalibrated defaults do.
    default = DEFAULT_ESTIMATE.matrix(fresh, size_class=SizeClass.LARGE, profile="large")
    default_km = road.distance_m[far].sum() / default.distance_m[far].sum()
    default_h = road.time_s[far].sum() / default.time_s[far].sum()
    assert abs(ratio_km - 1) < abs(default_km - 1) and abs(ratio_h - 1) < abs(default_h - 1)


def test_gis_calibrate_prints_and_writes_the_figures(
    aguascalientes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cal.json"
    argv = ["gis", "calibrate", str(aguascalientes), "--samples", "40", "--seed", "2"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    assert printed["method"] == "estimated" and set(printed["speed_kmh"]) == {
        "cart",
        "small",
        "medium",
        "large",
        "heavy",
    }
    again = TravelEstimate.from_dict(printed)
    assert again.detour_factor == printed["detour_factor"]
    assert again.facts["samples"] == 40
