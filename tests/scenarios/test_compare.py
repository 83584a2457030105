"""``huanwei scenario compare`` on the tiny district ``riverside``: the report's content, and
every plan judged again by the validator from the files the report wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huanwei.cli import main
from routing.plan_file import read_plan
from routing.problem_file import write_problem
from routing.validation import validate
from scenarios.base import scenario_problem
from scenarios.scenario_file import read_scenario
from tests.factories import described, riverside

TRAVEL = {"default": {"method": "straight-line", "speed_kmh": 30.0, "detour_factor": 1.3}}


def scenario_files(folder: Path) -> list[Path]:
    """A reference and two what-ifs on ``riverside``, written as a user would write them."""
    write_problem(described(riverside(), TRAVEL), folder / "riverside.json")
    head = '[base]\nproblem = "riverside.json"\n\n[solve]\nseed = 1\niterations = 20\n'
    files = {
        "before.toml": 'name = "before"\n' + head,
        "station.toml": 'name = "new-station"\ndescription = "a second station"\n'
        + head
        + '\n[[changes]]\ntype = "add-facility"\nid = "TS2"\nlike = "TS"\n'
        'near = "D"\neast_km = 0.8\nnorth_km = 0.3\n',
        "growth.toml": 'name = "growth"\n'
        + head
        + '\n[[changes]]\ntype = "demand"\ngrowth_pct = 40\nstreams = ["residual"]\n',
    }
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], int]:
    folder = tmp_path_factory.mktemp("compare")
    files = scenario_files(folder)
    out = folder / "report"
    options = ["--out", str(out), "--workers", "1", "--time-limit", "10"]
    status = main(["scenario", "compare", *map(str, files), *options])
    return out, files, status


def test_compare_writes_json_with_the_figures_side_by_side(
    compared: tuple[Path, list[Path], int],
) -> None:
    out, _, status = compared
    assert status == 0
    report = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert report["format"] == "huanwei-scenario-comparison/1"
    assert report["reference"] == "before"
    names = [s["name"] for s in report["scenarios"]]
    assert names == ["before", "new-station", "growth"]
    for s in report["scenarios"]:
        assert s["valid"] and not s["error"]
        figures = s["figures"]
        for key in ("km", "truck_hours", "tonne_km", "cost_yuan", "co2_kg", "on_board_min_max"):
            assert figures[key] > 0, key
        assert s["vehicles_per_shift"] and s["facility_inflow_kg_by_hour"]
        assert sum(s["unserved_reasons"].values()) == figures["visits_unserved"]
    before, station, growth = report["scenarios"]
    assert before["vs_reference"]["km"] == {"change": 0.0, "pct": 0.0}
    assert station["changes"] == ["open transfer_station TS2 +0.8 km east, +0.3 km north of D"]
    assert "TS2" in station["size"] or station["size"]["facilities"] == 5
    assert growth["tonnes_by_stream"]["residual"] == pytest.approx(
        1.4 * before["tonnes_by_stream"]["residual"], rel=0.01
    )
    expected = growth["figures"]["cost_yuan"] - before["figures"]["cost_yuan"]
    assert growth["vs_reference"]["cost_yuan"]["change"] == pytest.approx(expected, abs=0.01)


def test_compare_writes_html_with_charts_and_attributed_maps(
    compared: tuple[Path, list[Path], int],
) -> None:
    out, _, _ = compared
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert html.count("<svg") >= 10
    maps = html.count("Route maps") and html.split("Route maps")[1]
    assert maps and maps.count("<svg") == 3
    assert maps.count("© OpenStreetMap contributors") >= 3
    for label in ("truck-hours", "tonne-km", "vehicles needed per shift", "facility inflow"):
        assert label in html


def test_every_plan_written_passes_the_validator(compared: tuple[Path, list[Path], int]) -> None:
    out, files, _ = compared
    for path in files:
        scenario = read_scenario(path)
        plan = read_plan(out / "plans" / f"{scenario.name}.json")
        report = validate(scenario_problem(scenario), plan)
        assert report.ok, report.violations[:3]


def test_duplicate_names_and_bad_files_exit_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = scenario_files(tmp_path)
    status = main(["scenario", "check", str(files[0]), str(files[0])])
    assert status == 2
    assert "names must differ" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[base]\nproblem = "riverside.json"\n[[changes]]\ntype = "demand"\n')
    assert main(["scenario", "check", str(bad)]) == 2
    assert "line 3: changes[0] (demand): growth_pct: give exactly one" in capsys.readouterr().err


def test_each_plan_names_its_engine_and_travel(compared: tuple[Path, list[Path], int]) -> None:
    out, _, _ = compared
    report = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    for s in report["scenarios"]:
        assert s["engine"] in ("optimiser", "greedy")
        assert s["travel"] == "straight-line"
    engines = {s["engine"] for s in report["scenarios"]}
    assert bool(report["caveats"]) == (len(engines) > 1)


def test_plans_of_different_engines_or_travel_are_said_to_differ_before_any_figure() -> None:
    from scenarios.report import caveats

    rows = [
        {"name": "before", "engine": "optimiser", "travel": "road"},
        {"name": "after", "engine": "greedy", "travel": "straight-line"},
    ]
    said = caveats({"scenarios": rows})
    assert len(said) == 2
    assert "different engines (before: optimiser; after: greedy)" in said[0]
    assert "different travel (before: road; after: straight-line)" in said[1]
    assert caveats({"scenarios": [rows[0], {**rows[0], "name": "again"}]}) == []
