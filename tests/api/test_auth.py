"""Sign-in, settings, and the matrix of every endpoint × role (401 / 403 / 2xx)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection

from api.core.config import DEVELOPMENT_SECRET, Settings
from api.jobs.comparisons import run_queued
from api.main import create_app
from gis_data.demo import helsinki_extract
from routing.errors import FieldError
from tests.api.conftest import DAY, OTHER_DAY, Api, district_document, plan_day, road_document

STAFF = ("admin", "dispatcher", "planner")
DISPATCH = ("admin", "dispatcher")
PLANNING = ("admin", "planner")
ADMIN = ("admin",)
DRIVER = ("driver",)
ANYONE = ("admin", "dispatcher", "planner", "driver")

SPARE_POINT: dict[str, Any] = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [24.93, 60.17]},
    "properties": {"id": "spare-point", "stream": "residual", "kg_per_day": 100},
}
SPARE_DEPOT: dict[str, Any] = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
    "properties": {"id": "spare-depot"},
}
SPARE_FACILITY: dict[str, Any] = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [24.95, 60.17]},
    "properties": {"id": "spare-facility", "kind": "landfill", "accepts": ["residual"]},
}
SPARE_ZONE: dict[str, Any] = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[24.9, 60.1], [24.91, 60.1], [24.91, 60.11], [24.9, 60.1]]],
    },
    "properties": {"id": "spare-zone", "allowed_size_classes": ["cart"]},
}
SPARE_TYPE = {
    "id": "spare-type",
    "body": "compactor",
    "sealed": True,
    "capacity_kg": 5000,
    "capacity_l": 20000,
    "size_class": "large",
    "profile": "large",
}
SPARE_VEHICLE = {"id": "spare-vehicle", "type_id": "spare-type", "depot_id": "spare-depot"}
SPARE_CREW = {"id": "spare-crew"}
SPARE_SHIFT = {"id": "spare-shift", "start_s": "22:40", "end_s": "23:50"}
# Re-plans and what-ifs as short as they may be: the matrix checks who may ask, not the search.
QUICK = {"time_limit_s": 0.5, "rounds": 1}
WHAT_IF: dict[str, Any] = {
    "scenarios": [{"name": "plus-5", "changes": [{"type": "demand", "growth_pct": 5}]}],
    "include_current": False,
    "time_limit_s": 1,
    "iterations": 1,
}

# (method, path, roles allowed, request keywords); {d}, {p}, {j}, {u}, … are filled per test, and
# a JSON body named in capitals ("STOP", "URGENT", "BREAKDOWN") is taken from the test's world.
ENDPOINTS: list[tuple[str, str, tuple[str, ...], dict[str, Any]]] = [
    ("GET", "/users/me", ANYONE, {}),
    ("GET", "/users", ADMIN, {}),
    (
        "POST",
        "/users",
        ADMIN,
        {"json": {"username": "new", "password": "password1", "role": "planner"}},
    ),
    ("PATCH", "/users/{u}", ADMIN, {"json": {"password": "another-password"}}),
    ("DELETE", "/users/{u}", ADMIN, {}),
    ("POST", "/auth/sign-out", ANYONE, {}),
    ("POST", "/users/me/password", ANYONE, {"json": "PASSWORD"}),
    ("GET", "/districts", STAFF, {}),
    ("POST", "/districts", STAFF, {"json": {"name": "another"}}),
    ("POST", "/districts/import", STAFF, {"json": {"name": "imported", "problem": "DOC"}}),
    ("GET", "/districts/{d}", STAFF, {}),
    ("PUT", "/districts/{d}", STAFF, {"json": {"name": "renamed"}}),
    ("DELETE", "/districts/{d}", ADMIN, {}),
    ("GET", "/districts/{d}/problem", STAFF, {}),
    ("GET", "/road-extracts", STAFF, {}),
    (
        "POST",
        "/districts/{d}/calendar-jobs",
        STAFF,
        {"json": {"start_date": DAY, "calendar": {"horizon_days": 2}, "time_limit_s": 1}},
    ),
    ("GET", "/plan-jobs/{w}/calendar", STAFF, {}),
    ("GET", "/plan-jobs/{w}/residents.html", STAFF, {}),
    ("GET", "/districts/{n}/road-network", STAFF, {}),
    ("PUT", "/districts/{n}/road-network", STAFF, {"json": {"extract": "Helsinki.osm.pbf"}}),
    ("POST", "/districts/{n}/road-network", STAFF, {"files": "EXTRACT"}),
    ("DELETE", "/districts/{n}/road-network", STAFF, {}),
    ("GET", "/districts/{d}/points", STAFF, {}),
    (
        "POST",
        "/districts/{d}/points",
        STAFF,
        {"json": {**SPARE_POINT, "properties": {**SPARE_POINT["properties"], "id": "p2"}}},
    ),
    ("GET", "/districts/{d}/points/spare-point", STAFF, {}),
    ("PUT", "/districts/{d}/points/spare-point", STAFF, {"json": SPARE_POINT}),
    ("DELETE", "/districts/{d}/points/spare-point", STAFF, {}),
    (
        "POST",
        "/districts/{d}/points/import",
        STAFF,
        {
            "files": {
                "file": ("p.csv", b"id,lon,lat,stream,kg_per_day\nc1,24.93,60.17,residual,50\n")
            }
        },
    ),
    ("GET", "/districts/{d}/depots", STAFF, {}),
    ("POST", "/districts/{d}/depots", STAFF, {"json": {**SPARE_DEPOT, "properties": {"id": "d2"}}}),
    ("GET", "/districts/{d}/depots/spare-depot", STAFF, {}),
    ("PUT", "/districts/{d}/depots/spare-depot", STAFF, {"json": SPARE_DEPOT}),
    ("DELETE", "/districts/{d}/depots/spare-depot2", STAFF, {}),
    ("GET", "/districts/{d}/facilities", STAFF, {}),
    (
        "POST",
        "/districts/{d}/facilities",
        STAFF,
        {"json": {**SPARE_FACILITY, "properties": {**SPARE_FACILITY["properties"], "id": "f2"}}},
    ),
    ("GET", "/districts/{d}/facilities/spare-facility", STAFF, {}),
    ("PUT", "/districts/{d}/facilities/spare-facility", STAFF, {"json": SPARE_FACILITY}),
    ("DELETE", "/districts/{d}/facilities/spare-facility", STAFF, {}),
    ("GET", "/districts/{d}/zones", STAFF, {}),
    (
        "POST",
        "/districts/{d}/zones",
        STAFF,
        {"json": {**SPARE_ZONE, "properties": {**SPARE_ZONE["properties"], "id": "z2"}}},
    ),
    ("GET", "/districts/{d}/zones/spare-zone", STAFF, {}),
    ("PUT", "/districts/{d}/zones/spare-zone", STAFF, {"json": SPARE_ZONE}),
    ("DELETE", "/districts/{d}/zones/spare-zone", STAFF, {}),
    ("GET", "/districts/{d}/vehicle-types", STAFF, {}),
    ("POST", "/districts/{d}/vehicle-types", STAFF, {"json": {**SPARE_TYPE, "id": "t2"}}),
    ("GET", "/districts/{d}/vehicle-types/spare-type", STAFF, {}),
    ("PUT", "/districts/{d}/vehicle-types/spare-type", STAFF, {"json": SPARE_TYPE}),
    ("DELETE", "/districts/{d}/vehicle-types/spare-type2", STAFF, {}),
    ("GET", "/districts/{d}/vehicles", STAFF, {}),
    ("POST", "/districts/{d}/vehicles", STAFF, {"json": {**SPARE_VEHICLE, "id": "v2"}}),
    ("GET", "/districts/{d}/vehicles/spare-vehicle", STAFF, {}),
    ("PUT", "/districts/{d}/vehicles/spare-vehicle", STAFF, {"json": SPARE_VEHICLE}),
    ("DELETE", "/districts/{d}/vehicles/spare-vehicle", STAFF, {}),
    ("GET", "/districts/{d}/crews", STAFF, {}),
    ("POST", "/districts/{d}/crews", STAFF, {"json": {"id": "c2"}}),
    ("GET", "/districts/{d}/crews/spare-crew", STAFF, {}),
    ("PUT", "/districts/{d}/crews/spare-crew", STAFF, {"json": SPARE_CREW}),
    ("DELETE", "/districts/{d}/crews/spare-crew", STAFF, {}),
    ("GET", "/districts/{d}/shifts", STAFF, {}),
    (
        "POST",
        "/districts/{d}/shifts",
        STAFF,
        {"json": {"id": "s2", "start_s": "23:55", "end_s": "24:00"}},
    ),
    ("GET", "/districts/{d}/shifts/spare-shift", STAFF, {}),
    ("PUT", "/districts/{d}/shifts/spare-shift", STAFF, {"json": SPARE_SHIFT}),
    ("DELETE", "/districts/{d}/shifts/spare-shift", STAFF, {}),
    (
        "POST",
        "/districts/{d}/plan-jobs",
        STAFF,
        {"json": {"date": OTHER_DAY, "time_limit_s": 1}},
    ),
    ("GET", "/districts/{d}/plan-jobs", STAFF, {}),
    ("GET", "/plan-jobs/{j}", STAFF, {}),
    ("POST", "/plan-jobs/{q}/cancel", STAFF, {}),
    ("POST", "/plan-jobs/{f}/retry", STAFF, {}),
    ("GET", "/districts/{d}/plans", STAFF, {}),
    ("GET", "/plans/{p}", STAFF, {}),
    ("GET", "/plans/{p}/geojson", STAFF, {}),
    ("GET", "/plans/{p}/route-sheets.xlsx", STAFF, {}),
    ("GET", "/plans/{p}/route-sheets.pdf", STAFF, {"params": {"lang": "en"}}),
    ("GET", "/plans/{p}/route-sheets.html", STAFF, {}),
    ("POST", "/plans/{p}/savings", STAFF, {"files": "ROUTES"}),
    ("GET", "/plans/{p}/validation", STAFF, {}),
    ("GET", "/plans/{p}/kpis", STAFF, {}),
    ("POST", "/plans/{p}/publish", DISPATCH, {}),
    ("POST", "/plans/{p}/urgent-slots", STAFF, {"json": "URGENT"}),
    ("POST", "/plans/{p}/urgent", DISPATCH, {"json": "URGENT"}),
    ("POST", "/plans/{p}/breakdown", DISPATCH, {"json": "BREAKDOWN"}),
    ("POST", "/plans/{p}/reoptimise", DISPATCH, {"json": QUICK}),
    ("POST", "/plans/{p}/feedback", DISPATCH, {"json": QUICK}),
    ("GET", "/plans/{p}/balance", STAFF, {}),
    ("GET", "/districts/{d}/dispatch-changes", STAFF, {"params": {"date": DAY}}),
    ("GET", "/dispatch-changes/{x}", STAFF, {}),
    ("POST", "/districts/{d}/scenario-comparisons", PLANNING, {"json": WHAT_IF}),
    ("GET", "/districts/{d}/scenario-comparisons", PLANNING, {}),
    ("GET", "/scenario-comparisons/{s}", PLANNING, {}),
    ("GET", "/scenario-comparisons/{r}/report.html", PLANNING, {}),
    ("POST", "/scenario-comparisons/{s}/cancel", PLANNING, {}),
    ("POST", "/scenario-comparisons/{k}/retry", PLANNING, {}),
    ("GET", "/me/assignment", DRIVER, {"params": {"date": DAY}}),
    ("GET", "/me/assignment.gpx", DRIVER, {"params": {"date": DAY}}),
    ("GET", "/me/assignment.ics", DRIVER, {"params": {"date": DAY}}),
    ("POST", "/me/stops", DRIVER, {"json": "STOP"}),
    ("GET", "/districts/{d}/roads", ANYONE, {}),
    ("GET", "/districts/{d}/crews/{c}/assignment", ANYONE, {"params": {"date": DAY}}),
]


def _world(api: Api, district: int, path: str) -> dict[str, Any]:
    """A district with a published plan, spare records, a queued and a failed job; a dispatch
    change, a queued, a finished or a cancelled scenario comparison only when ``path`` needs
    one."""
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    api.bind_driver(district, routes[0]["crew"])
    first = routes[0]["trips"][0]["visits"][0]
    base = f"/districts/{district}"
    for resource, body in (
        ("points", SPARE_POINT),
        ("depots", SPARE_DEPOT),
        ("depots", {**SPARE_DEPOT, "properties": {"id": "spare-depot2"}}),
        ("facilities", SPARE_FACILITY),
        ("zones", SPARE_ZONE),
        ("vehicle-types", SPARE_TYPE),
        ("vehicle-types", {**SPARE_TYPE, "id": "spare-type2"}),
        ("vehicles", SPARE_VEHICLE),
        ("crews", SPARE_CREW),
        ("shifts", SPARE_SHIFT),
    ):
        response = api.call("POST", f"{base}/{resource}", json=body)
        assert response.status_code == 201, response.text
    queued = api.call("POST", f"{base}/plan-jobs", json={"date": DAY}).json()["id"]
    failed = api.call("POST", f"{base}/plan-jobs", json={"date": DAY}).json()["id"]
    api.call("POST", f"/plan-jobs/{failed}/cancel")
    urgent = {
        "id": "URG-1",
        "stream": "residual",
        "kg": 100,
        "deadline": "16:00",
        "at_point": next(
            p["id"]
            for p in district_document()["points"]
            if p["stream"] == "residual" and p["max_size_class"] == "heavy"
        ),
    }
    extra: dict[str, Any] = {}
    if "{x}" in path:
        change = api.call("POST", f"/plans/{plan_id}/urgent", json=urgent)
        assert change.status_code == 201, change.text
        extra["x"] = change.json()["change"]["id"]
    for key in ("s", "r", "k"):
        if f"{{{key}}}" in path:
            queued = api.call("POST", f"{base}/scenario-comparisons", json=WHAT_IF, role="planner")
            assert queued.status_code == 202, queued.text
            extra[key] = queued.json()["id"]
    if "{r}" in path:
        assert run_queued(api.sessions) == 1
    if "{w}" in path:  # a calendar of two days, planned
        week = api.call(
            "POST",
            f"{base}/calendar-jobs",
            json={"start_date": OTHER_DAY, "calendar": {"horizon_days": 2}, "time_limit_s": 1},
        )
        assert week.status_code == 202, week.text
        api.run_jobs()
        extra["w"] = week.json()["id"]
    if "{n}" in path:  # a district on the streets of the server's extract
        on_roads = api.call(
            "POST", "/districts/import", json={"name": "on-roads", "problem": road_document()}
        )
        assert on_roads.status_code == 201, on_roads.text
        extra["n"] = on_roads.json()["id"]
    if "{k}" in path:
        cancel = api.call("POST", f"/scenario-comparisons/{extra['k']}/cancel", role="planner")
        assert cancel.status_code == 202, cancel.text
    return extra | {
        "d": district,
        "p": plan_id,
        "j": queued,
        "q": queued,
        "f": failed,
        "u": api.users["planner"],
        "c": routes[0]["crew"],
        "STOP": {
            "date": DAY,
            "point_id": first["point"],
            "visit": first["visit"],
            "status": "done",
        },
        "URGENT": urgent,
        "ROUTES": {
            "file": (
                "routes.csv",
                f"车辆,班次,收运点\n{routes[0]['vehicle']},{routes[0]['shift']},{first['point']}\n",
                "text/csv",
            )
        },
        "EXTRACT": {
            "file": ("centre.osm.pbf", helsinki_extract().read_bytes(), "application/octet-stream")
        },
        "BREAKDOWN": {"vehicle": routes[0]["vehicle"], "at": "10:00", **QUICK},
    }


def _request(
    api: Api, role: str | None, method: str, path: str, kw: dict[str, Any], world: dict[str, Any]
) -> int:
    url = path.format(**{k: v for k, v in world.items() if k.isalpha() and len(k) == 1})
    kw = dict(kw)
    if kw.get("json") == "PASSWORD":  # the caller's own, to change
        kw["json"] = {"current_password": f"{role}-password", "new_password": "a-new-password"}
    elif isinstance(kw.get("json"), str):
        kw["json"] = world[kw["json"]]
    elif isinstance(kw.get("files"), str):
        kw["files"] = world[kw["files"]]
    elif isinstance(kw.get("json"), dict) and kw["json"].get("problem") == "DOC":
        kw["json"] = {**kw["json"], "problem": district_document()}
    return int(api.call(method, url, role=role, **kw).status_code)


@pytest.mark.parametrize(
    ("method", "path", "allowed", "kw"),
    ENDPOINTS,
    ids=[f"{method} {path}" for method, path, _, _ in ENDPOINTS],
)
def test_endpoint_by_role(
    api: Api,
    connection: Connection,
    district: int,
    method: str,
    path: str,
    allowed: tuple[str, ...],
    kw: dict[str, Any],
) -> None:
    world = _world(api, district, path)
    assert _request(api, None, method, path, kw, world) == 401
    for role in ANYONE:
        if role not in allowed:
            assert _request(api, role, method, path, kw, world) == 403, role
    for role in allowed:
        # Each allowed role on the same world: what one request changes (a delete, a publish)
        # is rolled back before the next, so every allowed role must get a 2xx.
        savepoint = connection.begin_nested()
        status = _request(api, role, method, path, kw, world)
        savepoint.rollback()
        assert 200 <= status < 300, (role, status)


def _shape(path: str) -> str:
    """A path with every parameter or record id replaced by ``*``."""
    return "/".join(
        "*" if part.startswith("{") or part.startswith("spare-") else part
        for part in path.split("/")
    )


def test_the_matrix_covers_every_endpoint(api: Api) -> None:
    served = {
        (method.upper(), _shape(path))
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
        if path != "/auth/token"
    }
    assert served == {(method, _shape(path)) for method, path, _, _ in ENDPOINTS}


def test_sign_in_gives_a_token_that_works(api: Api) -> None:
    wrong = api.client.post("/auth/token", data={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    token = api.client.post(
        "/auth/token", data={"username": "planner", "password": "planner-password"}
    ).json()["access_token"]
    me = api.client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "planner"
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        api.client.get("/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )


def test_settings_refuse_the_development_secret_outside_tests() -> None:
    assert Settings().secret_key is None  # generated and kept in the data directory
    assert Settings(environment="test", secret_key=DEVELOPMENT_SECRET).secret_key
    for environment in ("development", "production"):
        with pytest.raises(FieldError, match="secret_key"):
            Settings(environment=environment, secret_key=DEVELOPMENT_SECRET)
    with pytest.raises(FieldError, match="secret_key"):
        Settings(environment="production", secret_key="short")
    with pytest.raises(FieldError, match="secret_key"):
        create_app(
            Settings.from_env(
                {"HUANWEI_ENVIRONMENT": "production", "HUANWEI_SECRET_KEY": DEVELOPMENT_SECRET}
            )
        )
    env = {
        "HUANWEI_ENVIRONMENT": "production",
        "HUANWEI_SECRET_KEY": "x" * 40,
        "HUANWEI_DATABASE_URL": "postgresql://db/huanwei",
    }
    assert Settings.from_env(env).database_url == "postgresql://db/huanwei"
    with pytest.raises(FieldError, match="HUANWEI_JOB_WORKERS"):
        Settings.from_env({"HUANWEI_JOB_WORKERS": "two"})


def test_settings_of_processes_and_job_priority() -> None:
    env = {"HUANWEI_API_PROCESSES": "2", "HUANWEI_JOB_NICE": "19"}
    settings = Settings.from_env(env)
    assert (settings.api_processes, settings.job_nice) == (2, 19)
    assert (Settings().api_processes, Settings().job_nice) == (1, 10)
    with pytest.raises(FieldError, match="api_processes"):
        Settings.from_env({"HUANWEI_API_PROCESSES": "0"})
    for nice in ("-1", "20"):
        with pytest.raises(FieldError, match="job_nice"):
            Settings.from_env({"HUANWEI_JOB_NICE": nice})


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).access_log is False
    assert Settings.from_env({"HUANWEI_ACCESS_LOG": "1"}).access_log is True
    assert Settings.from_env({"HUANWEI_ACCESS_LOG": "no"}).access_log is False
    with pytest.raises(FieldError, match="HUANWEI_ACCESS_LOG"):
        Settings.from_env({"HUANWEI_ACCESS_LOG": "loud"})
