"""The plan file: round trip, errors naming the record path and field, and GeoJSON."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from routing.errors import PlanFormatError
from routing.plan import Candidate, Haul, RunStats, Unserved
from routing.plan_file import plan_from_dict, plan_to_dict, plan_to_geojson, read_plan, write_plan
from routing.solve import plan_greedy
from tests.factories import riverside, riverside_plan


def test_round_trip_is_exact(tmp_path: Path) -> None:
    problem = riverside()
    plan = plan_greedy(problem)
    plan = type(plan)(
        plan.problem_name,
        plan.routes,
        (*plan.hauls, Haul("H1", "TS", "LF", 40000, 41000, 1, 2000)),
        (Unserved("R1", 0, "SH1", "truck in repair"),),
        {"solver": "greedy", "seed": 3, "seconds": 0.5},
    )
    write_plan(plan, tmp_path / "plan.json")
    assert read_plan(tmp_path / "plan.json") == plan


def test_errors_name_the_path_of_the_record_and_the_field() -> None:
    raw = plan_to_dict(riverside_plan())
    raw["routes"][1]["trips"][0]["visits"][0]["arrival_s"] = "5 am"
    raw["routes"][2]["crew"] = 7
    raw["routes"][0]["trips"][0]["stream"] = "mixed"
    raw["hauls"] = [{"vehicle": "H1"}]
    with pytest.raises(PlanFormatError) as caught:
        plan_from_dict(raw, source="plan.json")
    messages = [str(d) for d in caught.value.defects]
    assert "routes[1].trips[0].visits[0]: arrival_s: must be an integer, got '5 am'" in messages
    assert "routes[2]: crew: must be a text, got 7" in messages
    assert any(m.startswith("routes[0].trips[0]: stream:") for m in messages)
    assert any(m.startswith("hauls[0]: station: is required") for m in messages)


def test_geojson_has_a_line_per_trip_and_a_point_per_stop() -> None:
    problem = riverside()
    plan = riverside_plan(problem)
    geo = plan_to_geojson(problem, plan)
    kinds = [f["properties"]["kind"] for f in geo["features"]]
    trips = sum(len(r.trips) for r in plan.routes)
    visits = sum(len(t.visits) for r in plan.routes for t in r.trips)
    assert kinds.count("trip") == trips
    assert kinds.count("visit") == visits
    assert kinds.count("unload") == trips
    first_line = next(f for f in geo["features"] if f["properties"]["kind"] == "trip")
    depot = problem.depot_by_id["D"].location
    assert first_line["geometry"]["coordinates"][0] == [depot.lon, depot.lat]
    assert first_line["geometry"]["coordinates"][-1] == [depot.lon, depot.lat]


def test_run_statistics_round_trip_and_old_files_without_them_still_read(tmp_path: Path) -> None:
    problem = riverside()
    stats = RunStats(
        engine="optimiser",
        chosen="pyvrp+ortools",
        seed=3,
        seconds=2.5,
        phases=(("greedy", 0.1), ("search", 2.2)),
        time_limit_s=60.0,
        iterations=200,
        searches=2,
        streams=("residual", "kitchen"),
        routing_library_kept=1,
        placed_again=0,
        optimiser=Candidate(0, 1234.5, True),
        greedy=Candidate(1, 1300.0, True),
    )
    plan = dataclasses.replace(plan_greedy(problem), stats=stats)
    write_plan(plan, tmp_path / "plan.json")
    assert read_plan(tmp_path / "plan.json") == plan
    assert plan_to_dict(plan)["stats"]["phases_s"] == {"greedy": 0.1, "search": 2.2}
    # A file from before plans carried statistics: its figures stay in meta, as written.
    old = plan_to_dict(plan) | {"meta": {"solver": "greedy", "phases_s": "greedy 0.1"}}
    del old["stats"]
    read = plan_from_dict(old)
    assert read.stats is None and read.meta["phases_s"] == "greedy 0.1"


def test_bad_run_statistics_are_named_by_field() -> None:
    raw = plan_to_dict(plan_greedy(riverside())) | {
        "stats": {"engine": "optimiser", "chosen": "greedy", "seed": 1, "seconds": "slow"}
    }
    with pytest.raises(PlanFormatError, match="seconds"):
        plan_from_dict(raw)
