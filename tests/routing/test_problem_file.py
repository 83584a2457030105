"""The problem file: round trip, and one message naming every bad record and field."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from routing.errors import ProblemError
from routing.problem_file import problem_from_dict, problem_to_dict, read_problem, write_problem
from tests.factories import described, riverside


def test_round_trip_keeps_every_record_and_matrix(tmp_path: Path) -> None:
    problem = riverside()
    write_problem(problem, tmp_path / "p.json")
    again = read_problem(tmp_path / "p.json")
    assert problem_to_dict(again) == problem_to_dict(problem)
    assert again.points == problem.points
    assert again.zones == problem.zones
    assert np.array_equal(again.travel["default"].time_s, problem.travel["default"].time_s)


def test_addresses_and_notes_round_trip_and_are_written_only_when_known(tmp_path: Path) -> None:
    problem = riverside()
    first = dataclasses.replace(problem.points[0], address="山东路 12 号", note="后门")
    problem = problem.replace(points=(first, *problem.points[1:]))
    raw = problem_to_dict(problem)
    assert raw["points"][0]["address"] == "山东路 12 号" and raw["points"][0]["note"] == "后门"
    assert "address" not in raw["points"][1] and "note" not in raw["points"][1]
    write_problem(problem, tmp_path / "p.json")
    assert read_problem(tmp_path / "p.json").points == problem.points


def test_straight_line_travel_is_rebuilt_from_its_parameters() -> None:
    problem = riverside()
    spec = {"default": {"method": "straight-line", "speed_kmh": 30.0, "detour_factor": 1.3}}
    again = problem_from_dict(problem_to_dict(described(problem, spec)))
    assert np.array_equal(again.travel["default"].distance_m, problem.travel["default"].distance_m)
    assert again.travel["default"].method == "straight-line"


def _raw() -> dict[str, object]:
    spec = {"default": {"method": "straight-line"}}
    return problem_to_dict(described(riverside(), spec))


def test_several_defects_are_listed_in_one_error() -> None:
    raw = _raw()
    points = raw["points"]
    assert isinstance(points, list)
    points[0]["kg_per_day"] = -5
    points[1]["stream"] = "garbage"
    points[1]["service_s"] = "soon"
    points[2]["time_windows"] = ["09:00-07:00"]
    raw["vehicles"][0]["type_id"] = "truck-x"  # type: ignore[index]
    raw["shifts"][1]["start_s"] = "25:61"  # type: ignore[index]
    raw["facilities"][0]["container_kg"] = 10**6  # type: ignore[index]
    with pytest.raises(ProblemError) as caught:
        problem_from_dict(raw, source="district.json")
    text = str(caught.value)
    expected = [
        ("collection point R1", "kg_per_day"),
        ("collection point R2", "stream"),
        ("collection point R2", "service_s"),
        ("collection point R3", "time_windows"),
        ("vehicle C1", "type_id"),
        ("shift S2", "start_s"),
        ("facility TS", "container_kg"),
    ]
    for record, field in expected:
        assert f"{record}: {field}:" in text
    assert text.startswith("district.json has")
    assert len(caught.value.defects) == len(expected)


def test_duplicate_ids_and_missing_matrix_rows_are_defects() -> None:
    raw = _raw()
    raw["points"].append(dict(raw["points"][0]))  # type: ignore[union-attr]
    raw["travel"] = {
        "default": {"method": "given", "location_ids": ["D"], "distance_m": [[0]], "time_s": [[0]]}
    }
    with pytest.raises(ProblemError) as caught:
        problem_from_dict(raw)
    messages = [str(d) for d in caught.value.defects]
    assert "collection point R1: id: is used by more than one record" in messages
    assert any(m.startswith("travel matrix default: location_ids: lacks") for m in messages)


def test_a_file_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"points": [1,,2]}')
    with pytest.raises(ProblemError, match=r"line 1, column 15"):
        read_problem(path)


def test_a_list_where_an_object_is_expected() -> None:
    raw = _raw()
    raw["depots"] = "D"
    with pytest.raises(ProblemError, match="problem: depots: must be a list"):
        problem_from_dict(raw)


def test_unknown_format_is_refused() -> None:
    raw = _raw()
    raw["format"] = "something-else/9"
    with pytest.raises(ProblemError, match="format"):
        problem_from_dict(json.loads(json.dumps(raw)))
