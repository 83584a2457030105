"""The drivers' assignment cache: served while nothing changed, never stale after a change.

Changes are made through the API and, as another API process or a plan worker would make them,
straight in the database: the cache must notice both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from api.core.cache import BuildCache
from api.core.security import issue_token
from api.db import models as m
from api.db.engine import session_factory
from api.main import create_app
from api.repositories.driver_days import DriverDay, DriverDayReader
from api.routes.driver import AssignmentCache
from tests.api.conftest import (
    DAY,
    OTHER_DAY,
    SECRET,
    Api,
    add_users,
    district_document,
    greedy,
    plan_day,
    settings,
)


def assignment(api: Api, role: str | None = "driver") -> Any:
    return api.call("GET", "/me/assignment", role=role, params={"date": DAY})


def cache(api: Api) -> AssignmentCache:
    value: AssignmentCache = api.app.state.assignments
    return value


def routes_of(api: Api, plan_id: int) -> list[dict[str, Any]]:
    return list(api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"])


@pytest.fixture
def published(api: Api, district: int) -> int:
    """A published plan of :data:`DAY` with the driver bound to its first route's crew."""
    plan_id = plan_day(api, district)
    api.bind_driver(district, routes_of(api, plan_id)[0]["crew"])
    return plan_id


def test_a_repeated_request_is_served_from_the_cache(api: Api, published: int) -> None:
    first = assignment(api)
    assert first.status_code == 200 and len(cache(api)) == 1
    hits = cache(api).hits
    again = assignment(api)
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert cache(api).hits == hits + 1 and cache(api).misses == 1


def test_a_phone_that_accepts_gzip_gets_the_assignment_compressed(api: Api, published: int) -> None:
    plain = api.call(
        "GET",
        "/me/assignment",
        role="driver",
        params={"date": DAY},
        headers={"Accept-Encoding": "identity"},
    )
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    for _ in range(2):  # built by the route, then sent from the cache: both compressed
        zipped = api.call(
            "GET",
            "/me/assignment",
            role="driver",
            params={"date": DAY},
            headers={"Accept-Encoding": "gzip"},
        )
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.json() == plain.json()  # httpx inflates it
        assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert cache(api).hits >= 1


def test_a_polling_phone_gets_304_until_its_assignment_changes(api: Api, published: int) -> None:
    first = assignment(api)
    tag = first.headers["etag"]
    for _ in range(2):  # built by the route, then answered from the cache: the same tag
        same = api.call(
            "GET",
            "/me/assignment",
            role="driver",
            params={"date": DAY},
            headers={"If-None-Match": tag},
        )
        assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == tag
    stop = first.json()["routes"][0]["stops"][0]
    report = {"date": DAY, "point_id": stop["id"], "visit": stop["visit"], "status": "done"}
    assert api.call("POST", "/me/stops", role="driver", json=report).status_code == 201
    changed = api.call(
        "GET",
        "/me/assignment",
        role="driver",
        params={"date": DAY},
        headers={"If-None-Match": tag},
    )
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert changed.json()["routes"][0]["stops"][0]["status"] == "done"


def test_a_stop_report_through_the_api_changes_the_answer(api: Api, published: int) -> None:
    stop = assignment(api).json()["routes"][0]["stops"][0]
    report = {"date": DAY, "point_id": stop["id"], "visit": stop["visit"], "status": "done"}
    assert api.call("POST", "/me/stops", role="driver", json=report).status_code == 201
    first = assignment(api).json()["routes"][0]["stops"][0]
    assert (first["id"], first["status"]) == (stop["id"], "done")
    skipped = report | {"status": "skipped", "reason": "blocked street"}
    assert api.call("POST", "/me/stops", role="driver", json=skipped).status_code == 201
    first = assignment(api).json()["routes"][0]["stops"][0]
    assert (first["status"], first["reason"]) == ("skipped", "blocked street")
    undo = report | {"status": "planned"}
    taken_back = api.call("POST", "/me/stops", role="driver", json=undo)
    assert taken_back.status_code == 201 and taken_back.json()["status"] == "planned"
    first = assignment(api).json()["routes"][0]["stops"][0]
    assert (first["status"], first["reason"]) == ("planned", "")


