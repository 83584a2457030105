"""The Huangdao district: 3,000 real sites (Lan et al. 2022) in GCJ-02, on estimated travel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gis_data.coords import gcj02_to_wgs84
from routing.domain import Location, TimeWindow, WasteStream
from routing.errors import ProblemError
from routing.kpi import compute_kpis
from routing.problem_file import problem_from_dict, problem_to_dict
from routing.solve import solve
from routing.travel import haversine_m
from routing.travel_estimate import DEFAULT_ESTIMATE, TravelEstimate
from routing.units import HOUR
from routing.validation import validate
from scenarios import load_scenario
from scenarios.huangdao import (
    HuangdaoData,
    HuangdaoSpec,
    data_dir,
    huangdao_problem,
    read_huangdao,
)

# The first site of WasteCollectionSites.json, as the file gives it (micro-degrees).
FIRST_SITE = ("5ab567df5e27e56ec5f66fb4", 120130433, 36090514)


@pytest.fixture(scope="module")
def data() -> HuangdaoData:
    if not (data_dir() / "WasteCollectionSites.json").is_file():
        pytest.fail(f"real data missing: {data_dir()} (kept beside the repository, not in git)")
    return read_huangdao()


def test_the_files_read_and_move_from_gcj02_to_wgs84(data: HuangdaoData) -> None:
    assert len(data.sites) == 3000 and len(data.depots) == 3 and len(data.disposal) == 3
    assert len({s.id for s in data.sites}) == 3000
    first = data.sites[0]
    ident, lng, lat = FIRST_SITE
    assert first.id == ident and first.capacity == 480 and first.service_s == 60
    gcj = (lng / 1e6, lat / 1e6)
    assert (first.location.lon, first.location.lat) == pytest.approx(gcj02_to_wgs84(*gcj))
    assert 300 < haversine_m(first.location, Location(*gcj)) < 700  # GCJ-02's offset here
    assert sum(s.capacity for s in data.sites) == 5_009_520  # SOURCE.txt
    assert all(119.5 < s.location.lon < 120.3 and 35.5 < s.location.lat < 36.2 for s in data.sites)
    # One disposal facility shares a depot's place and id in the data.
    assert {i for i, _ in data.depots} & {i for i, _ in data.disposal}


def test_the_whole_district_day(data: HuangdaoData) -> None:
    problem = huangdao_problem(data=data)
    assert len(problem.points) == 3000 and len(problem.depots) == 3
    assert len(problem.facilities) == 3 and len(problem.vehicles) == 36
    assert {p.stream for p in problem.points} == {WasteStream.RESIDUAL}
    assert sum(p.kg_per_day for p in problem.points) == 1_001_904  # 5,009,520 L at 200 kg/m³
    assert {p.time_windows for p in problem.points} == {(TimeWindow(7 * HOUR, 17 * HOUR),)}
    assert [m.method for m in problem.travel.values()] == ["estimated"]
    # Ids are unique across records although the data gives a depot and a facility one id.
    assert {d.id for d in problem.depots} == {"depot-1", "depot-2", "depot-3"}


def test_the_scenario_is_registered() -> None:
    problem = load_scenario("huangdao")
    assert problem.name == "huangdao" and len(problem.points) == 3000
    matrix = problem.travel["large"]
    a, b = problem.points[0].location, problem.points[1].location
    expected = haversine_m(a, b) * DEFAULT_ESTIMATE.detour_factor
    assert matrix.distance(problem.points[0].id, problem.points[1].id) == pytest.approx(
        expected, abs=1
    )


def test_a_subset_is_planned_and_the_plan_passes_the_validator(data: HuangdaoData) -> None:
    estimate = TravelEstimate(1.43, dict(DEFAULT_ESTIMATE.speed_kmh), source="test")
    problem = huangdao_problem(data=data, spec=HuangdaoSpec(sites=60), estimate=estimate)
    assert len(problem.points) == 60 and len(problem.vehicles) == 3  # one compactor a depot
    plan = solve(problem, time_limit_s=30, seed=1, max_iterations=200)
    report = validate(problem, plan)
    assert report.ok, report.by_rule()
    kpis = compute_kpis(problem, plan)
    assert kpis.visits_served + kpis.visits_unserved == 60 and kpis.visits_served >= 55
    assert all(u.rule and u.reason for u in plan.unserved)  # what is left out is explained (ALL)
    assert plan.meta["travel"] == "estimated" and kpis.travel_method == "estimated"
    # The problem file states the estimate; read back, it plans to the same judge.
    raw = problem_to_dict(problem)
    assert raw["travel"]["large"]["calibration"] == {"source": "test"}
    again = problem_from_dict(json.loads(json.dumps(raw)))
    assert validate(again, plan).ok


def test_missing_or_bad_data_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match=r"WasteCollectionSites\.json: file: is missing"):
        read_huangdao(tmp_path)
    site = {"id": "s1", "lng": 120100000, "lat": "36.1", "capacity": 240, "stopLength": 60}
    (tmp_path / "WasteCollectionSites.json").write_text(
        json.dumps({"point": [site | {"workTimes": [["07:00", "17:00"]]}, {"id": "s2"}]})
    )
    (tmp_path / "Depots.json").write_text(json.dumps({"depot": [{"id": "d", "lng": 1}]}))
    (tmp_path / "DisposalFacilities.json").write_text(json.dumps({"disposal_facility": []}))
    with pytest.raises(ProblemError) as caught:
        read_huangdao(tmp_path)
    found = {(d.record, d.field) for d in caught.value.defects}
    assert ("site s1", "lat") in found
    assert {("site s2", f) for f in ("lng", "lat", "capacity", "stopLength", "workTimes")} <= found
    assert ("depot #1", "lat") in found
