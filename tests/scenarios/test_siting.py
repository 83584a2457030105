"""Facility siting on ``riverside``: the estimate ranks, full plans decide, the curve is drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huanwei.cli import main
from scenarios.base import scenario_problem
from scenarios.scenario_file import ScenarioError
from scenarios.siting import best_subsets, estimates, read_siting
from tests.scenarios.test_compare import scenario_files

# The market M1 (kitchen waste, twice a day) stands 1.2 km east and 0.4 km south of the depot,
# the kitchen plant 1.5 km west and 1.5 km south: a plant at "mid", by the market, is obviously
# best; the other candidates are kilometres away from everything.
SITING = """\
name = "where-next"

[base]
problem = "riverside.json"

[solve]
seed = 1
iterations = 20

[siting]
k = [1, 2]
finalists = 2
kind = "kitchen_plant"
like = "KP"

[[candidates]]
id = "mid"
near = "M1"
east_km = 0.1
north_km = 0.1

[[candidates]]
id = "far-north"
near = "D"
east_km = -4.0
north_km = 5.0

[[candidates]]
id = "far-west"
near = "D"
east_km = -6.0
"""


def siting_file(folder: Path, text: str = SITING) -> Path:
    scenario_files(folder)  # writes riverside.json
    path = folder / "siting.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_estimate_prefers_the_site_among_the_points(tmp_path: Path) -> None:
    siting = read_siting(siting_file(tmp_path))
    ids = [c.id for c in siting.candidates]
    problem = scenario_problem(siting.opening(ids))
    est = estimates(problem, ids)
    (cost, best), *_ = best_subsets(est, 1, 3)
    assert ids[best[0]] == "mid"
    assert cost < est.cost(())  # a site among the points saves on today's cost
    assert est.cost([ids.index("far-west")]) == pytest.approx(est.cost(()))
    assert est.cost([ids.index("far-north")]) == pytest.approx(est.cost(()))


def test_site_command_plans_finalists_and_draws_the_curve(tmp_path: Path) -> None:
    out = tmp_path / "out"
    status = main(
        ["scenario", "site", str(siting_file(tmp_path)), "--out", str(out), "--workers", "1"]
    )
    assert status == 0
    result = json.loads((out / "siting.json").read_text(encoding="utf-8"))
    curve = {row["k"]: row for row in result["curve"]}
    assert sorted(curve) == [0, 1, 2]
    assert curve[1]["sites"] == ["mid"]
    assert "mid" in curve[2]["sites"]
    assert all(row["valid"] for row in result["curve"])
    assert curve[1]["estimate_yuan"] < curve[0]["estimate_yuan"]
    planned = [f for f in result["finalists"] if f["k"] == 1]
    assert len(planned) == 2 and all(f["valid"] and f["figures"]["cost_yuan"] > 0 for f in planned)
    html = (out / "siting.html").read_text(encoding="utf-8")
    assert (
        "cost against the number of new sites k" in html and "© OpenStreetMap contributors" in html
    )


def test_siting_file_errors_name_lines(tmp_path: Path) -> None:
    text = SITING.replace("k = [1, 2]", "k = [1, 7]").replace('id = "far-west"', 'id = "mid"')
    with pytest.raises(ScenarioError) as caught:
        read_siting(siting_file(tmp_path, text))
    message = str(caught.value)
    assert "line 11: siting: k: asks for 7 sites of" in message
    assert "line 29: candidates[2]: id: 'mid' is listed twice" in message
