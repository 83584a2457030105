"""Scenario comparisons over the API: planners and admins only, bad changes refused with their
field, comparisons run as jobs (heartbeat, cancel, a lost worker's comparison failed and
retryable), the report's plans all valid."""

from __future__ import annotations

import ctypes
import datetime
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine

from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.scenario_models import ScenarioComparisonRow
from api.jobs import store
from api.jobs.comparisons import run_comparison, run_queued
from api.jobs.worker import work
from routing.problem import Problem
from routing.solve import Progress
from scenarios.sweep import ScenarioOutcome, ScenarioTask, solve_problem
from tests.api.conftest import Api, settings
from tests.api.test_jobs import (
    STALE_S,
    Client,
    Row,
    alive,
    children_of,
    longest_wait,
    new_district,
    start,
)

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
    assert "<h1>情景比较</h1>" in html.text and "关键指标" in html.text  # Chinese by default
    _the_report_in_english_and_in_no_other_language(api, comparison, chinese=html.text)
    listed = api.call("GET", url(district), role="planner").json()
    assert [c["id"] for c in listed] == [comparison]
    assert api.call("GET", "/scenario-comparisons/999999", role="planner").status_code == 404


def _the_report_in_english_and_in_no_other_language(
    api: Api, comparison: int, *, chinese: str
) -> None:
    page = f"/scenario-comparisons/{comparison}/report.html"
    english = api.call("GET", page, role="planner", params={"lang": "en"})
    assert english.status_code == 200 and english.headers["content-type"].startswith("text/html")
    assert "<h1>Scenario comparison</h1>" in english.text and "Key figures" in english.text
    assert (
        english.text.count("© OpenStreetMap contributors") >= 3 and "情景比较" not in english.text
    )
    assert api.call("GET", page, role="planner", params={"lang": "zh"}).text == chinese
    wrong = api.call("GET", page, role="planner", params={"lang": "fr"})
    assert wrong.status_code == 422
    assert [d["loc"] for d in wrong.json()["detail"]] == [["query", "lang"]]
    # A comparison stored before its page was kept in both languages has one, served for either.
    with api.sessions() as session:
        session.get_one(ScenarioComparisonRow, comparison).html_en = ""
        session.commit()
    assert api.call("GET", page, role="planner", params={"lang": "en"}).text == chinese


def test_a_comparison_cancels_and_retries_as_a_plan_job_does(api: Api, district: int) -> None:
    comparison = api.call("POST", url(district), role="planner", json=WHAT_IFS).json()["id"]
    path = f"/scenario-comparisons/{comparison}"
    cancelled = api.call("POST", f"{path}/cancel", role="planner")
    assert cancelled.status_code == 202, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["retryable"]
    assert run_queued(api.sessions) == 0  # a cancelled comparison is not run
    again = api.call("POST", f"{path}/cancel", role="planner")
    assert again.status_code == 409 and "only queued or running" in again.text
    retried = api.call("POST", f"{path}/retry", role="planner").json()
    assert retried["status"] == "queued" and not retried["cancel_requested"]
    assert run_queued(api.sessions) == 1
    done = api.call("GET", path, role="planner").json()
    assert done["status"] == "succeeded" and done["attempts"] == 1 and not done["retryable"]
    refused = api.call("POST", f"{path}/retry", role="planner")
    assert refused.status_code == 409 and "only failed or cancelled" in refused.text


@dataclass(frozen=True, slots=True)
class SlowScenarios:
    """Solves each scenario after reporting progress for ``seconds`` (picklable: comparisons
    solve in a child process), by the greedy engine."""

    seconds: float

    def __call__(
        self, problem: Problem, task: ScenarioTask, *, progress: Progress | None = None
    ) -> ScenarioOutcome:
        steps = max(1, int(self.seconds / 0.05))
        for step in range(steps):
            if progress is not None:
                progress(step / steps, None)
            time.sleep(0.05)
        return solve_problem(problem, replace(task, engine="greedy"), progress=progress)


