"""API load benchmark: drivers' assignment requests from concurrent clients while a plan job runs.

Usage::

    python benchmarks/api_load.py --clients 100 --requests 5 --job-time-limit 30

Starts ``huanwei serve`` on 127.0.0.1 (a fresh SpatiaLite file, or the PostGIS database that
``HUANWEI_DATABASE_URL`` names), imports a generated district, plans and publishes a day, creates
``--drivers`` driver users (default: one per client) bound to the crews with the most stops in
turn, then starts a second plan job and, while it runs, sends ``--clients`` concurrent clients of
``--requests`` ``GET /me/assignment`` each (loopback only, a bounded count). Each client opens
one keep-alive connection and sends one request on it before the timed ones, as a driver's app
that is already connected; then all clients send at once. Prints the latencies (p50, p95, p99,
max), the answers that are not the crew's assignment, the server's CPU time per request and the
job's state as JSON, then a Markdown row for BENCHMARKS.md. ``--client httpx`` runs the first
version's client (httpx, connections opened in the count). What it created in a PostGIS database
is deleted again.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
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

from api.db.engine import make_engine, session_factory
from api.repositories.users import remove_user, replace_user
from routing.problem_file import problem_to_dict
from scenarios.district import BoxSampler, DistrictSpec, generate_district

#: Tomorrow: a publishing job for a past day is refused.
DAY = (dt.date.today() + dt.timedelta(days=1)).isoformat()
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _district(scale: float, seed: int) -> dict[str, Any]:
    problem = generate_district(
        BoxSampler(24.90, 60.15, 24.98, 60.19), seed=seed, spec=DistrictSpec(scale=scale)
    )
    # The API plans on straight-line travel at its default speed: the file says so.
    travel = {name: {"method": "straight-line"} for name in problem.travel}
    return {**problem_to_dict(problem), "travel": travel}


def _wait_job(client: httpx.Client, job_id: int, until: tuple[str, ...], limit_s: float) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = client.get(f"/plan-jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise TimeoutError(f"plan job {job_id} did not reach {until} in {limit_s:g} s")


class _Connection:
    """One keep-alive HTTP/1.1 connection (the load client: asyncio streams, no HTTP library).

    httpx's pool costs the client itself several seconds at 100 concurrent requests (a static
    response served by a bare app measured p95 4.6 s with it, 0.1 s with this): the figures
    would describe the client, not the API.
    """

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.request = (
            f"GET /me/assignment?date={DAY} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\n\r\n"
        ).encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self) -> tuple[int, bytes]:
        """The status and body of one ``GET /me/assignment``."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(self.request)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        length = next(
            (int(h.split(":", 1)[1]) for h in head if h.lower().startswith("content-length:")), 0
        )
        body = await reader.readexactly(length)
        if any(h.lower() == "connection: close" for h in head):
            self.close()
        return int(head[0].split()[1]), body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _load(
    host: str, port: int, tokens: list[str], requests: int, timeout_s: float = 60.0
) -> tuple[list[float], list[tuple[int, bytes] | None]]:
    """One client per token, each with its own connection (opened and used once first, not
    counted), then ``requests`` timed requests each; latencies and answers (None: failed)."""
    latencies: list[float] = []
    answers: list[tuple[int, bytes] | None] = []
    ready = asyncio.Event()
    warm = [0]

    async def one_client(token: str) -> None:
        connection = _Connection(host, port, token)
        try:
            await connection.get()
        except (OSError, asyncio.IncompleteReadError):
            connection.close()
        warm[0] += 1
        if warm[0] == len(tokens):
            ready.set()
        await ready.wait()
        for _ in range(requests):
            start = time.perf_counter()
            try:
                async with asyncio.timeout(timeout_s):
                    answer: tuple[int, bytes] | None = await connection.get()
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                answer = None
                connection.close()
            latencies.append(time.perf_counter() - start)
            answers.append(answer)
        connection.close()

    await asyncio.gather(*(one_client(token) for token in tokens))
    return latencies, answers