def test_a_stop_report_written_elsewhere_changes_the_answer(api: Api, published: int) -> None:
    stop = assignment(api).json()["routes"][0]["stops"][0]
    with api.sessions() as session:  # as another API process would write it
        session.add(
            m.StopStatusRow(
                plan_id=published,
                point_code=stop["id"],
                visit=stop["visit"],
                status="skipped",
                reason="bins locked",
                at=m.utcnow(),
            )
        )
        session.commit()
    first = assignment(api).json()["routes"][0]["stops"][0]
    assert (first["status"], first["reason"]) == ("skipped", "bins locked")
    with api.sessions() as session:
        session.execute(update(m.StopStatusRow).values(status="done", reason=""))
        session.commit()
    assert assignment(api).json()["routes"][0]["stops"][0]["status"] == "done"


def test_a_new_publication_changes_the_answer(api: Api, district: int, published: int) -> None:
    assert assignment(api).json()["plan_id"] == published
    second = plan_day(api, district, publish=False, seed=1)
    assert assignment(api).json()["plan_id"] == published  # not published yet
    assert api.call("POST", f"/plans/{second}/publish").status_code == 200
    mine = assignment(api).json()
    assert (mine["plan_id"], mine["version"]) == (second, 2)


def test_a_publication_by_a_worker_changes_the_answer(
    api: Api, district: int, published: int
) -> None:
    assert assignment(api).json()["plan_id"] == published
    second = plan_day(api, district, publish=True, seed=1)  # the job publishes, as workers do
    assert second != published
    assert assignment(api).json()["plan_id"] == second
    with api.sessions() as session:  # withdrawn and the first published again, in the database
        session.execute(update(m.PlanRow).values(published=False))
        session.execute(update(m.PlanRow).where(m.PlanRow.id == published).values(published=True))
        session.commit()
    assert assignment(api).json()["plan_id"] == published
    with api.sessions() as session:
        session.execute(update(m.PlanRow).values(published=False))
        session.commit()
    assert assignment(api).status_code == 404


def test_rebinding_removing_or_re_roling_the_driver_is_seen_at_once(
    api: Api, district: int, published: int
) -> None:
    routes = routes_of(api, published)
    mine = assignment(api).json()
    other = next(r["crew"] for r in routes if r["crew"] != mine["crew"] and r["trips"])
    api.bind_driver(district, other)
    assert assignment(api).json()["crew"] == other
    with api.sessions() as session:
        session.execute(
            update(m.UserRow).where(m.UserRow.id == api.users["driver"]).values(role="planner")
        )
        session.commit()
    assert assignment(api).status_code == 403
    with api.sessions() as session:
        user = session.get(m.UserRow, api.users["driver"])
        session.delete(user)
        session.commit()
    assert assignment(api).status_code == 401


def test_a_cached_assignment_is_served_to_no_one_else(api: Api, published: int) -> None:
    assert assignment(api).status_code == 200
    for role, status in (("planner", 403), ("admin", 403), ("driver2", 403), (None, 401)):
        assert assignment(api, role).status_code == status, role
    forged = {"Authorization": "Bearer 1.99999999999.forged"}
    assert api.client.get("/me/assignment", params={"date": DAY}, headers=forged).status_code == 401
    no_day = api.call("GET", "/me/assignment", role="driver", params={"date": "2026-13-01"})
    assert no_day.status_code == 422 and no_day.json()["detail"][0]["loc"] == ["query", "date"]
    other_day = api.call("GET", "/me/assignment", role="driver", params={"date": OTHER_DAY})
    assert other_day.status_code == 404


def test_exports_and_reports_use_the_same_assignment(api: Api, published: int) -> None:
    stops = [s for r in assignment(api).json()["routes"] for s in r["stops"]]
    gpx = api.call("GET", "/me/assignment.gpx", role="driver", params={"date": DAY}).text
    assert gpx.count("<wpt ") == len(stops)
    unload = next(s for s in stops if s["kind"] == "unload")
    report = {"date": DAY, "point_id": unload["id"], "visit": 1, "status": "done"}
    assert api.call("POST", "/me/stops", role="driver", json=report).status_code == 404
    assert api.count(m.StopStatusRow) == 0


