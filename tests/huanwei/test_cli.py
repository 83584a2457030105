"""The command line as a user runs it: exit codes, messages, no tracebacks on bad input."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from huanwei.cli import build_parser, main
from routing.plan_file import plan_to_dict, write_plan
from routing.problem_file import write_problem
from tests.factories import riverside, riverside_plan


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    problem = riverside()
    write_problem(problem, tmp_path / "problem.json")
    write_plan(riverside_plan(problem), tmp_path / "plan.json")
    return tmp_path / "problem.json", tmp_path / "plan.json"


def test_validate_a_valid_plan_exits_0(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(files[0]), str(files[1])]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_prints_each_violation_and_exits_1(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw = plan_to_dict(riverside_plan())
    raw["routes"][3]["crew"] = "crew03"
    raw["routes"] = raw["routes"][:4]
    files[1].write_text(json.dumps(raw))
    assert main(["validate", str(files[0]), str(files[1])]) == 1
    out = capsys.readouterr().out
    assert "[SH1] crew crew03" in out
    assert "[ALL] point T1 visit 0" in out


def test_validate_json_report(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", str(files[0]), str(files[1])]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "by_rule": {}, "violations": []}


def test_kpi_prints_figures(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", str(files[0]), str(files[1])]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["visits_served"] == 8
    assert figures["tonnes_by_stream"]["residual"] == 2.7


def test_sheets_writes_route_sheets_as_excel_and_pdf(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("sheets.xlsx", "sheets.pdf"):
        out = tmp_path / name
        assert main(["sheets", str(files[0]), str(files[1]), "--out", str(out)]) == 0
        assert out.stat().st_size > 1000
        assert "route sheets in" in capsys.readouterr().out
    assert (tmp_path / "sheets.pdf").read_bytes().startswith(b"%PDF")
    assert main(["sheets", str(files[0]), str(files[1]), "--out", str(tmp_path / "x.doc")]) == 2
    assert "--out must end in .xlsx or .pdf" in capsys.readouterr().err


def test_a_bad_problem_file_is_one_message_without_traceback(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    bad = tmp_path / "bad.json"
    raw = json.loads(files[0].read_text())
    raw["points"][0]["kg_per_day"] = "lots"
    raw["vehicles"][1]["depot_id"] = "nowhere"
    bad.write_text(json.dumps(raw))
    done = subprocess.run(
        [sys.executable, "-m", "huanwei", "validate", str(bad), str(files[1])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "collection point R1: kg_per_day: must be an integer, got 'lots'" in done.stderr
    assert "vehicle E1: depot_id: no depot 'nowhere'" in done.stderr


def test_a_missing_file_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "none.json"), str(tmp_path / "none2.json")]) == 2
    assert "No such file" in capsys.readouterr().err


def test_an_os_error_without_a_file_names_no_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # e.g. `huanwei serve` on a port already taken: the error has no file name to print.
    def run(args: object) -> int:
        raise OSError(98, "Address already in use")

    parser = build_parser()
    monkeypatch.setattr(parser, "parse_args", lambda argv: argparse.Namespace(run=run))
    monkeypatch.setattr("huanwei.cli.build_parser", lambda: parser)
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == "huanwei: Address already in use\n"


def test_plan_command_writes_a_valid_plan(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    args = ["plan", "--problem", str(files[0]), "--out", str(out), "--time-limit", "2"]
    assert main([*args, "--iterations", "100", "--geojson", str(tmp_path / "g.geojson")]) == 0
    assert main(["validate", str(files[0]), str(out)]) == 0
    assert json.loads((tmp_path / "g.geojson").read_text())["type"] == "FeatureCollection"


def test_plan_command_reads_tuning_constants_from_a_file(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.toml"
    params.write_text("routing_share = 0.5\ngreedy_candidates = 20\n", "utf-8")
    out = tmp_path / "plan.json"
    args = ["plan", "--problem", str(files[0]), "--out", str(out), "--time-limit", "2"]
    assert main([*args, "--iterations", "50", "--params", str(params), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "seconds by phase: greedy " in printed
    assert json.loads(out.read_text())["stats"]["iterations"] == 50
    params.write_text("routing_share = 2\n", "utf-8")
    assert main([*args, "--params", str(params)]) == 2
    assert "routing_share: must be a share between 0 and 1" in capsys.readouterr().err


def test_demo_runs_end_to_end_on_a_small_district(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--scale", "0.1", "--time-limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "valid: the plan keeps every rule" in out
    for name in ("problem.json", "plan.json", "plan.geojson", "kpis.json", "validation.json"):
        assert (tmp_path / name).stat().st_size > 0
    assert main(["validate", str(tmp_path / "problem.json"), str(tmp_path / "plan.json")]) == 0


def test_plan_a_named_scenario_on_real_roads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "baseline.json"
    osm = (
        Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm" / "Helsinki.osm.pbf"
    )
    args = ["plan", "--scenario", "district-baseline", "--osm", str(osm), "--time-limit", "4"]
    assert main([*args, "--seed", "2", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "district-baseline: 1520 points" in printed
    assert "valid: the plan keeps every rule" in printed
    assert json.loads(out.read_text())["problem"] == "district-baseline"


def test_an_unknown_scenario_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["plan", "--scenario", "atlantis", "--out", str(tmp_path / "x.json")]) == 2
    assert "scenario 'atlantis': name: is not one of: district-baseline" in capsys.readouterr().err


def test_bench_compares_with_plain_pyvrp(capsys: pytest.CaptureFixture[str]) -> None:
    osm = (
        Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm" / "Helsinki.osm.pbf"
    )
    assert main(["bench", "pyvrp", "--osm", str(osm), "--time-limit", "3", "--seed", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["huanwei"]["valid"] is True
    assert result["pyvrp"]["clients"] <= result["visits"]
    assert result["ratio"] == pytest.approx(
        result["huanwei"]["routing_cost_yuan"] / result["pyvrp"]["routing_cost_yuan"], rel=1e-3
    )


def test_bench_kim_plans_with_the_optimiser_and_the_kim_judge_accepts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    instance = tmp_path / "harbour_stop.txt"
    instance.write_text(
        "100\t// capacity\n150\t// daily yards\n5\t// daily stops\n3600\t// lunch\n30\t// mph\n"
        "Stop_ID X Y Early Late Service Load Type\n"
        "10 0 0 0600 1800 0 9999 0\n"
        "20 8801 13 0000 2400 900 9999 2\n"
        "31 1001 1003 0000 2400 300 30 1\n"
        "32 -2011 505 0000 2400 240 40 1\n"
        "33 3007 -3001 0000 2400 180 35 1\n"
        "34 3003 3011 0700 0930 300 0 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "solution.json"
    args = ["bench", "kim", str(instance), "--time-limit", "10", "--seed", "1"]
    assert main([*args, "--iterations", "50", "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["instance"] == "harbour_stop"
    assert result["valid"] is True and result["kim_violations"] == {}
    assert result["product_validator"] == {"valid": True, "violations": {}}
    assert result["unserved"] == 0 and result["vehicles"] >= 1
    assert result["iterations"] == 50 and result["seed"] == 1
    routes = json.loads(out.read_text())["routes"]
    assert sorted(r for route in routes for r in route["stops"][1:-1] if r >= 2) == [2, 3, 4, 5]
    # The optimiser's constants from a file, as `huanwei plan --params`; a bad one is named.
    bad = tmp_path / "params.toml"
    bad.write_text("prize_factor = -1\n", encoding="utf-8")
    assert main([*args, "--iterations", "50", "--params", str(bad)]) == 2
    assert "prize_factor" in capsys.readouterr().err


def test_savings_compares_a_plan_with_current_routes_from_a_sheet(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from routing.plan_file import read_plan

    plan = read_plan(files[1])
    sheet = tmp_path / "current.csv"
    lines = ["车辆,班次,顺序,收运点"]
    for route in plan.routes:  # the plan's own routes, the first two merged onto one vehicle
        stops = [v.point_id for t in route.trips for v in t.visits]
        lines += [f"{route.vehicle_id},{route.shift_id},{k},{p}" for k, p in enumerate(stops, 1)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "savings"
    args = ["savings", str(files[0]), str(sheet), "--plan", str(files[1]), "--out", str(out)]
    assert main([*args, "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "distance driven" in printed and "rule breaches" in printed
    report = json.loads((out / "savings.json").read_text())
    assert report["proposed"]["breaches"] == 0
    assert report["current"]["visits_unserved"] == 0
    html = (out / "savings.html").read_text()
    assert "Savings report" in html and 'data-figure="km"' in html
