"""Plan jobs outside the request, with real commits: executors, cancel, restarts, killed workers."""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.core.security import issue_token
from api.db import models as m
from api.db.engine import session_factory
from api.jobs import store
from api.jobs.runner import run_job
from api.jobs.store import CAME_BACK
from api.jobs.worker import work
from api.main import create_app
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import Progress, solve
from tests.api.conftest import (
    DAY,
    SECRET,
    Api,
    add_users,
    district_document,
    greedy,
    settings,
)


@dataclass(frozen=True, slots=True)
class SlowSolver:
    """A solve that reports progress for ``seconds`` before planning (picklable: jobs solve in a
    child process)."""

    seconds: float

    def __call__(
        self, problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None
    ) -> Plan:
        steps = max(1, int(self.seconds / 0.05))
        for step in range(steps):
            if progress is not None:
                progress(step / steps, 1000 - step)
            time.sleep(0.05)
        return greedy(problem, time_limit_s=time_limit_s, seed=seed, progress=progress)


def slow_solver(seconds: float) -> SlowSolver:
    """A solve that reports progress for ``seconds`` before planning."""
    return SlowSolver(seconds)


class Client:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.auth = {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, url: str, **kw: Any) -> Any:
        return self.client.request(method, url, headers=self.auth, **kw)

    def wait(
        self, job_id: int, *, until: tuple[str, ...] = store.FINISHED, timeout_s: float = 60
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job = self("GET", f"/plan-jobs/{job_id}").json()
            if job["status"] in until:
                return dict(job)
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} stayed {job['status']}")


@contextlib.contextmanager
def start(committed: Engine, *, role: str = "dispatcher", **changes: Any) -> Iterator[Client]:
    """The app on ``committed`` with ``changes`` to its settings, and a client signed in as
    ``role``."""
    solver = changes.pop("solver", greedy)
    app = create_app(settings(**changes), engine=committed, solver=solver)
    sessions = session_factory(committed)
    with sessions() as session:
        exists = session.scalar(select(m.UserRow.id).where(m.UserRow.username == role))
    users = {role: exists} if exists else add_users(sessions)
    token = issue_token(int(users[role]), version=0, secret_key=SECRET, ttl_s=3600)
    with TestClient(app) as client:
        yield Client(client, token)


def new_district(client: Client) -> int:
    response = client("POST", "/districts/import", json={"problem": district_document()})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_thread_executor_reports_progress_and_cancels(committed: Engine) -> None:
    with start(committed, job_executor="thread", solver=slow_solver(20)) as client:
        district = new_district(client)
        job = client("POST", f"/districts/{district}/plan-jobs", json={"date": DAY}).json()
        running = client.wait(job["id"], until=("running",))
        deadline = time.monotonic() + 10
        while (running["best_cost_fen"] is None or running["progress"] == 0) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
            running = client("GET", f"/plan-jobs/{job['id']}").json()
        assert running["best_cost_fen"] is not None and 0 < running["progress"] < 1
        assert client("POST", f"/plan-jobs/{job['id']}/cancel").status_code == 202
        done = client.wait(job["id"], timeout_s=15)
        assert done["status"] == "cancelled" and done["plan_id"] is None
        assert client("GET", f"/districts/{district}/plans").json()["total"] == 0


def test_two_jobs_of_a_day_make_two_versions_and_one_publication(committed: Engine) -> None:
    with start(committed, job_executor="thread", job_workers=2) as client:
        district = new_district(client)
        body = {"date": DAY, "time_limit_s": 1, "publish": True}
        finished = []
        for _ in range(2):  # one publishing job of a day at a time (409 while one is unfinished)
            job = client("POST", f"/districts/{district}/plan-jobs", json=body).json()
            finished.append(client.wait(job["id"]))
        assert [job["status"] for job in finished] == ["succeeded", "succeeded"]
        versions = client("GET", f"/districts/{district}/plans", params={"date": DAY}).json()
        assert sorted(v["version"] for v in versions["items"]) == [1, 2]
        assert sum(v["published"] for v in versions["items"]) == 1


