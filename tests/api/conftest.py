"""Fixtures of the API tests: a real PostGIS (``make db`` prepares it), each test rolled back.

The schema is built once per run by the Alembic migrations. Each test runs inside a transaction on
one connection that is rolled back at its end (sessions of the app and of plan jobs join it through
savepoints), so no test sees another's rows. Tests of concurrent jobs, which need real commits, use
``committed`` instead: its tables are emptied after the test. If the database cannot be reached
the tests fail: they never skip. The database is the run's own (:mod:`tests.api.database`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.core.security import hash_password, issue_token
from api.db import models as m
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.jobs.runner import Solver, run_job
from api.main import create_app
from gis_data.demo import helsinki_extract
from routing.plan import Plan
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from routing.solve import Progress, solve
from scenarios.district import BoxSampler, DistrictSpec, generate_district
from scenarios.road_district import road_district
from tests.api import database
from tests.factories import described

DATABASE_URL = database.URL  # this run's own database, made by the engine fixture
SECRET = "test-secret-that-is-long-enough-for-the-settings"
ROLES = ("admin", "dispatcher", "planner", "driver")
#: The day the tests plan: tomorrow, as dispatchers do (a past day's plan is not published
#: without ``force``).
DAY = (dt.date.today() + dt.timedelta(days=1)).isoformat()
#: A day without plans.
OTHER_DAY = (dt.date.today() + dt.timedelta(days=2)).isoformat()


def settings(**changes: Any) -> Settings:
    """Settings of a test app."""
    values: dict[str, Any] = {
        "database_url": DATABASE_URL,
        "secret_key": SECRET,
        "environment": "test",
        "job_executor": "external",
    }
    return Settings(**(values | changes))


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The test database, its schema rebuilt by the migrations (fails if unreachable)."""
    with database.run_database() as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE EXTENSION postgis"))
        upgrade(database_url=url)
        yield engine
        engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions joining the test's transaction (their commits are savepoints)."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@dataclass
