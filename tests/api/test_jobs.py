"""Plan jobs outside the request, with real commits: executors, cancel, restarts, killed workers."""

from __future__ import annotations

import contextlib
import datetime
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.core.security import issue_token
from api.db import models as m
from api.db.engine import session_factory
from api.jobs import store
from api.jobs.runner import run_job
from api.jobs.worker import work
from api.main import create_app
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import Progress
from tests.api.conftest import DAY, SECRET, add_users, district_document, greedy, settings


def slow_solver(seconds: float) -> Callable[..., Plan]:
    """A solve that reports progress for ``seconds`` before planning."""

    def run(problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None) -> Plan:
        steps = max(1, int(seconds / 0.05))
        for step in range(steps):
            if progress is not None:
                progress(step / steps, 1000 - step)
            time.sleep(0.05)
        return greedy(problem, time_limit_s=time_limit_s, seed=seed, progress=progress)

    return run


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
def start(committed: Engine, **changes: Any) -> Iterator[Client]:
    solver = changes.pop("solver", greedy)
    app = create_app(settings(**changes), engine=committed, solver=solver)
    sessions = session_factory(committed)
    with sessions() as session:
        exists = session.scalar(select(m.UserRow.id).where(m.UserRow.username == "dispatcher"))
    users = {"dispatcher": exists} if exists else add_users(sessions)
    token = issue_token(int(users["dispatcher"]), version=0, secret_key=SECRET, ttl_s=3600)
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
        while running["best_cost_fen"] is None and time.monotonic() < deadline:
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
        jobs = [
            client("POST", f"/districts/{district}/plan-jobs", json=body).json() for _ in range(2)
        ]
        finished = [client.wait(job["id"]) for job in jobs]
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
        session_factory(make_engine(database_url)), job_id, worker="doomed", solver=slow_solver(60)
    )


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
        os.kill(process.pid, signal.SIGKILL)
        process.join()
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
