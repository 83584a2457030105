"""PVRP-IF solutions in the project's JSON form, and the published report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.errors import FieldError
from routing.pvrpif import (
    PvrpifFormatError,
    PvrpifSolution,
    parse_report,
    read_solution,
    solution_from_dict,
    solution_to_dict,
    write_solution,
)

TWO_ROUTES = PvrpifSolution("two_days", (((0, 1, 2, 4, 0), (0, 3, 4, 0)), ((0, 2, 4, 0),)))

# A report cut down to one route on each of two days, as the published files print them.
REPORT = """Solution for two_days with cost 70.0  is feasible.

Route are feasible: True
____________________________________________________________________________________________________


Instance info:
MaxDuration: 50, MaxCapacity: 12
PlanningHorizon: 2, NumVehicles: 1
Index of the depot each day: {0: 0, 1: 0}
____________________________________________________________________________________________________

Day: 0: Vehicle:0 time: 43.0  time_feasible: True  demand_feasible: True  right_depot: True cost:40.0
          0     1     2     3     4
path    0.0   1.0   2.0   4.0   0.0
demand  0.0   6.0  11.0   0.0   0.0
time    0.0  10.0  22.0  33.0  43.0
__________________________________________________
Day: 1: Vehicle:1 time: 31.0  time_feasible: True  demand_feasible: True  right_depot: True cost:30.0
          0     1     2     3
path    0.0   2.0   4.0   0.0
demand  0.0   5.0   0.0   0.0
time    0.0  10.0  21.0  31.0
__________________________________________________
____________________________________________________________________________________________________
Check the assigned schemes:
Scheme(0): options: []  assigned: [0, 1]  Correct: True
Scheme(1): options: [[0], [1]]  assigned: [0]  Correct: True
Scheme(2): options: [[0, 1]]  assigned: [0, 1]  Correct: True
"""


def test_the_json_form_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "two_days.json"
    write_solution(TWO_ROUTES, path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "instance": "two_days",
        "days": [[[0, 1, 2, 4, 0], [0, 3, 4, 0]], [[0, 2, 4, 0]]],
    }
    assert read_solution(path) == TWO_ROUTES
    assert solution_from_dict(solution_to_dict(TWO_ROUTES)) == TWO_ROUTES


def test_a_bad_route_names_its_day_and_position(tmp_path: Path) -> None:
    raw = solution_to_dict(TWO_ROUTES)
    raw["days"][0][1] = [0, "3", 4, 0]
    with pytest.raises(FieldError, match=r"^days\[0\]\[1\]: route: must be a list of node indices"):
        solution_from_dict(raw)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(FieldError, match=r"^bad\.json, days\[0\]\[1\]: route:"):
        read_solution(path)
    with pytest.raises(FieldError, match=r"^days: must be a list"):
        solution_from_dict({"instance": "x"})


def test_a_report_gives_its_routes_days_and_schemes() -> None:
    report = parse_report(REPORT, source="report_two_days.txt")
    assert (report.name, report.cost, report.feasible) == ("two_days", 70, True)
    assert (report.horizon_days, report.vehicles_per_day) == (2, 1)
    assert (report.max_duration, report.max_capacity) == (50, 12)
    assert [(r.day, r.vehicle, r.time, r.cost) for r in report.routes] == [
        (0, 0, 43, 40),
        (1, 1, 31, 30),  # the vehicle is a label: vehicle 1 may run alone
    ]
    assert report.solution == PvrpifSolution("two_days", (((0, 1, 2, 4, 0),), ((0, 2, 4, 0),)))
    assert [(s.node, s.options, s.assigned, s.correct) for s in report.schemes] == [
        (0, (), (0, 1), True),
        (1, ((0,), (1,)), (0,), True),
        (2, ((0, 1),), (0, 1), True),
    ]


def test_a_bad_report_line_is_named() -> None:
    with pytest.raises(PvrpifFormatError, match=r"^r\.txt, line 1: title: must read"):
        parse_report("Nothing here", source="r.txt")
    with pytest.raises(PvrpifFormatError, match=r"^r\.txt, line 15: path: must be a number"):
        parse_report(REPORT.replace("path    0.0   1.0", "path    0.0   one"), source="r.txt")
    with pytest.raises(PvrpifFormatError, match=r"^r\.txt, line 13: cost: must be a whole number"):
        parse_report(REPORT.replace("cost:40.0", "cost:40.5"), source="r.txt")
    with pytest.raises(PvrpifFormatError, match=r"line 28: options: must be a list of lists"):
        parse_report(REPORT.replace("options: [[0], [1]]", "options: [0, 1]"), source="r.txt")
    with pytest.raises(PvrpifFormatError, match=r"^r\.txt: Day: 2 is beyond the planning horizon"):
        parse_report(REPORT.replace("Day: 1: Vehicle:1", "Day: 2: Vehicle:1"), source="r.txt")
    with pytest.raises(PvrpifFormatError, match=r"^r\.txt, line 28: Scheme: cannot be read"):
        parse_report(REPORT.replace("Correct: True\nScheme(2)", "\nScheme(2)"), source="r.txt")
