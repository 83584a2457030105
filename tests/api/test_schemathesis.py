"""Generated requests from the OpenAPI spec (schemathesis): no endpoint answers with a 5xx.

Every operation gets a bounded number of schema-conforming and schema-breaking requests, sent as
an admin (a driver for ``/me/…``) against a district with a published plan, on the real PostGIS
and on SpatiaLite. Path parameters that name a district, plan or job are pointed at the stored
ones, so requests reach the records and not only the 404s. Each request runs in a savepoint that
is rolled back, so a deleting request does not change what the next one sees.

``HUANWEI_SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default 8, which keeps
``make test`` fast; the issue's measurement runs 50, BENCHMARKS.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from api.db import models as m
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.main import create_app
from tests.api import conftest
from tests.api.conftest import Api, add_users, district_document, plan_day

# Generated feature boxes make geojson-pydantic warn of the antimeridian: expected, not news.
pytestmark = pytest.mark.filterwarnings("ignore:BBOX crossing the Antimeridian")
EXAMPLES_ENV = "HUANWEI_SCHEMATHESIS_EXAMPLES"
#: Per operation; 30 found nothing more than 8, at four times the time (50: BENCHMARKS.md).
MAX_EXAMPLES = int(os.environ.get(EXAMPLES_ENV) or 8)
#: Requests sent per status class (1: 1xx … 5: 5xx), for the run's summary.
SENT_BY_CLASS: dict[int, int] = {}
SENT = ("headers", "params", "cookies", "json", "data", "files")


def _savepoints_on_sqlite(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so that a savepoint never
    starts (and its release never commits) the outer one (SQLAlchemy's pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def no_implicit_begin(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


#: The job queue's reaper thread would read through the test's one connection while a request
#: does (every ``stale_job_s / 2``, well within a run of 50 examples): not in these tests.
NO_REAPING_S = 24 * 3600


@contextmanager
def _live(sessions: sessionmaker[Session], url: str) -> Iterator[Api]:
    """The app on ``sessions`` (joined to a test transaction) of the database ``url``."""
    app = create_app(
        conftest.settings(database_url=url, stale_job_s=NO_REAPING_S), sessions=sessions
    )
    users = add_users(sessions)
    with TestClient(app) as client:
        yield Api(client=client, app=app, sessions=sessions, users=users)


@pytest.fixture
def postgis(
    sessions: sessionmaker[Session], connection: Connection
) -> Iterator[tuple[Api, Connection]]:
    """The app on the test PostGIS, in the transaction the ``connection`` fixture rolls back."""
    with _live(sessions, conftest.DATABASE_URL) as api:
        yield api, connection


@pytest.fixture
def spatialite(tmp_path: Path) -> Iterator[tuple[Api, Connection]]:
    """The app on a SpatiaLite file, in a transaction rolled back after the test."""
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    _savepoints_on_sqlite(engine)
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        with _live(sessions, url) as api:
            yield api, connection
        outer.rollback()
    engine.dispose()


@pytest.fixture(params=["postgis", "spatialite"])
def live(request: pytest.FixtureRequest) -> tuple[Api, Connection]:
    """The app and its test transaction's connection, on each database."""
    found: tuple[Api, Connection] = request.getfixturevalue(request.param)
    return found


def _send(api: Api, case: Any, role: str) -> Any:
    """Send ``case`` through the test client as ``role``."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=api.headers(role))
    if isinstance(kwargs.get("data"), str | bytes):
        kwargs["content"] = kwargs.pop("data")
    sent = {key: kwargs[key] for key in (*SENT, "content") if kwargs.get(key) is not None}
    if sent.pop("cookies", None):  # per-request cookies are deprecated in the test client
        sent["headers"] = sent.get("headers", {}) | {
            "Cookie": "; ".join(f"{name}={value}" for name, value in kwargs["cookies"].items())
        }
    return api.client.request(kwargs["method"], kwargs["url"], **sent)


def _server_errors(
    api: Api, connection: Connection, operation: Any, known: dict[str, int]
) -> list[str]:
    """The 5xx answers to generated requests of ``operation``, each with its curl command."""
    role = "driver" if operation.path.startswith("/me/") else "admin"
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    failures: list[str] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        for name, value in known.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = value
        savepoint = connection.begin_nested()
        try:
            status = _send(api, case, role).status_code
            what = str(status)
        except Exception as error:  # the test client raises what no handler answered: a 500
            status, what = 500, f"{type(error).__name__} ({str(error)[:200]})"
        finally:
            savepoint.rollback()
        SENT_BY_CLASS[status // 100] = SENT_BY_CLASS.get(status // 100, 0) + 1
        if status >= 500:
            failures.append(f"{operation.label}: {what} for {case.as_curl_command()[:2000]}")

    check()
    return failures


def test_no_operation_answers_a_server_error(live: tuple[Api, Connection]) -> None:
    api, connection = live
    imported = api.call("POST", "/districts/import", json={"problem": district_document()})
    assert imported.status_code == 201, imported.text
    district = int(imported.json()["id"])
    plan_id = plan_day(api, district)
    api.bind_driver(district, "crew-001")
    with api.sessions() as session:
        job_id = session.scalar(select(m.PlanJobRow.id))
    known = {"district_id": district, "plan_id": plan_id, "job_id": job_id}
    schema = schemathesis.openapi.from_dict(api.app.openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures = [f for op in operations for f in _server_errors(api, connection, op, known)]
    counts = ", ".join(f"{k}xx: {n}" for k, n in sorted(SENT_BY_CLASS.items()))
    print(f"\n{len(operations)} operations, {MAX_EXAMPLES} examples each: {counts}")
    SENT_BY_CLASS.clear()
    assert not failures, "\n".join(failures[:20])
    # Every request was rolled back (the deletes among them too).
    assert api.call("GET", f"/districts/{district}", role="admin").status_code == 200


def test_an_id_beyond_the_database_integers_is_a_422_not_a_500(api: Api) -> None:
    # Found by the generated requests: PostgreSQL refused the number, the API answered 500.
    # Now the path parameter's own bounds refuse it, naming it.
    response = api.call("GET", "/districts/2147483648", role="admin")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "district_id"]