def _run_load(host: str, port: int, tokens: list[str], requests: int) -> Any:
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]

        return uvloop.run(_load(host, port, tokens, requests))
    except ImportError:
        return asyncio.run(_load(host, port, tokens, requests))


def _errors(answers: list[tuple[int, bytes] | None], crews: set[str]) -> int:
    """Answers that are not a 200 with routes of a bound crew (checked after timing)."""
    errors = 0
    for answer in answers:
        if answer is None or answer[0] != 200:
            errors += 1
            continue
        document = json.loads(answer[1])
        errors += not (document["routes"] and document["crew"] in crews)
    return errors


async def _load_httpx(
    base: str, tokens: list[str], requests: int
) -> tuple[list[float], list[tuple[int, bytes] | None]]:
    """The first version's client (httpx, connections opened in the count), for comparison."""
    latencies: list[float] = []
    answers: list[tuple[int, bytes] | None] = []
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def one_client(token: str) -> None:
            for _ in range(requests):
                start = time.perf_counter()
                try:
                    response = await http.get(
                        "/me/assignment",
                        params={"date": DAY},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    answer: tuple[int, bytes] | None = (response.status_code, response.content)
                except httpx.HTTPError:
                    answer = None
                latencies.append(time.perf_counter() - start)
                answers.append(answer)

        await asyncio.gather(*(one_client(token) for token in tokens))
    return latencies, answers


def _add_admin(url: str, name: str, password: str) -> str:
    """An admin of this run, straight in the (migrated) database; its name."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        replace_user(session, username=name, password=password, role="admin")
        session.commit()
    engine.dispose()
    return name


def _remove_admin(url: str, name: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        remove_user(session, name)
        session.commit()
    engine.dispose()


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of process ``pid`` and its children so far (Linux; None
    elsewhere): the server and, with several API processes, its workers; not the plan job's
    process, a grandchild."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for one in (pid, *map(int, children)):
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
    return total


def _crew_stops(plan: dict[str, Any]) -> dict[str, int]:
    stops: dict[str, int] = {}
    for route in plan["routes"]:
        visits = sum(len(t.get("visits", [])) for t in route.get("trips", []))
        stops[route["crew"]] = stops.get(route["crew"], 0) + visits
    return {crew: n for crew, n in sorted(stops.items(), key=lambda kv: -kv[1]) if n > 0}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve, load a district, plan, and measure; the figures."""
    folder = Path(tempfile.mkdtemp(prefix="huanwei-load-"))
    url = os.environ.get("HUANWEI_DATABASE_URL") or f"sqlite:///{folder / 'huanwei.sqlite'}"
    password = secrets.token_urlsafe(12)
    port = _free_port()
    env = os.environ | {
        "HUANWEI_DATABASE_URL": url,
        "HUANWEI_API_PROCESSES": str(args.api_processes),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "huanwei", "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("w"),
    )
    base = f"http://{HOST}:{port}"
    tag = secrets.token_hex(3)
    users: list[int] = []
    try:
        admin = httpx.Client(base_url=base, timeout=60)
        for _ in range(600):
            try:
                if admin.get("/openapi.json").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        admin_name = _add_admin(url, f"bench-admin-{tag}", password)
        token = admin.post("/auth/token", data={"username": admin_name, "password": password})
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
        stops = _crew_stops(admin.get(f"/plans/{job['plan_id']}").json()["plan"])
        crews = list(stops)[: args.drivers]  # the crews with the most stops, one per driver
        tokens: list[str] = []
        for n in range(args.drivers):
            name = f"driver-{tag}-{n}"
            user = admin.post(
                "/users",
                json={
                    "username": name,
                    "password": password,
                    "role": "driver",
                    "district_id": district,
                    "crew_id": crews[n % len(crews)],
                },
            ).json()
            users.append(user["id"])
            signed = admin.post("/auth/token", data={"username": name, "password": password})
            tokens.append(signed.json()["access_token"])
        clients = [tokens[n % len(tokens)] for n in range(args.clients)]

        running = admin.post(
            f"/districts/{district}/plan-jobs",
            json={"date": DAY, "time_limit_s": args.job_time_limit, "seed": 1},
        ).json()
        _wait_job(admin, running["id"], ("running",), 120)
        time.sleep(1.0)  # the solver past its start, searching
        if args.client == "httpx":
            asyncio.run(_load_httpx(base, tokens[:1], 3))  # warm-up, not counted
            cpu_before = _cpu_s(server.pid)
            start = time.perf_counter()
            latencies, answers = asyncio.run(_load_httpx(base, clients, args.requests))
        else:
            _run_load(HOST, port, tokens, 1)  # every driver's assignment built once, not counted
            cpu_before = _cpu_s(server.pid)
            start = time.perf_counter()
            latencies, answers = _run_load(HOST, port, clients, args.requests)
        wall = time.perf_counter() - start
        cpu_after = _cpu_s(server.pid)
        during = admin.get(f"/plan-jobs/{running['id']}").json()
        admin.post(f"/plan-jobs/{running['id']}/cancel")
        if "HUANWEI_DATABASE_URL" in os.environ:  # leave a shared database as it was
            for user_id in users:
                admin.delete(f"/users/{user_id}")
            admin.delete(f"/districts/{district}")
            _remove_admin(url, admin_name)
    finally:
        server.terminate()
        try:
            server.wait(timeout=120)  # the job's process ends first
        except subprocess.TimeoutExpired:
            server.kill()
    ms = np.array(latencies) * 1000
    return {
        "database": url.split(":", 1)[0],
        "client": args.client,
        "api_processes": args.api_processes,
        "points": len(document["points"]),
        "drivers": args.drivers,
        "crews": len(crews),
        "crew_stops": [stops[c] for c in crews],
        "clients": args.clients,
        "requests": len(latencies),
        "errors": _errors(answers, set(crews)),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
        "requests_per_s": round(len(latencies) / wall, 1),
        "server_cpu_ms_per_request": (
            round((cpu_after - cpu_before) * 1000 / len(latencies), 2)
            if cpu_before is not None and cpu_after is not None
            else None
        ),
        "job_during_load": f"{during['status']}, progress {during['progress']:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (≤ 200)")
    parser.add_argument("--requests", type=int, default=5, help="requests per client (≤ 50)")
    parser.add_argument(
        "--drivers",
        type=int,
        default=0,
        help="driver users, clients share them (default: one per client)",
    )
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument(
        "--api-processes", type=int, default=1, help="HUANWEI_API_PROCESSES of the server (1..4)"
    )
    parser.add_argument("--scale", type=float, default=0.2, help="share of the baseline district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--job-time-limit", type=float, default=60.0, help="the running job's s")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.requests <= 50):
        parser.error("keep the load bounded: --clients 1..200, --requests 1..50")
    if not 1 <= args.api_processes <= 4:
        parser.error("--api-processes must be 1..4")
    args.drivers = args.drivers or args.clients
    if not 1 <= args.drivers <= args.clients:
        parser.error("--drivers must be 1..--clients")
    figures = run(args)
    print(json.dumps(figures))
    print(
        "| database | API processes | client | drivers | clients × requests | p50 | p95 | p99 "
        "| max | errors | req/s | server CPU / request | job |\n"
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |\n"
        f"| {figures['database']} | {args.api_processes} | {args.client} | {args.drivers} "
        f"| {args.clients} × {args.requests} "
        f"| {figures['p50_ms']} ms | {figures['p95_ms']} ms | {figures['p99_ms']} ms "
        f"| {figures['max_ms']} ms | {figures['errors']} | {figures['requests_per_s']} "
        f"| {figures['server_cpu_ms_per_request']} ms | {figures['job_during_load']} |"
    )


if __name__ == "__main__":
    main()
