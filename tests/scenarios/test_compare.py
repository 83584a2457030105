"""``huanwei scenario compare`` on the tiny district ``riverside``: the report's content, and
every plan judged again by the validator from the files the report wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from huanwei.cli import main
from routing.plan_file import read_plan
from routing.problem_file import write_problem
from routing.validation import validate
from scenarios.base import scenario_problem
from scenarios.report import factor_lines
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


#: Words of each language's page: its title, the maps' heading, and labels of the table and charts.
PAGE_WORDS = {
    "comparison.html": (
        "<html lang='zh-CN'>",
        "情景比较",
        "路线图（之前与之后）",
        ("车辆工时", "吨公里", "各班次所需车辆", "设施每小时进场量", "校验", "未收运原因", "趟"),
    ),
    "comparison.en.html": (
        "<html lang='en'>",
        "Scenario comparison",
        "Route maps (before and after)",
        ("truck-hours", "tonne-km", "vehicles needed per shift", "facility inflow", "validator"),
    ),
}


@pytest.mark.parametrize("page", list(PAGE_WORDS))
def test_compare_writes_html_with_charts_and_attributed_maps_in_chinese_and_english(
    compared: tuple[Path, list[Path], int], page: str
) -> None:
    out, _, _ = compared
    html = (out / page).read_text(encoding="utf-8")
    opening, title, maps_heading, labels = PAGE_WORDS[page]
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert opening in html and f"<h1>{title}</h1>" in html
    assert html.count("<svg") >= 10
    maps = html.count(maps_heading) and html.split(maps_heading)[1]
    assert maps and maps.count("<svg") == 3
    assert maps.count("© OpenStreetMap contributors") >= 3
    for label in labels:
        assert label in html, label


def test_the_chinese_page_holds_no_english_words_of_its_own(
    compared: tuple[Path, list[Path], int],
) -> None:
    out, _, _ = compared
    html = (out / "comparison.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    for english in ("Scenario", "Key figures", "truck-hours", "validator", "trips", "Map data"):
        assert english not in text, english
    described = text.split("关键指标")[0]  # the scenarios' list: engine and travel in words
    assert "行程计算：直线估算" in described and "straight-line" not in described
    # The base and the changes in Chinese too.
    assert "新开 transfer_station TS2（D 以东 +0.8 公里、以北 +0.3 公里）" in described
    assert "垃圾量 其他垃圾 × 1.4（+40 %）" in described
    for english in ("open ", " east", "waste ", "seed "):
        assert english not in described, english
    assert text.split().count("通过") == 3  # every plan passed the validator


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
    # A page says them in its own language, engines and travel named in words.
    chinese = caveats({"scenarios": rows}, lang="zh")
    assert "由不同的引擎生成（before：优化器；after：贪心算法（后备））" in chinese[0]
    assert "行程计算方法不同（before：道路网络；after：直线估算）" in chinese[1]
    english = caveats({"scenarios": rows}, lang="en")
    assert "different engines (before: optimiser; after: greedy (fallback))" in english[0]
    assert "(before: road network; after: straight-line estimate)" in english[1]


def test_a_page_says_the_caveats_in_its_language_before_any_figure(
    compared: tuple[Path, list[Path], int],
) -> None:
    from scenarios.report import caveats, comparison_html

    out, _, _ = compared
    report = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    before, *after = report["scenarios"]
    rows = [{**before, "engine": "optimiser"}, *({**s, "engine": "greedy"} for s in after)]
    report = {**report, "scenarios": rows, "caveats": caveats({"scenarios": rows})}
    chinese = comparison_html(report, [], {}, None)
    assert chinese.index("class='caveat'") < chinese.index("<table")
    assert "由不同的引擎生成（before：优化器；new-station：贪心算法（后备）；" in chinese
    assert "different engines" not in chinese
    english = comparison_html(report, [], {}, None, lang="en")
    assert english.index("class='caveat'") < english.index("<table")
    assert "different engines (before: optimiser; new-station: greedy (fallback);" in english
    assert "优化器" not in english
    assert "(before: optimiser; new-station: greedy; growth: greedy)" in report["caveats"][0]
    with pytest.raises(ValueError, match="lang must be one of zh, en, got 'fr'"):
        comparison_html(report, [], {}, None, lang="fr")


def test_the_factors_read_in_chinese_on_the_chinese_page() -> None:
    factors = {
        "cost": "km × cost_per_km + working hours × cost_per_hour, per vehicle type",
        "distance": "travel matrices (road, straight-line)",
    }
    zh = dict(factor_lines(factors, "zh"))
    assert zh["成本"].startswith("里程 × 每公里成本")
    assert zh["里程"] == "行程矩阵（道路网络、直线估算）"
    assert factor_lines(factors, "en") == list(factors.items())
