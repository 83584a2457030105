"""Scenario files: TOML read into changes, and every defect named by its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.domain import FacilityKind, WasteStream
from routing.errors import ProblemError
from scenarios.changes import AddFacility, DemandChange, FleetChange, ShiftChange
from scenarios.scenario_file import ScenarioError, read_scenario
from scenarios.siting import read_siting
from scenarios.toml_lines import key_lines

FILES = Path(__file__).resolve().parents[2] / "scenarios" / "files"


def write(tmp_path: Path, text: str, name: str = "what-if.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """\
name = "test"

[base]
scenario = "district-baseline"
seed = 1
scale = 0.05
"""


def test_key_lines_locate_tables_arrays_and_keys() -> None:
    text = BASE + (
        "\n[[changes]]\n"  # line 8
        'type = "demand"\n'  # 9
        "growth_pct = 15\n"  # 10
        "\n[[changes]]\n"  # 12
        'type = "shifts"\n'  # 13
        "shifts = [\n"  # 14
        '  { id = "S1", hours = "05:00-13:00" },\n'  # 15
        "]\n"  # 16
        "crew_max_work_h = 8  # [not a table]\n"  # 17
    )
    lines = key_lines(text)
    assert lines[("base", "scale")] == 6
    assert lines[("changes", 0)] == 8
    assert lines[("changes", 0, "growth_pct")] == 10
    assert lines[("changes", 1)] == 12
    assert lines[("changes", 1, "shifts")] == 14
    assert lines[("changes", 1, "crew_max_work_h")] == 17


def test_every_shipped_scenario_file_reads(tmp_path: Path) -> None:
    sitings = sorted(FILES.glob("siting-*.toml"))
    assert [len(read_siting(path).candidates) for path in sitings] == [5]
    names = {read_scenario(path).name for path in set(FILES.glob("*.toml")) - set(sitings)}
    assert {"baseline", "second-landfill", "one-new-station", "two-new-stations"} <= names
    assert "waste-plus-15" in names


def test_changes_are_read_with_units_converted() -> None:
    scenario = read_scenario(FILES / "two-new-stations.toml")
    demand, first, second = scenario.changes
    assert isinstance(demand, DemandChange) and demand.factor == pytest.approx(1.15)
    assert isinstance(first, AddFacility) and first.kind is FacilityKind.TRANSFER_STATION
    assert isinstance(second, AddFacility) and second.figures.capacity_t == 80
    assert second.where.startswith("line ")
    shifts = read_scenario(FILES / "two-shifts.toml").changes[0]
    assert isinstance(shifts, ShiftChange)
    assert [(s.start_s, s.end_s) for s in shifts.shifts] == [(18000, 46800), (46800, 75600)]
    kitchen = read_scenario(FILES / "kitchen-doubles.toml").changes
    assert isinstance(kitchen[0], DemandChange) and kitchen[0].streams == {WasteStream.KITCHEN}
    assert isinstance(kitchen[1], FleetChange) and kitchen[1].add == 2


def test_bad_fields_are_named_with_their_lines(tmp_path: Path) -> None:
    text = BASE + (
        "\n[[changes]]\n"  # 8
        'type = "add-facility"\n'  # 9
        'id = "station-3"\n'  # 10
        "lon = 24.94\n"  # 11
        "lat = 95.0\n"  # 12
        'capacity_t = "lots"\n'  # 13
        "\n[[changes]]\n"  # 15
        'type = "demolish"\n'  # 16
        "\n[[changes]]\n"  # 18
        'type = "fleet"\n'  # 19
        'vehicle_type = "compactor-8t"\n'  # 20
        "add = -2\n"  # 21
        "colour = 3\n"  # 22
    )
    with pytest.raises(ScenarioError) as caught:
        read_scenario(write(tmp_path, text))
    message = str(caught.value)
    assert "what-if.toml has 5 defects" in message
    assert "line 12: changes[0] (add-facility): lat: must be within ±90" in message
    assert "line 13: changes[0] (add-facility): capacity_t: must be a number" in message
    assert "line 16: changes[1] (demolish): type: 'demolish' is not one of" in message
    assert (
        "line 21: changes[2] (fleet): add: must be 0 or more and at most 100,000, got -2" in message
    )
    assert "line 22: changes[2] (fleet): colour: is not a field here" in message


def test_missing_base_and_toml_syntax_errors_are_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"base: base: is required"):
        read_scenario(write(tmp_path, 'name = "x"\n'))
    with pytest.raises(ScenarioError, match=r"line 2, column \d+: toml:"):
        read_scenario(write(tmp_path, 'name = "x"\nscale = = 3\n'))
    with pytest.raises(ScenarioError, match=r"line 3: base: scenario: 'nowhere' is not one of"):
        read_scenario(write(tmp_path, '[base]\nseed = 1\nscenario = "nowhere"\n'))
    problem_missing = '[base]\nproblem = "absent.json"\n'
    with pytest.raises(ScenarioError, match=r"line 2: base: problem: no problem file at"):
        read_scenario(write(tmp_path, problem_missing))


def test_a_change_type_that_is_not_a_string_is_named(tmp_path: Path) -> None:
    # A list is unhashable: it once escaped as a TypeError (a 500 through the API).
    text = BASE + '\n[[changes]]\ntype = ["fleet"]\n\n[[changes]]\ntype = 3\n'
    with pytest.raises(ScenarioError) as caught:
        read_scenario(write(tmp_path, text))
    message = str(caught.value)
    assert "changes[0]: type: ['fleet'] is not one of" in message
    assert "changes[1]: type: 3 is not one of" in message


def test_scenario_error_is_a_problem_error() -> None:
    assert issubclass(ScenarioError, ProblemError)