def test_concurrent_publications_leave_one_published(committed: Engine) -> None:
    with start(committed, job_executor="thread", job_workers=2) as client:
        district = new_district(client)
        ids = []
        for seed in range(4):
            job = client(
                "POST",
                f"/districts/{district}/plan-jobs",
                json={"date": DAY, "time_limit_s": 1, "seed": seed},
            ).json()
            ids.append(client.wait(job["id"])["plan_id"])
        statuses: list[int] = []
        threads = [
            threading.Thread(
                target=lambda p=p: statuses.append(
                    client("POST", f"/plans/{p}/publish").status_code
                )
            )
            for p in ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert set(statuses) <= {200, 409} and 200 in statuses
        published = client("GET", f"/districts/{district}/plans", params={"published": True}).json()
        assert published["total"] == 1


def test_jobs_survive_a_restart_of_the_api(committed: Engine) -> None:
    with start(committed) as client:  # "external": nothing runs the jobs
        district = new_district(client)
        queued = client(
            "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
        ).json()
        lost = client(
            "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
        ).json()
    sessions = session_factory(committed)
    with sessions() as session:  # as a worker killed mid-solve leaves it
        assert store.claim(session, lost["id"], worker="gone")
        job = session.get(m.PlanJobRow, lost["id"])
        assert job is not None
        job.heartbeat_at = m.utcnow().replace(year=2000)
        session.commit()
    with start(committed, job_executor="thread") as client:
        assert client.wait(queued["id"])["status"] == "succeeded"
        failed = client("GET", f"/plan-jobs/{lost['id']}").json()
        assert failed["status"] == "failed" and failed["retryable"] and failed["plan_id"] is None
        assert "heartbeat" in failed["error"]
        assert client("POST", f"/plan-jobs/{lost['id']}/retry").json()["status"] == "queued"
        assert client.wait(lost["id"])["status"] == "succeeded"


def _solve_slowly(database_url: str, job_id: int) -> None:
    from api.db.engine import make_engine

    run_job(
        session_factory(make_engine(database_url)),
        job_id,
        worker="doomed",
        solver=slow_solver(60),
        isolate=True,
    )


def _state(pid: int) -> tuple[str, int] | None:
    """Process ``pid``'s state letter and parent (from /proc), or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def children_of(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        state = _state(int(entry.name)) if entry.name.isdigit() else None
        if state is not None and state[1] == pid and state[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    state = _state(pid)
    return state is not None and state[0] != "Z"


def test_a_worker_killed_mid_solve_leaves_a_failed_retryable_job(committed: Engine) -> None:
    with start(committed) as client:
        district = new_district(client)
        job = client(
            "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
        ).json()
        process = multiprocessing.get_context("fork").Process(
            target=_solve_slowly, args=(settings().database_url, job["id"])
        )
        process.start()
        client.wait(job["id"], until=("running",))
        time.sleep(1.5)  # mid-solve, after a heartbeat or two
        assert process.pid is not None
        solvers = children_of(process.pid)
        assert solvers, "the worker solves in a child process"
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in solvers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in solvers), "the solver outlived its worker"
        sessions = session_factory(committed)
        with sessions() as session:
            later = m.utcnow() + datetime.timedelta(seconds=5)
            assert store.fail_lost(session, stale_after_s=2, now=later) == 1
        failed = client("GET", f"/plan-jobs/{job['id']}").json()
        assert failed["status"] == "failed" and failed["retryable"]
        assert client("GET", f"/districts/{district}/plans").json()["total"] == 0
        client("POST", f"/plan-jobs/{job['id']}/retry")
        assert work(settings(), max_jobs=1, poll_s=0.1, solver=greedy) == 1  # `huanwei worker`
        done = client("GET", f"/plan-jobs/{job['id']}").json()
        assert done["status"] == "succeeded" and done["attempts"] == 2
        assert client("GET", f"/districts/{district}/plans").json()["total"] == 1


def test_the_process_executor_runs_a_job(committed: Engine) -> None:
    with start(committed, job_executor="process") as client:
        district = new_district(client)
        job = client(
            "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
        ).json()
        assert client.wait(job["id"], timeout_s=120)["status"] == "succeeded"


@pytest.fixture(autouse=True)
def _quiet_fork_warning() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@dataclass(frozen=True, slots=True)
class InterpreterHog:
    """A solve that holds the interpreter ``holds`` times for ``seconds`` each (as PyVRP's and
    OR-Tools' C++ steps do), reporting progress between holds."""

    holds: int
    seconds: float

    def __call__(
        self, problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None
    ) -> Plan:
        libc = ctypes.PyDLL(None)  # a PyDLL call keeps the interpreter's lock
        for hold in range(self.holds):
            if progress is not None:
                progress(hold / self.holds, 1000 - hold)
            libc.usleep(int(self.seconds * 1_000_000))
        return greedy(problem, time_limit_s=time_limit_s, seed=seed, progress=progress)


STALE_S = 2


def _work_one(database_url: str, solver: Any) -> None:
    """``huanwei worker`` for one job, with a short stale limit."""
    work(
        settings(database_url=database_url, stale_job_s=STALE_S),
        max_jobs=1,
        poll_s=0.1,
        solver=solver,
    )


@contextlib.contextmanager
def external_worker(solver: Any) -> Iterator[multiprocessing.process.BaseProcess]:
    """A worker process (spawned, as ``huanwei worker`` runs) that runs one job."""
    process = multiprocessing.get_context("spawn").Process(
        target=_work_one, args=(settings().database_url, solver)
    )
    process.start()
    try:
        yield process
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
            process.join()


#: A job's row as :func:`watch` sees it: seconds, status, progress, best cost, heartbeat.
Row = tuple[float, str, float, int | None, datetime.datetime | None]


def watch(committed: Engine, job_id: int, *, timeout_s: float) -> list[Row]:
    """The job's row every 0.1 s until it finishes: (seconds, status, progress, best cost,
    heartbeat)."""
    sessions = session_factory(committed)
    began = time.monotonic()
    rows: list[Row] = []
    while time.monotonic() - began < timeout_s:
        with sessions() as session:
            job = store.get_job(session, job_id)
            rows.append(
                (
                    time.monotonic() - began,
                    job.status,
                    job.progress,
                    job.best_cost_fen,
                    job.heartbeat_at,
                )
            )
        if job.status in store.FINISHED:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {rows[-1]}")


def longest_wait(rows: list[Row], column: int) -> float:
    """Most seconds a running job's ``column`` stayed the same."""
    running = [row for row in rows if row[1] == "running"]
    changes = [running[0][0]]
    changes += [b[0] for a, b in itertools.pairwise(running) if a[column] != b[column]]
    return max(b - a for a, b in itertools.pairwise([*changes, running[-1][0]]))


def test_a_solve_that_holds_the_interpreter_beyond_the_stale_limit_succeeds(
    committed: Engine,
) -> None:
    # Three holds of 1.5 x the stale limit: a heartbeat sharing the solver's process misses them.
    with start(committed, stale_job_s=STALE_S) as client:  # its reaper fails lost jobs
        district = new_district(client)
        job = client("POST", f"/districts/{district}/plan-jobs", json={"date": DAY}).json()
        with external_worker(InterpreterHog(holds=3, seconds=1.5 * STALE_S)):
            rows = watch(committed, job["id"], timeout_s=90)
        done = client("GET", f"/plan-jobs/{job['id']}").json()
        assert done["status"] == "succeeded" and done["plan_id"] is not None, done
        assert done["error"] == ""
        assert longest_wait(rows, 4) < STALE_S, rows  # the heartbeat
        assert client("GET", f"/districts/{district}/plans").json()["total"] == 1


def test_a_real_solve_reports_progress_and_its_best_cost_every_few_seconds(
    committed: Engine,
) -> None:
    with start(committed, stale_job_s=STALE_S) as client:
        district = new_district(client)
        body = {"date": DAY, "time_limit_s": 4 * STALE_S}
        job = client("POST", f"/districts/{district}/plan-jobs", json=body).json()
        with external_worker(solve):
            rows = watch(committed, job["id"], timeout_s=120)
        assert rows[-1][1] == "succeeded", rows[-1]
        solving = [row for row in rows if row[1] == "running" and row[2] > 0]
        assert solving and all(row[3] is not None for row in solving)
        assert longest_wait(rows, 2) < 4.0, rows  # the progress, the child's start (~2 s) included
        assert longest_wait(rows, 4) < STALE_S, rows


def test_cancelling_a_running_solve_ends_it_within_two_seconds(committed: Engine) -> None:
    with start(committed, stale_job_s=STALE_S) as client:
        district = new_district(client)
        body = {"date": DAY, "time_limit_s": 60}
        job = client("POST", f"/districts/{district}/plan-jobs", json=body).json()
        with external_worker(solve) as worker:
            deadline = time.monotonic() + 60
            running = client.wait(job["id"], until=("running",))
            while running["progress"] == 0 and time.monotonic() < deadline:
                time.sleep(0.1)  # the solver's process has started and searches
                running = client("GET", f"/plan-jobs/{job['id']}").json()
            assert worker.pid is not None
            solvers = children_of(worker.pid)
            asked = time.monotonic()
            assert client("POST", f"/plan-jobs/{job['id']}/cancel").status_code == 202
            done = client.wait(job["id"], timeout_s=30)
            took = time.monotonic() - asked
        assert done["status"] == "cancelled" and done["plan_id"] is None
        assert took < 1.0, took  # the cancel is looked for every quarter second
        assert solvers and not any(alive(pid) for pid in solvers)


def _new_job(api: Api, district: int) -> int:
    response = api.call("POST", f"/districts/{district}/plan-jobs", json={"date": DAY})
    return int(response.json()["id"])


def _lost_while_solving(api: Api, job_id: int, *, retried: bool) -> Any:
    """A solve during which the reaper fails the job as lost (and someone retries it)."""

    def run(problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None) -> Plan:
        with api.sessions() as session:
            later = m.utcnow() + datetime.timedelta(hours=1)
            assert store.fail_lost(session, stale_after_s=60, now=later) == 1
            if retried:
                store.requeue(session, store.get_job(session, job_id))
        return greedy(problem, time_limit_s=time_limit_s, seed=seed, progress=progress)

    return run


def test_a_plan_for_a_job_failed_as_lost_is_kept_when_no_one_retried_it(
    api: Api, district: int
) -> None:
    job_id = _new_job(api, district)
    solver = _lost_while_solving(api, job_id, retried=False)
    assert run_job(api.sessions, job_id, worker="slow", solver=solver) == "succeeded"
    job = api.call("GET", f"/plan-jobs/{job_id}").json()
    assert job["status"] == "succeeded" and job["plan_id"] is not None
    assert job["error"] == CAME_BACK
    assert api.count(m.PlanRow) == 1


def test_a_plan_for_a_job_retried_meanwhile_is_refused_visibly(api: Api, district: int) -> None:
    job_id = _new_job(api, district)
    solver = _lost_while_solving(api, job_id, retried=True)
    assert run_job(api.sessions, job_id, worker="slow", solver=solver) is None
    job = api.call("GET", f"/plan-jobs/{job_id}").json()
    assert job["status"] == "queued" and job["plan_id"] is None
    assert "late plan from worker slow was refused" in job["error"], job["error"]
    assert api.count(m.PlanRow) == 0
    assert api.run_jobs() == ["succeeded"]  # the retry plans it
