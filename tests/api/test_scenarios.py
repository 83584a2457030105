"""Scenario comparisons over the API: planners and admins only, bad changes refused with their
field, comparisons run as jobs, the report's plans all valid."""

from __future__ import annotations

from typing import Any

from api.db.scenario_models import ScenarioComparisonRow
from api.jobs.comparisons import run_comparison, run_queued
from tests.api.conftest import Api

WHAT_IFS: dict[str, Any] = {
    "scenarios": [
        {
            "name": "new-station",
            "description": "a third transfer station next to the depot",
            "changes": [
                {
                    "type": "add-facility",
                    "id": "station-9",
                    "like": "station-1",
                    "near": "depot",
                    "east_km": 0.5,
                }
            ],
        },
        {"name": "plus-15", "changes": [{"type": "demand", "growth_pct": 15}]},
    ],
    "time_limit_s": 5,
    "seed": 1,
    "iterations": 30,
}


def url(district: int) -> str:
    return f"/districts/{district}/scenario-comparisons"


def test_only_planners_and_admins_may_compare(api: Api, district: int) -> None:
    for role, expected in (("dispatcher", 403), ("driver", 403), (None, 401)):
        response = api.call("POST", url(district), role=role, json=WHAT_IFS)
        assert response.status_code == expected, (role, response.text)
    assert api.count(ScenarioComparisonRow) == 0
    for role in ("planner", "admin"):
        response = api.call("POST", url(district), role=role, json=WHAT_IFS)
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "queued"
        assert response.json()["scenarios"] == ["current", "new-station", "plus-15"]


def test_a_bad_change_is_refused_naming_the_scenario_change_and_field(
    api: Api, district: int
) -> None:
    body = {
        "scenarios": [
            {"name": "ok", "changes": []},
            {"name": "bad", "changes": [{"type": "demand", "growth_pct": "lots"}]},
            {"name": "gone", "changes": [{"type": "remove-facility", "id": "nowhere"}]},
        ]
    }
    response = api.call("POST", url(district), role="planner", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [d["loc"] for d in detail] == [["scenarios[1].changes[0] (demand)", "growth_pct"]]
    assert detail[0]["msg"] == "must be a number, got 'lots'"
    body["scenarios"] = body["scenarios"][::2]
    response = api.call("POST", url(district), role="planner", json=body)
    assert response.status_code == 422, response.text
    (defect,) = response.json()["detail"]
    assert defect["loc"] == ["scenario gone: changes[0] (remove-facility)", "id"]
    assert "no facility 'nowhere'" in defect["msg"]
    assert api.count(ScenarioComparisonRow) == 0


def test_a_comparison_runs_as_a_job_and_reports_side_by_side(api: Api, district: int) -> None:
    response = api.call("POST", url(district), role="planner", json=WHAT_IFS)
    comparison = response.json()["id"]
    page = api.call("GET", f"/scenario-comparisons/{comparison}/report.html", role="planner")
    assert page.status_code == 409  # not run yet
    assert run_queued(api.sessions) == 1
    assert run_comparison(api.sessions, comparison) is None  # already done: not run twice
    job = api.call("GET", f"/scenario-comparisons/{comparison}", role="admin").json()
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 1.0
    report = job["report"]
    assert report["format"] == "huanwei-scenario-comparison/1"
    assert report["reference"] == "current"
    rows = {s["name"]: s for s in report["scenarios"]}
    assert list(rows) == ["current", "new-station", "plus-15"]
    for row in rows.values():
        assert row["valid"], row["violations"]  # every plan passed the validator
        assert row["figures"]["km"] > 0 and row["figures"]["cost_yuan"] > 0
    assert rows["new-station"]["size"]["facilities"] == rows["current"]["size"]["facilities"] + 1
    served = sum(rows["plus-15"]["tonnes_by_stream"].values())
    assert served > sum(rows["current"]["tonnes_by_stream"].values())
    html = api.call("GET", f"/scenario-comparisons/{comparison}/report.html", role="planner")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.text.count("© OpenStreetMap contributors") >= 3 and "<svg" in html.text
    listed = api.call("GET", url(district), role="planner").json()
    assert [c["id"] for c in listed] == [comparison]
    assert api.call("GET", "/scenario-comparisons/999999", role="planner").status_code == 404