@dataclass(frozen=True, slots=True)
class HoggingScenarios:
    """Holds the interpreter for ``seconds`` per scenario (as PyVRP's and OR-Tools' C++ steps
    do), then solves it by the greedy engine."""

    seconds: float

    def __call__(
        self, problem: Problem, task: ScenarioTask, *, progress: Progress | None = None
    ) -> ScenarioOutcome:
        ctypes.PyDLL(None).usleep(int(self.seconds * 1_000_000))  # keeps the interpreter's lock
        return solve_problem(problem, replace(task, engine="greedy"), progress=progress)


def wait_for(
    client: Client, comparison: int, *, until: tuple[str, ...], timeout_s: float = 60
) -> dict[str, Any]:
    """The comparison once its status is one of ``until``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = client("GET", f"/scenario-comparisons/{comparison}").json()
        if row["status"] in until:
            return dict(row)
        time.sleep(0.05)
    raise AssertionError(f"comparison {comparison} stayed {row['status']}")


def _compare(database_url: str, comparison: int, worker: str, solver: Any) -> None:
    """A worker of one comparison, solving in a child process."""
    sessions = session_factory(make_engine(database_url))
    run_comparison(sessions, comparison, worker=worker, solver=solver, isolate=True)


def test_a_comparison_whose_worker_is_killed_ends_failed_and_retryable(
    committed: Engine,
) -> None:
    with start(committed, role="planner") as client:
        district = new_district(client)
        comparison = client("POST", url(district), json=WHAT_IFS).json()["id"]
        process = multiprocessing.get_context("fork").Process(
            target=_compare,
            args=(settings().database_url, comparison, "doomed", SlowScenarios(60)),
        )
        process.start()
        wait_for(client, comparison, until=("running",))
        time.sleep(1.5)  # mid-solve, after a heartbeat or two
        assert process.pid is not None
        solvers = children_of(process.pid)
        assert solvers, "the worker solves in a child process"
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in solvers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in solvers), "the solves outlived their worker"
        with session_factory(committed)() as session:
            later = m.utcnow() + datetime.timedelta(seconds=5)
            assert store.fail_lost(session, stale_after_s=2, now=later) == 1
        failed = client("GET", f"/scenario-comparisons/{comparison}").json()
        assert failed["status"] == "failed" and failed["retryable"], failed
        assert "heartbeat" in failed["error"] and failed["report"] is None
        retried = client("POST", f"/scenario-comparisons/{comparison}/retry")
        assert retried.status_code == 202 and retried.json()["status"] == "queued"
        assert work(settings(), max_jobs=1, poll_s=0.1) == 1  # `huanwei worker` runs it
        done = client("GET", f"/scenario-comparisons/{comparison}").json()
        assert done["status"] == "succeeded" and done["attempts"] == 2, done
        assert done["error"] == "" and done["report"]["reference"] == "current"


def watch(committed: Engine, comparison: int, *, timeout_s: float) -> list[Row]:
    """The comparison's row every 0.1 s until it finishes: (seconds, status, progress, None,
    heartbeat)."""
    sessions = session_factory(committed)
    began = time.monotonic()
    rows: list[Row] = []
    while time.monotonic() - began < timeout_s:
        with sessions() as session:
            row = session.get(ScenarioComparisonRow, comparison)
            assert row is not None
            rows.append(
                (time.monotonic() - began, row.status, row.progress, None, row.heartbeat_at)
            )
        if row.status in store.FINISHED:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"comparison {comparison} did not finish: {rows[-1]}")


def test_a_comparison_longer_than_the_stale_limit_succeeds(committed: Engine) -> None:
    # Each scenario holds the interpreter for 1.5 x the stale limit; the API's reaper runs.
    with start(committed, role="planner", stale_job_s=STALE_S) as client:
        district = new_district(client)
        comparison = client("POST", url(district), json=WHAT_IFS).json()["id"]
        process = multiprocessing.get_context("spawn").Process(
            target=_compare,
            args=(settings().database_url, comparison, "hog", HoggingScenarios(1.5 * STALE_S)),
        )
        process.start()
        try:
            rows = watch(committed, comparison, timeout_s=90)
        finally:
            process.join(timeout=60)
        done = client("GET", f"/scenario-comparisons/{comparison}").json()
        assert done["status"] == "succeeded" and done["error"] == "", done
        assert longest_wait(rows, 4) < STALE_S, rows  # the heartbeat
        shares = {row[2] for row in rows if row[1] == "running"}
        assert any(0 < share < 1 for share in shares), shares  # progress: scenarios solved


def test_cancelling_a_running_comparison_ends_its_solves(committed: Engine) -> None:
    with start(committed, role="planner") as client:
        district = new_district(client)
        comparison = client("POST", url(district), json=WHAT_IFS).json()["id"]
        before = set(children_of(os.getpid()))
        statuses: list[str | None] = []
        worker = threading.Thread(
            target=lambda: statuses.append(
                run_comparison(
                    session_factory(committed),
                    comparison,
                    worker="cancelled",
                    solver=SlowScenarios(60),
                    isolate=True,
                )
            )
        )
        worker.start()
        running = wait_for(client, comparison, until=("running",))
        deadline = time.monotonic() + 30
        while running["progress"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)  # the child process has started and solves
            running = client("GET", f"/scenario-comparisons/{comparison}").json()
        solvers = set(children_of(os.getpid())) - before
        asked = time.monotonic()
        cancel = client("POST", f"/scenario-comparisons/{comparison}/cancel")
        assert cancel.status_code == 202 and cancel.json()["cancel_requested"]
        done = wait_for(client, comparison, until=store.FINISHED, timeout_s=30)
        took = time.monotonic() - asked
        worker.join(timeout=30)
        assert done["status"] == "cancelled" and done["report"] is None and done["retryable"]
        assert statuses == ["cancelled"] and took < 2.5, took
        assert solvers and not any(alive(pid) for pid in solvers)


def test_queued_comparisons_survive_a_restart_of_the_api(committed: Engine) -> None:
    with start(committed, role="planner") as client:  # "external": nothing runs them
        district = new_district(client)
        comparison = client("POST", url(district), json=WHAT_IFS).json()["id"]
    with start(committed, role="planner", job_executor="thread") as client:
        done = wait_for(client, comparison, until=store.FINISHED, timeout_s=120)
        assert done["status"] == "succeeded" and done["attempts"] == 1, done


def _lost_while_solving(api: Api, comparison: int, *, retried: bool) -> Any:
    """Solves during which the reaper fails the comparison as lost (and someone retries it)."""

    def run(
        problem: Problem, task: ScenarioTask, *, progress: Progress | None = None
    ) -> ScenarioOutcome:
        with api.sessions() as session:
            later = m.utcnow() + datetime.timedelta(hours=1)
            if store.fail_lost(session, stale_after_s=60, now=later) and retried:
                store.requeue(session, session.get_one(ScenarioComparisonRow, comparison))
        return solve_problem(problem, replace(task, engine="greedy"), progress=progress)

    return run


def test_a_report_for_a_comparison_failed_as_lost_is_kept_when_no_one_retried_it(
    api: Api, district: int
) -> None:
    comparison = api.call("POST", url(district), role="planner", json=WHAT_IFS).json()["id"]
    solver = _lost_while_solving(api, comparison, retried=False)
    assert run_comparison(api.sessions, comparison, worker="slow", solver=solver) == "succeeded"
    done = api.call("GET", f"/scenario-comparisons/{comparison}", role="planner").json()
    assert done["error"] == store.CAME_BACK and done["report"] is not None


def test_a_report_for_a_comparison_retried_meanwhile_is_refused_visibly(
    api: Api, district: int
) -> None:
    comparison = api.call("POST", url(district), role="planner", json=WHAT_IFS).json()["id"]
    solver = _lost_while_solving(api, comparison, retried=True)
    assert run_comparison(api.sessions, comparison, worker="slow", solver=solver) is None
    queued = api.call("GET", f"/scenario-comparisons/{comparison}", role="planner").json()
    assert queued["status"] == "queued" and queued["report"] is None
    assert "late report from worker slow was refused" in queued["error"], queued["error"]
    assert run_queued(api.sessions) == 1  # the retry reports
