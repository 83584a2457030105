"""Each travel profile's matrix covers only what its vehicles may visit (city-scale memory)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from routing.domain import CollectionPoint, Location, WasteStream
from routing.plan import Plan
from routing.problem import profile_locations
from routing.problem_file import read_problem, write_problem
from routing.solve import solve
from routing.travel import TravelMatrix
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district
from tests.factories import described, riverside, schedule

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


def test_a_profile_covers_the_points_its_bodies_may_carry_and_every_depot_and_facility() -> None:
    problem = generate_district(BOX, seed=3, spec=DistrictSpec(scale=0.05))
    needed = profile_locations(
        problem.points, problem.depots, problem.facilities, problem.vehicle_types, problem.rules
    )
    streams = {p.id: p.stream for p in problem.points}
    fixed = {d.id for d in problem.depots} | {f.id for f in problem.facilities}
    # Kitchen tankers and suction tankers share the medium profile: kitchen and night soil only.
    medium = {streams[i] for i in needed["medium"] if i in streams}
    assert medium == {WasteStream.KITCHEN, WasteStream.NIGHT_SOIL}
    assert set(needed["heavy"]) == fixed  # hook-lifts carry containers, never a bin
    for profile, matrix in problem.travel.items():
        assert matrix.location_ids == needed[profile]
    assert len(problem.travel["medium"].location_ids) < len(problem.points) // 2


def test_a_restricted_problem_reads_back_with_the_same_matrices(tmp_path: Path) -> None:
    problem = generate_district(BOX, seed=3, spec=DistrictSpec(scale=0.05))
    spec = {"method": "straight-line", "speed_kmh": 25.0, "detour_factor": 1.3}
    write_problem(described(problem, dict.fromkeys(problem.travel, spec)), tmp_path / "p.json")
    again = read_problem(tmp_path / "p.json")
    for profile in ("medium", "small", "heavy"):
        assert again.travel[profile].location_ids == problem.travel[profile].location_ids
        assert np.array_equal(again.travel[profile].time_s, problem.travel[profile].time_s)


def test_every_plan_on_restricted_matrices_passes_the_validator() -> None:
    problem = generate_district(BOX, seed=4, spec=DistrictSpec(scale=0.05))
    plan = solve(problem, time_limit_s=30.0, seed=1, max_iterations=100, workers=1)
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]


def test_a_vehicle_sent_where_its_profile_has_no_road_is_reported_not_a_crash() -> None:
    base = riverside()
    # The kitchen tanker gets a profile of its own that lacks the residual points.
    matrix = base.travel["default"]
    keep = [i for i in matrix.location_ids if base.point_by_id.get(i, _NOT_R).stream != _R]
    index = [matrix.index[i] for i in keep]
    own = TravelMatrix(
        "tank",
        tuple(keep),
        matrix.distance_m[np.ix_(index, index)],
        matrix.time_s[np.ix_(index, index)],
    )
    types = tuple(
        dataclasses.replace(t, profile="tank") if t.id == "tank" else t for t in base.vehicle_types
    )
    problem = base.replace(vehicle_types=types, travel={**base.travel, "tank": own})
    # Timed on the full matrix (the tests' own arithmetic), judged on the restricted one.
    wrong = schedule(base, "K1", "S1", "crew03", [(_R, [("R1", 0)], "TS")])
    rules = validate(problem, Plan(problem.name, (wrong,))).by_rule()
    assert rules.get("CT1") and rules.get("TIME")


_R = WasteStream.RESIDUAL
_NOT_R = CollectionPoint("x", Location(0, 0), WasteStream.KITCHEN, 1, 1, 1)
