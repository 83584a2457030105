"""Trust: one test per defect a new user met (issue "Trust"), each failing on the code before it.

A newcomer's first command, tokens that cannot be confused between users, a driver who never sees
a deleted plan, publishing that is the dispatcher's alone and never silently undoes the live day,
secrets that are not public. The hostile corpus (``test_hostile_request``) sends requests an
attacker or a broken client would, and checks each is a 4xx that wrote nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.core.config import DEVELOPMENT_SECRET, Settings
from api.core.security import (
    SECRET_FILE,
    LegacyPbkdf2Hasher,
    check_password,
    hash_password,
    issue_token,
)
from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.migrate import upgrade
from api.main import create_app
from tests.api.conftest import (
    DAY,
    SECRET,
    Api,
    add_users,
    district_document,
    greedy,
    plan_day,
)

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ 1. the first command


def test_make_demo_installs_spatialite_itself_and_ci_runs_it_first() -> None:
    dry = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "libsqlite3-mod-spatialite" in dry
    assert dry.index("libsqlite3-mod-spatialite") < dry.index("huanwei demo")
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("DEMO_SERVE=0 make demo") < ci.index("make test")


# ------------------------------------------------------------------ the embedded database


class Embedded:
    """The app on a SpatiaLite file, as ``make demo`` serves it (ids there were reused)."""

    def __init__(self, engine: Engine, client: TestClient, users: dict[str, int]) -> None:
        self.engine = engine
        self.client = client
        self.users = users

    def auth(self, role: str, *, version: int = 0) -> dict[str, str]:
        token = issue_token(self.users[role], version=version, secret_key=SECRET, ttl_s=600)
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, url: str, role: str = "admin", **kw: Any) -> Any:
        return self.client.request(method, url, headers=self.auth(role), **kw)

    def import_district(self, seed: int, name: str) -> int:
        body = {"name": name, "problem": district_document(seed)}
        response = self.call("POST", "/districts/import", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def publish_day(self, district: int) -> int:
        job = self.call(
            "POST",
            f"/districts/{district}/plan-jobs",
            role="dispatcher",
            json={"date": DAY, "time_limit_s": 1, "publish": True},
        ).json()
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
            job = self.call("GET", f"/plan-jobs/{job['id']}").json()
        assert job["status"] == "succeeded", job
        return int(job["plan_id"])

    def bind_driver(self, district: int, crew: str) -> None:
        with session_factory(self.engine)() as session:
            row = session.scalar(
                select(m.CrewRow).where(m.CrewRow.district_id == district, m.CrewRow.code == crew)
            )
            user = session.get(m.UserRow, self.users["driver"])
            assert row is not None and user is not None
            user.crew_id = row.id
            session.commit()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Embedded]:
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    users = add_users(session_factory(engine))
    settings = Settings(
        database_url=url, secret_key=SECRET, environment="test", job_executor="thread"
    )
    with TestClient(create_app(settings, engine=engine, solver=greedy)) as client:
        yield Embedded(engine, client, users)
    engine.dispose()


# ------------------------------------------------------------------ 2. tokens name one user


def test_a_deleted_users_token_does_not_sign_in_as_the_next_user(embedded: Embedded) -> None:
    made = embedded.call(
        "POST", "/users", json={"username": "kept", "password": "password1", "role": "dispatcher"}
    ).json()
    token = embedded.client.post(
        "/auth/token", data={"username": "kept", "password": "password1"}
    ).json()["access_token"]
    old = {"Authorization": f"Bearer {token}"}
    assert embedded.client.get("/users/me", headers=old).json()["username"] == "kept"
    assert embedded.call("DELETE", f"/users/{made['id']}").status_code == 204
    new = embedded.call(
        "POST", "/users", json={"username": "boss", "password": "password1", "role": "admin"}
    ).json()
    assert new["id"] != made["id"]  # the embedded database never hands out an id again
    assert embedded.client.get("/users/me", headers=old).status_code == 401
    assert embedded.client.get("/users", headers=old).status_code == 401


# ------------------------------------------------------------------ 3. the driver's cache


def test_a_driver_never_sees_a_deleted_plans_stops(embedded: Embedded) -> None:
    first = embedded.import_district(1, "first")
    first_plan = embedded.publish_day(first)
    crew = embedded.call("GET", f"/plans/{first_plan}").json()["plan"]["routes"][0]["crew"]
    embedded.bind_driver(first, crew)
    before = embedded.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()
    assert embedded.call("DELETE", f"/districts/{first}").status_code == 204

    second = embedded.import_district(2, "second")
    second_plan = embedded.publish_day(second)
    assert (second, second_plan) != (first, first_plan)  # no id is used again
    routes = embedded.call("GET", f"/plans/{second_plan}").json()["plan"]["routes"]
    crew = routes[0]["crew"]
    embedded.bind_driver(second, crew)
    staff = embedded.call(
        "GET", f"/districts/{second}/crews/{crew}/assignment", params={"date": DAY}
    ).json()
    mine = embedded.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()
    assert mine == staff
    assert mine["plan_id"] == second_plan != before["plan_id"]


# ------------------------------------------------------------------ 4. who publishes


def test_a_planner_cannot_publish_through_a_plan_job(api: Api, district: int) -> None:
    url = f"/districts/{district}/plan-jobs"
    jobs = api.count(m.PlanJobRow)
    refused = api.call("POST", url, role="planner", json={"date": DAY, "publish": True})
    assert refused.status_code == 403
    assert api.count(m.PlanJobRow) == jobs
    assert api.call("POST", url, role="planner", json={"date": DAY}).status_code == 202
    publishing = api.call("POST", url, json={"date": DAY, "publish": True}).json()
    api.call("POST", f"/plan-jobs/{publishing['id']}/cancel")
    retry = api.call("POST", f"/plan-jobs/{publishing['id']}/retry", role="planner")
    assert retry.status_code == 403


# ------------------------------------------------------------------ 5. secrets


def test_the_public_secret_is_refused_and_a_private_one_is_made(tmp_path: Path) -> None:
    for environment in ("development", "production"):
        with pytest.raises(ValueError, match="secret_key"):
            Settings(environment=environment, secret_key=DEVELOPMENT_SECRET)
    url = f"sqlite:///{tmp_path / 'db' / 'huanwei.sqlite'}"
    env = {"HUANWEI_DATABASE_URL": url, "HUANWEI_DATA_DIR": str(tmp_path / "data")}
    upgrade(database_url=url)
    app = create_app(Settings.from_env(env))
    key_file = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "db" / "huanwei.sqlite").stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(key) >= 32 and key != DEVELOPMENT_SECRET
    assert create_app(Settings.from_env(env)).state.settings.secret_key == key  # kept
    engine = make_engine(url)
    users = add_users(session_factory(engine))
    engine.dispose()
    with TestClient(app) as client:
        for secret, status in ((DEVELOPMENT_SECRET, 401), (key, 200)):
            token = issue_token(users["admin"], version=0, secret_key=secret, ttl_s=60)
            me = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == status


# ------------------------------------------------------------------ 6. the live day


def _report_done(api: Api, plan_id: int) -> tuple[str, int]:
    """The driver (bound to the plan's first crew) marks its first visit done."""
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    api.bind_driver(
        int(api.call("GET", f"/plans/{plan_id}").json()["district_id"]), routes[0]["crew"]
    )
    visit = routes[0]["trips"][0]["visits"][0]
    body = {"date": DAY, "point_id": visit["point"], "visit": visit["visit"], "status": "done"}
    assert api.call("POST", "/me/stops", role="driver", json=body).status_code == 201
    return visit["point"], visit["visit"]


def _reports_on(api: Api, plan_id: int) -> dict[tuple[str, int], str]:
    """The crews' reports on a plan version, by (point, visit)."""
    with api.sessions() as session:
        rows = session.scalars(select(m.StopStatusRow).where(m.StopStatusRow.plan_id == plan_id))
        return {(row.point_code, row.visit): row.status for row in rows}


def _visits_of(api: Api, plan_id: int) -> set[tuple[str, int]]:
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    return {
        (visit["point"], visit["visit"])
        for route in routes
        for trip in route["trips"]
        for visit in trip["visits"]
    }


def test_republishing_keeps_the_crews_reports(api: Api, district: int) -> None:
    first = plan_day(api, district)
    point, visit = _report_done(api, first)
    second = plan_day(api, district, publish=False, seed=1)
    published = api.call("POST", f"/plans/{second}/publish")
    assert published.status_code == 200, published.text
    assert (point, visit) in _visits_of(api, second)  # every point is served in both
    assert _reports_on(api, second) == {(point, visit): "done"}
    assert _reports_on(api, first) == {(point, visit): "done"}  # the history keeps it too


def test_undoing_an_urgent_pickup_needs_force(api: Api, district: int) -> None:
    first = plan_day(api, district)
    point = next(
        p["id"]
        for p in district_document()["points"]
        if p["stream"] == "residual" and p["max_size_class"] == "heavy"
    )
    urgent = {"id": "URG-7", "stream": "residual", "kg": 100, "deadline": "16:00"}
    change = api.call("POST", f"/plans/{first}/urgent", json=urgent | {"at_point": point})
    assert change.status_code == 201, change.text
    second = change.json()["change"]["plan_id"]
    reported = _report_done(api, second)
    refused = api.call("POST", f"/plans/{first}/publish")
    assert refused.status_code == 409
    message = refused.json()["detail"][0]["msg"]
    assert "urgent URG-7" in message and "force=true" in message
    assert api.call("GET", f"/plans/{second}").json()["published"] is True  # nothing changed
    forced = api.call("POST", f"/plans/{first}/publish", params={"force": "true"})
    assert forced.status_code == 200
    carried = {reported: "done"} if reported in _visits_of(api, first) else {}
    assert _reports_on(api, first) == carried  # kept wherever the stop still is


def test_publishing_a_version_without_a_reported_stop_needs_force(api: Api, district: int) -> None:
    first = plan_day(api, district, publish=False)
    second = plan_day(api, district, publish=False, seed=1)
    with api.sessions() as session:  # the second version lacks the first route's first visit
        row = session.get(m.PlanRow, second)
        assert row is not None
        plan = copy.deepcopy(row.plan)
        gone = plan["routes"][0]["trips"][0]["visits"].pop(0)
        row.plan = plan
        session.commit()
    assert api.call("POST", f"/plans/{first}/publish").status_code == 200
    with api.sessions() as session:
        session.add(
            m.StopStatusRow(
                plan_id=first,
                point_code=gone["point"],
                visit=gone["visit"],
                status="done",
                reason="",
                at=m.utcnow(),
            )
        )
        session.commit()
    refused = api.call("POST", f"/plans/{second}/publish")
    assert refused.status_code == 409
    assert f"{gone['point']} visit {gone['visit']} (done)" in refused.json()["detail"][0]["msg"]
    assert api.call("POST", f"/plans/{second}/publish?force=true").status_code == 200
    assert (gone["point"], gone["visit"]) not in _reports_on(api, second)


def test_a_publishing_job_does_not_undo_the_live_day(api: Api, district: int) -> None:
    first = plan_day(api, district)
    urgent = {"id": "URG-8", "stream": "residual", "kg": 100, "deadline": "16:00"}
    point = next(p["id"] for p in district_document()["points"] if p["stream"] == "residual")
    change = api.call("POST", f"/plans/{first}/urgent", json=urgent | {"at_point": point})
    assert change.status_code == 201, change.text
    live = change.json()["change"]["plan_id"]
    job = api.call(
        "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "publish": True}
    ).json()
    assert api.run_jobs() == ["succeeded"]
    done = api.call("GET", f"/plan-jobs/{job['id']}").json()
    assert done["error"].startswith("stored, not published") and "URG-8" in done["error"]
    assert api.call("GET", f"/plans/{done['plan_id']}").json()["published"] is False
    assert api.call("GET", f"/plans/{live}").json()["published"] is True


def test_a_past_day_needs_force(api: Api, district: int) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    publishing = {"date": yesterday, "publish": True}
    refused_job = api.call("POST", f"/districts/{district}/plan-jobs", json=publishing)
    assert refused_job.status_code == 409 and "past day" in refused_job.text
    job = api.call(
        "POST", f"/districts/{district}/plan-jobs", json={"date": yesterday, "time_limit_s": 1}
    ).json()
    assert api.run_jobs() == ["succeeded"]
    plan_id = api.call("GET", f"/plan-jobs/{job['id']}").json()["plan_id"]
    refused = api.call("POST", f"/plans/{plan_id}/publish")
    assert refused.status_code == 409 and "past day" in refused.json()["detail"][0]["msg"]
    assert api.call("GET", f"/plans/{plan_id}").json()["published"] is False
    forced = api.call("POST", f"/plans/{plan_id}/publish", params={"force": "true"})
    assert forced.status_code == 200 and forced.json()["published"] is True


def test_one_publishing_job_per_day(api: Api, district: int) -> None:
    url = f"/districts/{district}/plan-jobs"
    first = api.call("POST", url, json={"date": DAY, "publish": True}).json()
    second = api.call("POST", url, json={"date": DAY, "publish": True})
    assert second.status_code == 409
    assert f"plan job {first['id']}" in second.json()["detail"][0]["msg"]
    assert api.call("POST", url, json={"date": DAY}).status_code == 202  # a draft may run
    api.call("POST", f"/plan-jobs/{first['id']}/cancel")
    assert api.call("POST", url, json={"date": DAY, "publish": True}).status_code == 202


# ------------------------------------------------------------------ 9. accounts


def test_signing_out_ends_the_token(api: Api) -> None:
    token = api.client.post(
        "/auth/token", data={"username": "planner", "password": "planner-password"}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/users/me", headers=auth).status_code == 200
    assert api.client.post("/auth/sign-out", headers=auth).status_code == 204
    assert api.client.get("/users/me", headers=auth).status_code == 401


def test_changing_a_password_or_a_role_ends_the_old_tokens(api: Api) -> None:
    old = {"Authorization": f"Bearer {_sign_in(api, 'planner', 'planner-password')}"}
    wrong = api.client.post(
        "/users/me/password",
        headers=old,
        json={"current_password": "guess", "new_password": "another-password"},
    )
    assert wrong.status_code == 401 and wrong.json()["detail"][0]["loc"][-1] == "current_password"
    changed = api.client.post(
        "/users/me/password",
        headers=old,
        json={"current_password": "planner-password", "new_password": "another-password"},
    )
    assert changed.status_code == 200
    new = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert api.client.get("/users/me", headers=old).status_code == 401
    assert api.client.get("/users/me", headers=new).status_code == 200
    assert _sign_in(api, "planner", "planner-password") is None
    role = api.call(
        "PATCH", f"/users/{api.users['planner']}", role="admin", json={"role": "dispatcher"}
    )
    assert role.status_code == 200 and role.json()["role"] == "dispatcher"
    assert api.client.get("/users/me", headers=new).status_code == 401


def _sign_in(api: Api, username: str, password: str) -> str | None:
    response = api.client.post("/auth/token", data={"username": username, "password": password})
    return str(response.json()["access_token"]) if response.status_code == 200 else None


def test_sign_in_is_rate_limited_per_user_and_address(api: Api) -> None:
    statuses = [
        api.client.post("/auth/token", data={"username": "admin", "password": "guess"}).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    limited = api.client.post(
        "/auth/token", data={"username": "admin", "password": "admin-password"}
    )
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert _sign_in(api, "planner", "planner-password") is not None  # another user is not held


def test_an_unknown_user_name_costs_what_a_wrong_password_costs() -> None:
    stored = hash_password("the-password")

    def median_s(stored_hash: str | None) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert check_password("a-guess", stored_hash) == (False, None)
            times.append(time.perf_counter() - start)
        return sorted(times)[2]

    known, unknown = median_s(stored), median_s(None)
    assert unknown > 0.5 * known  # was 3 ms against 55 ms: no hash was computed for unknowns


def test_old_pbkdf2_hashes_sign_in_and_are_upgraded(api: Api) -> None:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", b"legacy-password", salt, 1000).hex()
    legacy = f"pbkdf2$1000${salt.hex()}${digest}"
    assert LegacyPbkdf2Hasher.identify(legacy)
    with api.sessions() as session:
        user = session.get(m.UserRow, api.users["planner"])
        assert user is not None
        user.password_hash = legacy
        session.commit()
    assert _sign_in(api, "planner", "wrong-password") is None
    assert _sign_in(api, "planner", "legacy-password") is not None
    with api.sessions() as session:
        stored = session.get(m.UserRow, api.users["planner"])
        assert stored is not None and stored.password_hash.startswith("$argon2")
    assert _sign_in(api, "planner", "legacy-password") is not None


# ------------------------------------------------------------------ the hostile corpus

COUNTED = (
    m.UserRow,
    m.District,
    m.CollectionPointRow,
    m.PlanRow,
    m.PlanJobRow,
    m.StopStatusRow,
    m.DispatchChangeRow,
)


def _token(api: Api, kind: str) -> dict[str, str]:
    """Authorization headers of a stale, forged, expired or otherwise bad token."""
    user = api.users["admin"]
    now = time.time()
    tokens = {
        "none": None,
        "garbage": "not-a-token",
        "forged": issue_token(user, version=0, secret_key="x" * 40, ttl_s=600),
        "public-secret": issue_token(user, version=0, secret_key=DEVELOPMENT_SECRET, ttl_s=600),
        "expired": issue_token(user, version=0, secret_key=SECRET, ttl_s=60, now=now - 3600),
        "stale": issue_token(user, version=7, secret_key=SECRET, ttl_s=600),
        "no-user": issue_token(10**9, version=0, secret_key=SECRET, ttl_s=600),
        "alg-none": jwt.encode(
            {"sub": str(user), "iat": int(now), "exp": int(now) + 600, "jti": "x", "ver": 0},
            key=None,
            algorithm="none",
        ),
        "no-version": jwt.encode(
            {"sub": str(user), "iat": int(now), "exp": int(now) + 600, "jti": "x"},
            SECRET,
            algorithm="HS256",
        ),
        "sub-text": jwt.encode(
            {"sub": "admin", "iat": int(now), "exp": int(now) + 600, "jti": "x", "ver": 0},
            SECRET,
            algorithm="HS256",
        ),
    }
    token = tokens[kind]
    return {} if token is None else {"Authorization": f"Bearer {token}"}


BIG = "x" * 2_000_000
#: (name, method, path, role or bad-token kind, request keywords, expected status).
HOSTILE: list[tuple[str, str, str, str, dict[str, Any], int]] = [
    # tokens
    *(
        (f"{kind} token", "GET", "/users", f"token:{kind}", {}, 401)
        for kind in (
            "none",
            "garbage",
            "forged",
            "public-secret",
            "expired",
            "stale",
            "no-user",
            "alg-none",
            "no-version",
            "sub-text",
        )
    ),
    ("stale token deletes", "DELETE", "/districts/{d}", "token:stale", {}, 401),
    ("expired token publishes", "POST", "/plans/{p}/publish", "token:expired", {}, 401),
    (
        "forged token, driver route",
        "GET",
        "/me/assignment",
        "token:forged",
        {"params": {"date": DAY}},
        401,
    ),
    (
        "stale token, driver route",
        "GET",
        "/me/assignment",
        "token:stale",
        {"params": {"date": DAY}},
        401,
    ),
    # roles
    ("driver creates a district", "POST", "/districts", "driver", {"json": {"name": "x"}}, 403),
    ("driver lists users", "GET", "/users", "driver", {}, 403),
    ("driver plans", "POST", "/districts/{d}/plan-jobs", "driver", {"json": {"date": DAY}}, 403),
    ("driver publishes", "POST", "/plans/{p}/publish", "driver", {}, 403),
    ("planner publishes", "POST", "/plans/{p}/publish", "planner", {}, 403),
    (
        "planner publishes by a job",
        "POST",
        "/districts/{d}/plan-jobs",
        "planner",
        {"json": {"date": DAY, "publish": True}},
        403,
    ),
    ("planner deletes a user", "DELETE", "/users/{u}", "planner", {}, 403),
    ("dispatcher deletes a district", "DELETE", "/districts/{d}", "dispatcher", {}, 403),
    (
        "dispatcher makes an admin",
        "POST",
        "/users",
        "dispatcher",
        {"json": {"username": "evil", "password": "password1", "role": "admin"}},
        403,
    ),
    (
        "dispatcher re-roles itself",
        "PATCH",
        "/users/{me}",
        "dispatcher",
        {"json": {"role": "admin"}},
        403,
    ),
    ("driver reads a plan", "GET", "/plans/{p}", "driver", {}, 403),
    ("staff reports a stop", "POST", "/me/stops", "dispatcher", {"json": {"date": DAY}}, 403),
    # malformed and oversized bodies
    (
        "body not JSON",
        "POST",
        "/districts",
        "admin",
        {"content": b"{name: ", "headers": {"Content-Type": "application/json"}},
        422,
    ),
    ("body a list", "POST", "/districts", "admin", {"json": ["name"]}, 422),
    (
        "huge user name",
        "POST",
        "/users",
        "admin",
        {"json": {"username": BIG, "password": "password1", "role": "planner"}},
        422,
    ),
    (
        "huge password",
        "POST",
        "/users",
        "admin",
        {"json": {"username": "big", "password": BIG, "role": "planner"}},
        422,
    ),
    (
        "unknown role",
        "POST",
        "/users",
        "admin",
        {"json": {"username": "r", "password": "password1", "role": "root"}},
        422,
    ),
    (
        "extra field",
        "POST",
        "/users",
        "admin",
        {"json": {"username": "e", "password": "password1", "role": "planner", "is_admin": True}},
        422,
    ),
    (
        "bad date",
        "POST",
        "/districts/{d}/plan-jobs",
        "admin",
        {"json": {"date": "2026-13-45"}},
        422,
    ),
    (
        "negative time limit",
        "POST",
        "/districts/{d}/plan-jobs",
        "admin",
        {"json": {"date": DAY, "time_limit_s": -1}},
        422,
    ),
    (
        "point without geometry",
        "POST",
        "/districts/{d}/points",
        "admin",
        {"json": {"type": "Feature", "properties": {"id": "p"}}},
        422,
    ),
    ("empty password change", "POST", "/users/me/password", "admin", {"json": {}}, 422),
    (
        "short new password",
        "POST",
        "/users/me/password",
        "admin",
        {"json": {"current_password": "admin-password", "new_password": "short"}},
        422,
    ),
    ("nothing to change", "PATCH", "/users/{u}", "admin", {"json": {}}, 422),
    # injection-like strings
    (
        "SQL in a user name",
        "POST",
        "/users",
        "admin",
        {"json": {"username": "x' OR '1'='1", "password": "password1", "role": "planner"}},
        422,
    ),
    (
        "SQL in the sign-in name",
        "POST",
        "/auth/token",
        "token:none",
        {"data": {"username": "admin' --", "password": "x"}},
        401,
    ),
    ("SQL in a path id", "GET", "/districts/1 OR 1=1", "admin", {}, 422),
    (
        "SQL in a date",
        "GET",
        "/me/assignment",
        "driver",
        {"params": {"date": "2026-05-01' OR '1'='1"}},
        422,
    ),
    (
        "path traversal in an asset",
        "GET",
        "/web/assets/../../pyproject.toml",
        "token:none",
        {},
        404,
    ),
    (
        "script in a record id",
        "GET",
        "/districts/{d}/points/<script>alert(1)</script>",
        "admin",
        {},
        404,
    ),
    (
        "bbox with SQL",
        "GET",
        "/districts/{d}/points",
        "admin",
        {"params": {"bbox": "1,2,3,4); DROP TABLE users; --"}},
        422,
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "who", "kw", "expected"),
    HOSTILE,
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_request(
    api: Api,
    district: int,
    name: str,
    method: str,
    path: str,
    who: str,
    kw: dict[str, Any],
    expected: int,
) -> None:
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    api.bind_driver(district, routes[0]["crew"])
    before = {model.__name__: api.count(model) for model in COUNTED}
    url = path.format(d=district, p=plan_id, u=api.users["planner"], me=api.users["dispatcher"])
    kw = dict(kw)
    headers = kw.pop("headers", {})
    kind = who.removeprefix("token:")
    auth = _token(api, kind) if kind != who else api.headers(who)
    response = api.client.request(method, url, headers=auth | headers, **kw)
    assert response.status_code == expected, (name, response.status_code, response.text[:300])
    assert len(response.content) < 4096  # never the offending value echoed whole
    assert {model.__name__: api.count(model) for model in COUNTED} == before


def test_user_ids_beyond_the_database_are_422_naming_the_path(api: Api) -> None:
    for method, body in (("DELETE", None), ("PATCH", {"password": "another-password"})):
        response = api.call(method, f"/users/{2**63}", role="admin", json=body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["path", "user_id"]


def test_an_imported_amount_beyond_the_database_names_its_record(api: Api) -> None:
    document = copy.deepcopy(district_document())
    document["points"][3]["kg_per_day"] = 10**12
    districts = api.count(m.District)
    response = api.call("POST", "/districts/import", json={"name": "big", "problem": document})
    assert response.status_code == 422
    entry = response.json()["detail"][0]
    assert entry["loc"][-1] == "kg_per_day" and document["points"][3]["id"] in str(entry["loc"])
    assert api.count(m.District) == districts


def test_the_first_admin_is_made_once_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        environment="test",
        job_executor="external",
        admin_password="first-admin-password",
    )
    for _ in range(2):  # a restart: still one admin
        with TestClient(create_app(settings)) as client:
            token = client.post(
                "/auth/token", data={"username": "admin", "password": "first-admin-password"}
            )
            assert token.status_code == 200
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            listed = client.get("/users", headers=auth).json()
            assert [(u["username"], u["role"]) for u in listed] == [("admin", "admin")]
