"""Plan jobs on an external worker with a short stale limit: heartbeat, progress and cancel.

Usage::

    python benchmarks/job_heartbeat.py --scale 0.1 --time-limit 30 --stale 5

The reviewer's case: a generated district (``--scale 0.1``: about 150 points) on a fresh
SpatiaLite file, ``huanwei serve`` with ``HUANWEI_JOB_EXECUTOR=external`` (its reaper fails jobs
without a heartbeat for ``--stale`` seconds) and one ``huanwei worker`` process. A plan job
of ``--time-limit`` seconds is followed by reading its row every 0.2 s; then a second job is
cancelled ``--cancel-after`` seconds into its solve. Prints the job's end, the longest gaps
between heartbeats and between progress changes, when the first best cost came, and how long
the cancel took, as JSON and as a Markdown row for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from api.db.engine import make_engine, session_factory
from api.db.migrate import upgrade
from api.jobs import store
from api.repositories.users import replace_user
from routing.problem_file import problem_to_dict
from scenarios.district import BoxSampler, DistrictSpec, generate_district

HOST = "127.0.0.1"
POLL_S = 0.2


def _district(scale: float, seed: int) -> dict[str, Any]:
    problem = generate_district(
        BoxSampler(24.90, 60.15, 24.98, 60.19), seed=seed, spec=DistrictSpec(scale=scale)
    )
    # The API plans on straight-line travel at its default speed: the file says so.
    travel = {name: {"method": "straight-line"} for name in problem.travel}
    return {**problem_to_dict(problem), "travel": travel}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _follow(
    client: httpx.Client, engine: Any, job_id: int, *, until: float
) -> list[dict[str, Any]]:
    """The job (and its heartbeat) every :data:`POLL_S` seconds until it ends (or ``until``)."""
    seen: list[dict[str, Any]] = []
    sessions = session_factory(engine)
    while time.monotonic() < until:
        job = client.get(f"/plan-jobs/{job_id}").json()
        with sessions() as session:
            beat = store.get_job(session, job_id).heartbeat_at
        seen.append({"t": time.monotonic(), "heartbeat": beat, **job})
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(POLL_S)
    return seen


def _longest_gap(times: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--stale", type=int, default=5)
    parser.add_argument("--cancel-after", type=float, default=8.0)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="huanwei-heartbeat-"))
    url = f"sqlite:///{folder / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    password = secrets.token_urlsafe(12)
    with session_factory(engine)() as session:
        replace_user(session, username="bench", password=password, role="dispatcher")
        session.commit()
    port = _free_port()
    env = os.environ | {
        "HUANWEI_DATABASE_URL": url,
        "HUANWEI_DATA_DIR": str(folder),
        "HUANWEI_STALE_JOB_S": str(args.stale),
        "HUANWEI_JOB_EXECUTOR": "external",
    }
    log = (folder / "processes.log").open("w")
    huanwei = [sys.executable, "-m", "huanwei"]
    server = subprocess.Popen(
        [*huanwei, "serve", "--host", HOST, "--port", str(port)], env=env, stderr=log
    )
    worker = subprocess.Popen([*huanwei, "worker"], env=env, stderr=log)
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    try:
        client = httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60)
        for _ in range(600):
            try:
                if client.get("/openapi.json").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = client.post("/auth/token", data={"username": "bench", "password": password})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        document = _district(args.scale, args.seed)
        district = client.post("/districts/import", json={"problem": document}).json()["id"]
        points = len(document["points"])
        request = {"date": day, "time_limit_s": args.time_limit, "seed": args.seed}
        job = client.post(f"/districts/{district}/plan-jobs", json=request).json()
        limit = time.monotonic() + 10 * args.time_limit + 120
        seen = _follow(client, engine, job["id"], until=limit)
        running = [s for s in seen if s["status"] == "running"]
        beats = [
            s["t"]
            for s, before in zip(running, [None, *running], strict=False)
            if before is None or s["heartbeat"] != before["heartbeat"]
        ]
        changes = [
            s["t"]
            for s, before in zip(running, [None, *running], strict=False)
            if before is None or s["progress"] != before["progress"]
        ]
        start = running[0]["t"] if running else seen[0]["t"]
        first_cost = next((s["t"] - start for s in running if s["best_cost_fen"]), None)
        end = seen[-1]

        cancelled = client.post(f"/districts/{district}/plan-jobs", json=request).json()
        started = None
        while time.monotonic() < limit:
            state = client.get(f"/plan-jobs/{cancelled['id']}").json()
            if state["status"] == "running" and started is None:
                started = time.monotonic()
            if started is not None and time.monotonic() - started >= args.cancel_after:
                break
            time.sleep(POLL_S)
        asked = time.monotonic()
        client.post(f"/plan-jobs/{cancelled['id']}/cancel")
        while time.monotonic() < limit:
            state = client.get(f"/plan-jobs/{cancelled['id']}").json()
            if state["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        cancel_s = time.monotonic() - asked
    finally:
        for process in (worker, server):
            process.terminate()
            process.wait(timeout=60)
        engine.dispose()
    result = {
        "points": points,
        "time_limit_s": args.time_limit,
        "stale_s": args.stale,
        "status": end["status"],
        "error": end["error"],
        "plan_id": end["plan_id"],
        "solve_s": round(end["t"] - start, 1),
        "longest_heartbeat_gap_s": round(_longest_gap(beats), 2),
        "progress_changes": len(changes),
        "longest_progress_gap_s": round(_longest_gap(changes), 2),
        "first_best_cost_s": None if first_cost is None else round(first_cost, 1),
        "cancel_status": state["status"],
        "cancel_s": round(cancel_s, 2),
    }
    print(json.dumps(result, indent=2))
    print(
        f"| {points} | {args.time_limit:g} s | {args.stale} s | {result['status']} "
        f"({result['solve_s']} s) | {result['longest_heartbeat_gap_s']} s | "
        f"{result['progress_changes']} / {result['longest_progress_gap_s']} s | "
        f"{result['first_best_cost_s']} s | {result['cancel_status']} in {result['cancel_s']} s |"
    )


if __name__ == "__main__":
    main()
