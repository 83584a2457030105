"""API load benchmark: drivers' assignment requests from concurrent clients while a plan job runs.

Usage::

    python benchmarks/api_load.py --clients 100 --requests 5

Starts ``huanwei serve`` on 127.0.0.1 (a fresh SpatiaLite file, or the PostGIS database that
``HUANWEI_DATABASE_URL`` names), imports a generated district, plans and publishes a day, binds a
driver to the crew with the most stops, then starts a second plan job and, while it runs, sends
``--clients`` concurrent clients of ``--requests`` ``GET /me/assignment`` each (loopback only, a
bounded count). Prints the latencies (p50, p95, p99, max), errors and the job's state as JSON,
then a Markdown row for BENCHMARKS.md. What it created in a PostGIS database is deleted again.
"""

from __future__ import annotations

import argparse
import asyncio
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
import numpy as np

from routing.problem_file import problem_to_dict
from scenarios.district import BoxSampler, DistrictSpec, generate_district

DAY = "2026-05-01"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _district(scale: float, seed: int) -> dict[str, Any]:
    problem = generate_district(
        BoxSampler(24.90, 60.15, 24.98, 60.19), seed=seed, spec=DistrictSpec(scale=scale)
    )
    travel = {name: {"method": "straight-line"} for name in problem.travel}
    return problem_to_dict(problem, travel=travel)


def _wait_job(client: httpx.Client, job_id: int, until: tuple[str, ...], limit_s: float) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = client.get(f"/plan-jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise TimeoutError(f"plan job {job_id} did not reach {until} in {limit_s:g} s")


async def _load(base: str, token: str, clients: int, requests: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:

        async def one_client() -> None:
            nonlocal errors
            for _ in range(requests):
                start = time.perf_counter()
                try:
                    response = await http.get("/me/assignment", params={"date": DAY})
                    ok = response.status_code == 200 and bool(response.json()["routes"])
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies, errors


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve, load a district, plan, and measure; the figures."""
    folder = Path(tempfile.mkdtemp(prefix="huanwei-load-"))
    url = os.environ.get("HUANWEI_DATABASE_URL") or f"sqlite:///{folder / 'huanwei.sqlite'}"
    password = secrets.token_urlsafe(12)
    port = _free_port()
    env = os.environ | {"HUANWEI_DATABASE_URL": url, "HUANWEI_ADMIN_PASSWORD": password}
    server = subprocess.Popen(
        [sys.executable, "-m", "huanwei", "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("w"),
    )
    base = f"http://{HOST}:{port}"
    tag = secrets.token_hex(3)
    try:
        admin = httpx.Client(base_url=base, timeout=60)
        for _ in range(600):
            try:
                if admin.get("/openapi.json").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = admin.post("/auth/token", data={"username": "admin", "password": password})
        admin.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        document = _district(args.scale, args.seed)
        district = admin.post(
            "/districts/import", json={"problem": document, "name": f"load-{tag}"}
        ).json()["id"]
        job = admin.post(
            f"/districts/{district}/plan-jobs",
            json={"date": DAY, "time_limit_s": 5, "seed": 0, "publish": True},
        ).json()
        job = _wait_job(admin, job["id"], ("succeeded", "failed"), 300)
        plan = admin.get(f"/plans/{job['plan_id']}").json()["plan"]
        stops: dict[str, int] = {}
        for route in plan["routes"]:
            visits = sum(len(t.get("visits", [])) for t in route.get("trips", []))
            stops[route["crew"]] = stops.get(route["crew"], 0) + visits
        crew = max(stops, key=lambda c: stops[c])
        user = admin.post(
            "/users",
            json={
                "username": f"driver-{tag}",
                "password": password,
                "role": "driver",
                "district_id": district,
                "crew_id": crew,
            },
        ).json()
        driver = httpx.post(
            f"{base}/auth/token", data={"username": f"driver-{tag}", "password": password}
        ).json()["access_token"]

        running = admin.post(
            f"/districts/{district}/plan-jobs",
            json={"date": DAY, "time_limit_s": args.job_time_limit, "seed": 1},
        ).json()
        _wait_job(admin, running["id"], ("running",), 120)
        asyncio.run(_load(base, driver, 1, 3))  # warm-up, not counted
        start = time.perf_counter()
        latencies, errors = asyncio.run(_load(base, driver, args.clients, args.requests))
        wall = time.perf_counter() - start
        during = admin.get(f"/plan-jobs/{running['id']}").json()
        admin.post(f"/plan-jobs/{running['id']}/cancel")
        if "HUANWEI_DATABASE_URL" in os.environ:  # leave a shared database as it was
            admin.delete(f"/users/{user['id']}")
            admin.delete(f"/districts/{district}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    ms = np.array(latencies) * 1000
    return {
        "database": url.split(":", 1)[0],
        "points": len(document["points"]),
        "crew_stops": stops[crew],
        "clients": args.clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
        "requests_per_s": round(len(latencies) / wall, 1),
        "job_during_load": f"{during['status']}, progress {during['progress']:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (≤ 200)")
    parser.add_argument("--requests", type=int, default=5, help="requests per client (≤ 50)")
    parser.add_argument("--scale", type=float, default=0.2, help="share of the baseline district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--job-time-limit", type=float, default=60.0, help="the running job's s")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.requests <= 50):
        parser.error("keep the load bounded: --clients 1..200, --requests 1..50")
    figures = run(args)
    print(json.dumps(figures))
    print(
        "| database | points | clients × requests | p50 | p95 | p99 | max | errors | req/s | job |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        f"| {figures['database']} | {figures['points']} | {args.clients} × {args.requests} "
        f"| {figures['p50_ms']} ms | {figures['p95_ms']} ms | {figures['p99_ms']} ms "
        f"| {figures['max_ms']} ms | {figures['errors']} | {figures['requests_per_s']} "
        f"| {figures['job_during_load']} |"
    )


if __name__ == "__main__":
    main()