def test_the_cache_builds_once_for_many_waiting_callers() -> None:
    built: list[int] = []
    store: BuildCache[str, int] = BuildCache(max_entries=4)

    def slow() -> int:
        time.sleep(0.2)
        built.append(1)
        return 42

    values: list[int] = []
    threads = [
        threading.Thread(target=lambda: values.append(store.get("k", slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values == [42] * 8 and len(built) == 1
    assert store.misses == 1 and store.hits == 7


def test_the_cache_keeps_the_most_recently_used_and_no_failed_build() -> None:
    store: BuildCache[int, str] = BuildCache(max_entries=2)
    store.get(1, lambda: "one")
    store.get(2, lambda: "two")
    store.get(1, lambda: "again")  # a hit: 1 is now the most recent
    store.get(3, lambda: "three")  # 2 is dropped
    assert (store.peek(1), store.peek(2), store.peek(3)) == ("one", None, "three")

    def broken() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        store.get(4, broken)
    assert store.peek(4) is None and store.get(4, lambda: "four") == "four"
    assert len(store) == 2 and store.peek(1) is None  # 4 pushed 1 out
    with pytest.raises(ValueError, match="max_entries"):
        BuildCache(0)


def test_the_hot_path_on_postgis_sees_commits_of_others(committed: Engine) -> None:
    app = create_app(settings(job_executor="thread"), engine=committed, solver=greedy)
    sessions = session_factory(committed)
    users = add_users(sessions)

    def auth(role: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {issue_token(users[role], version=0, secret_key=SECRET, ttl_s=60)}"
        }

    with TestClient(app) as client:
        reader = app.state.driver_days
        assert isinstance(reader, DriverDayReader)
        district = client.post(
            "/districts/import", json={"problem": district_document()}, headers=auth("admin")
        ).json()["id"]
        plans = []
        for seed in (0, 1):
            job = client.post(
                f"/districts/{district}/plan-jobs",
                json={"date": DAY, "seed": seed, "publish": seed == 0},
                headers=auth("dispatcher"),
            ).json()
            app.state.queue.wait(30)
            plans.append(client.get(f"/plan-jobs/{job['id']}", headers=auth("admin")).json())
        assert [p["status"] for p in plans] == ["succeeded", "succeeded"]
        first, second = (p["plan_id"] for p in plans)
        crew = client.get(f"/plans/{first}", headers=auth("admin")).json()["plan"]["routes"][0]
        with sessions() as session:
            row = session.scalar(
                select(m.CrewRow).where(
                    m.CrewRow.district_id == district, m.CrewRow.code == crew["crew"]
                )
            )
            user = session.get(m.UserRow, users["driver"])
            assert row is not None and user is not None
            user.crew_id = row.id
            session.commit()

        def mine() -> Any:
            return client.get("/me/assignment", params={"date": DAY}, headers=auth("driver"))

        assert mine().json()["plan_id"] == first
        hits = app.state.assignments.hits
        stop = mine().json()["routes"][0]["stops"][0]
        assert app.state.assignments.hits == hits + 1  # answered by the hot path
        with sessions() as session:  # another process reports the stop
            session.add(
                m.StopStatusRow(
                    plan_id=first,
                    point_code=stop["id"],
                    visit=stop["visit"],
                    status="done",
                    at=m.utcnow(),
                )
            )
            session.commit()
        assert mine().json()["routes"][0]["stops"][0]["status"] == "done"
        assert (
            client.post(f"/plans/{second}/publish", headers=auth("dispatcher")).status_code == 200
        )
        assert mine().json()["plan_id"] == second
        assert client.portal is not None
        client.portal.call(reader.close)  # connections gone: the next read opens another
        assert mine().json()["plan_id"] == second
        with sessions() as session:
            session.execute(update(m.UserRow).values(crew_id=None))
            session.commit()
        assert mine().status_code == 403


def test_the_postgis_reader_bounds_its_connections_and_sees_new_rows(committed: Engine) -> None:
    reader = DriverDayReader(committed, pg_connections=2)
    day = dt.date(2026, 5, 1)

    async def run() -> tuple[list[DriverDay], DriverDay, list[DriverDay]]:
        try:
            nobody = await asyncio.gather(*(reader.read(0, day) for _ in range(50)))
            assert reader._pg_open <= 2 and len(reader._pg_idle) == reader._pg_open
            users = add_users(session_factory(committed))  # committed by another connection
            admin = await reader.read(users["admin"], day)  # on an idle connection
            later = day + dt.timedelta(days=1)
            asked = [("admin", day), ("planner", later), ("nobody", day), ("driver", day)]
            mixed = await asyncio.gather(  # one turn of the loop: read together
                *(reader.read(users.get(name, 0), when) for name, when in asked)
            )
            return list(nobody), admin, list(mixed)
        finally:
            await reader.close()

    nobody, admin, mixed = asyncio.run(run())
    assert all(d.role is None for d in nobody)
    assert (admin.role, admin.crew, admin.plan_id) == ("admin", None, None)
    assert [d.role for d in mixed] == ["admin", "planner", None, "driver"]
    assert reader._pg_open == 0