class Api:
    """A test client with a signed-in user per role (drivers bound to crew ``crew-001``)."""

    client: TestClient
    app: FastAPI
    sessions: sessionmaker[Session]
    users: dict[str, int]

    def headers(self, role: str) -> dict[str, str]:
        """Authorization headers of ``role``'s user."""
        token = issue_token(self.users[role], version=0, secret_key=SECRET, ttl_s=3600)
        return {"Authorization": f"Bearer {token}"}

    def call(
        self,
        method: str,
        url: str,
        *,
        role: str | None = "dispatcher",
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        """A request as ``role`` (``None``: without a token)."""
        auth = self.headers(role) if role is not None else {}
        return self.client.request(method, url, headers=auth | (headers or {}), **kw)

    def bind_driver(self, district_id: int, crew: str, *, role: str = "driver") -> None:
        """Bind the driver user to a crew of the district."""
        with self.sessions() as session:
            crew_row = session.scalar(
                select(m.CrewRow).where(
                    m.CrewRow.district_id == district_id, m.CrewRow.code == crew
                )
            )
            assert crew_row is not None
            user = session.get(m.UserRow, self.users[role])
            assert user is not None
            user.crew_id = crew_row.id
            session.commit()

    def run_jobs(self, solver: Solver | None = None) -> list[str | None]:
        """Run every queued job here and now, as a worker would (by :func:`greedy` unless a
        ``solver`` is given)."""
        with self.sessions() as session:
            ids = list(
                session.scalars(
                    select(m.PlanJobRow.id)
                    .where(m.PlanJobRow.status == "queued")
                    .order_by(m.PlanJobRow.id)
                )
            )
        return [
            run_job(self.sessions, job_id, worker="test-worker", solver=solver or greedy)
            for job_id in ids
        ]

    def count(self, model: type[Any]) -> int:
        """Rows of ``model`` (to check that nothing was written)."""
        with self.sessions() as session:
            return len(list(session.scalars(select(model))))


def greedy(problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None) -> Plan:
    """The jobs' solver in tests about the API around a plan, not its quality: the greedy
    engine (milliseconds; the optimiser takes its whole time limit and more)."""
    return solve(problem, time_limit_s=time_limit_s, seed=seed, progress=progress, engine="greedy")


@cache
def password_hash(role: str) -> str:
    """The stored hash of ``role``'s password (hashed once per run: Argon2 takes its time)."""
    return hash_password(f"{role}-password")


def add_users(sessions: sessionmaker[Session]) -> dict[str, int]:
    """One user per role; returns their ids."""
    ids: dict[str, int] = {}
    with sessions() as session:
        for role in (*ROLES, "driver2"):
            user = m.UserRow(
                username=role,
                password_hash=password_hash(role),
                role="driver" if role == "driver2" else role,
            )
            session.add(user)
            session.flush()
            ids[role] = user.id
        session.commit()
    return ids


@pytest.fixture
def api(sessions: sessionmaker[Session]) -> Iterator[Api]:
    """The app on the rolled-back transaction; jobs are run by :meth:`Api.run_jobs`."""
    app = create_app(settings(), sessions=sessions)
    users = add_users(sessions)
    with TestClient(app) as client:
        yield Api(client=client, app=app, sessions=sessions, users=users)


#: Where the tests' districts lie: central Helsinki, and Qingdao (where GCJ-02 applies).
HELSINKI = BoxSampler(24.90, 60.15, 24.98, 60.19)
QINGDAO = BoxSampler(120.33, 36.06, 120.39, 36.09)


@cache
def district_document(seed: int = 1, box: BoxSampler = HELSINKI) -> dict[str, Any]:
    """A tiny generated district (scale 0.05, about 80 points) as a problem file."""
    problem = generate_district(box, seed=seed, spec=DistrictSpec(scale=0.05))
    speeds = {"cart": 15.0}
    travel = {
        name: {"method": "straight-line", "speed_kmh": speeds.get(name, 25.0)}
        for name in problem.travel
    }
    return problem_to_dict(described(problem, travel))


@cache
def road_document() -> dict[str, Any]:
    """A tiny district on the streets of the demo's Helsinki extract, as a problem file without
    its travel section (the API then times it along straight lines until given the extract)."""
    raw = problem_to_dict(road_district(helsinki_extract(), seed=2, spec=DistrictSpec(scale=0.05)))
    del raw["travel"]
    return raw


@pytest.fixture
def district(api: Api) -> int:
    """The tiny district imported through the API; its id."""
    response = api.call("POST", "/districts/import", json={"problem": district_document()})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def plan_day(
    api: Api,
    district_id: int,
    *,
    publish: bool = True,
    seed: int = 0,
    solver: Solver | None = None,
) -> int:
    """Request and run a plan for :data:`DAY` (by :func:`greedy` unless a ``solver`` is
    given); the plan version's id."""
    response = api.call(
        "POST",
        f"/districts/{district_id}/plan-jobs",
        json={"date": DAY, "time_limit_s": 1, "seed": seed, "publish": publish},
    )
    assert response.status_code == 202, response.text
    assert api.run_jobs(solver) == ["succeeded"]
    job = api.call("GET", f"/plan-jobs/{response.json()['id']}").json()
    assert api.call("GET", f"/plans/{job['plan_id']}/validation").json()["ok"] is True
    return int(job["plan_id"])


TABLES = (
    "stop_statuses",
    "plans",
    "plan_jobs",
    "users",
    "zones",
    "shifts",
    "crews",
    "vehicles",
    "vehicle_types",
    "facilities",
    "depots",
    "collection_points",
    "districts",
)


@pytest.fixture
def committed(engine: Engine) -> Iterator[Engine]:
    """The test database with real commits (for concurrent jobs); emptied after the test."""
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
