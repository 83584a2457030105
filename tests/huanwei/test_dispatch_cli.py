"""``huanwei dispatch`` as a dispatcher runs it: files in, a changed plan out, valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huanwei.cli import main
from routing.plan_file import read_plan, write_plan
from routing.problem_file import read_problem, write_problem
from routing.validation import validate
from tests.factories import described, riverside, riverside_plan

STRAIGHT = {"default": {"method": "straight-line", "speed_kmh": 30.0, "detour_factor": 1.3}}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    problem = riverside()
    write_problem(described(problem, STRAIGHT), tmp_path / "problem.json")
    write_plan(riverside_plan(problem), tmp_path / "plan.json")
    return tmp_path / "problem.json", tmp_path / "plan.json"


URGENT = ["--id", "U1", "--stream", "residual", "--kg", "300", "--litres", "500"]
URGENT += ["--at-point", "R2", "--deadline", "14:00", "--now", "07:00"]


def test_urgent_lists_slots_then_applies_one_that_validates_from_its_files(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem, plan = map(str, files)
    assert main(["dispatch", "urgent", problem, plan, *URGENT, "--json"]) == 0
    slots = json.loads(capsys.readouterr().out)["slots"]
    assert slots and slots[0]["rank"] == 1
    out, out_problem = tmp_path / "urgent.json", tmp_path / "urgent-problem.json"
    args = ["--apply", "1", "--out", str(out), "--out-problem", str(out_problem)]
    assert main(["dispatch", "urgent", problem, plan, *URGENT, *args]) == 0
    assert "valid" in capsys.readouterr().out
    # Read back as a user would: the problem file rebuilds its matrices with the new point.
    new_problem, new_plan = read_problem(out_problem), read_plan(out)
    assert validate(new_problem, new_plan).ok
    assert any(s.point_id == "U1" for _r, _t, s in new_plan.served_visits())


def test_breakdown_and_reoptimise_write_valid_plans(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    problem, plan = map(str, files)
    out = tmp_path / "b.json"
    assert (
        main(
            [
                "dispatch",
                "breakdown",
                problem,
                plan,
                "--vehicle",
                "C1",
                "--at",
                "04:36",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert validate(read_problem(files[0]), read_plan(out)).ok
    out = tmp_path / "r.json"
    locks = ["--lock-vehicle", "C1", "--lock-trip", "K1/S1/1", "--lock-visit", "M1/1"]
    assert main(["dispatch", "reoptimise", problem, plan, *locks, "--out", str(out)]) == 0
    assert validate(read_problem(files[0]), read_plan(out)).ok


def test_a_bad_reports_file_names_the_report_and_field(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports.json"
    reports.write_text(
        json.dumps(
            [
                {"point_id": "R2", "status": "skipped", "reason": "x"},
                {"point_id": "R3", "status": "lost"},
            ]
        )
    )
    args = [
        "dispatch",
        "feedback",
        *map(str, files),
        "--reports",
        str(reports),
        "--out",
        str(tmp_path / "f.json"),
    ]
    assert main(args) == 2
    assert "report 2: status: must be done or skipped" in capsys.readouterr().err


def test_an_impossible_pickup_exits_1_with_the_reasons(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a if a != "300" else "90000" for a in URGENT]
    assert main(["dispatch", "urgent", *map(str, files), *args]) == 1
    assert "CP" in capsys.readouterr().out


def test_balance_prints_the_figures(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dispatch", "balance", *map(str, files)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["routes"] == 5 and figures["longest_over_shortest"] >= 1.0
