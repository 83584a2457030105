"""Hostile input (issue 18): every bad value is a 4xx naming its field, never a 500, and no error
body echoes more than a short prefix of what was sent. Also what an API served offline needs:
docs from its own assets, a health check, and headers that keep pages out of other sites' frames.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient

from api.core.config import Settings
from api.core.errors import error_detail
from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.migrate import upgrade
from api.main import create_app
from tests.api.conftest import DAY, SECRET, Api, add_users, plan_day

BEYOND_BIGINT = 2**63  # beyond even PostgreSQL's bigint: psycopg cannot send it as an integer
BEYOND_INTEGER = 2**31  # beyond the id columns (integer)
CSV_HEAD = "id,lon,lat,stream,kg_per_day\n"
MAX_ECHO = 100  # characters of a value an error body may echo (api.core.errors.MAX_ECHO)


def _detail(response: Any) -> list[dict[str, Any]]:
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    return detail


def _locs(response: Any) -> list[list[Any]]:
    return [d["loc"] for d in _detail(response)]


def _point(**props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.93, 60.17]},
        "properties": {"id": "hostile", "stream": "residual", "kg_per_day": 10} | props,
    }


# ---------------------------------------------------------------- ids beyond the database's


def _get_operations_with_ids(api: Api) -> list[tuple[str, list[str]]]:
    """Every GET path of the spec with integer path parameters, and those parameters."""
    found = []
    for path, methods in api.app.openapi()["paths"].items():
        get = methods.get("get")
        if get is None:
            continue
        ids = [
            p["name"]
            for p in get.get("parameters", [])
            if p["in"] == "path" and p["schema"].get("type") == "integer"
        ]
        if ids:
            found.append((path, ids))
    return found


@pytest.mark.parametrize("number", [BEYOND_BIGINT, BEYOND_INTEGER, 0])
def test_every_get_with_an_id_beyond_the_columns_is_a_422_naming_the_path_field(
    api: Api, number: int
) -> None:
    operations = _get_operations_with_ids(api)
    assert len(operations) >= 25
    for path, ids in operations:
        url = path
        for name in re.findall(r"\{(\w+)\}", path):
            url = url.replace(f"{{{name}}}", str(number) if name in ids else "x")
        response = api.call("GET", url, role="admin")
        assert response.status_code == 422, (url, response.text)
        assert ["path", ids[0]] in _locs(response), (url, response.text)


def test_an_id_in_a_body_beyond_the_columns_is_a_422(api: Api) -> None:
    user = {"username": "li", "password": "password1", "role": "driver"}
    response = api.call("POST", "/users", role="admin", json=user | {"district_id": 2**63})
    assert response.status_code == 422, response.text
    assert ["body", "district_id"] in _locs(response)


def test_an_integer_beyond_64_bits_is_a_422_on_spatialite_too(tmp_path: Path) -> None:
    # SQLite's driver raises OverflowError (PostgreSQL's a DataError) for a number no route
    # bounds (here DELETE /users/{user_id}, whose id is not yet a PathId).
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    settings = Settings(
        database_url=url, secret_key=SECRET, environment="test", job_executor="external"
    )
    app = create_app(settings, engine=engine)
    with TestClient(app) as client:
        api = Api(client=client, app=app, sessions=sessions, users=add_users(sessions))
        response = api.call("DELETE", f"/users/{2**64}", role="admin")
    engine.dispose()
    assert response.status_code == 422, response.text


def test_the_spec_states_the_bounds_of_path_ids(api: Api) -> None:
    get = api.app.openapi()["paths"]["/plans/{plan_id}"]["get"]
    schema = next(p["schema"] for p in get["parameters"] if p["name"] == "plan_id")
    assert (schema["minimum"], schema["maximum"]) == (1, 2**31 - 1)


# ---------------------------------------------------------------- NaN, Infinity, surrogates


def _raw(api: Api, method: str, url: str, text: str, **kw: Any) -> Any:
    headers = {"Content-Type": "application/json"}
    return api.call(method, url, content=text.encode("utf-8"), headers=headers, **kw)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_in_a_json_body_is_a_422_naming_where(
    api: Api, district: int, constant: str
) -> None:
    body = json.dumps(_point()).replace("24.93", constant)
    response = _raw(api, "POST", f"/districts/{district}/points", body)
    assert response.status_code == 422, response.text
    assert ["body", "geometry", "coordinates", 0] in _locs(response)
    assert api.count(m.CollectionPointRow) == len(
        api.call("GET", f"/districts/{district}/points?limit=1000").json()["features"]
    )


def test_nan_where_any_json_is_taken_is_refused_too(api: Api) -> None:
    # The problem of a district import is a dict of anything: no field check would see it.
    response = _raw(api, "POST", "/districts/import", '{"problem": {"name": NaN}}')
    assert response.status_code == 422, response.text
    assert ["body", "problem", "name"] in _locs(response)


def test_nan_in_a_float_field_of_a_form_or_query_is_refused(api: Api, district: int) -> None:
    response = api.call("GET", f"/districts/{district}/points", params={"bbox": "nan,0,1,1"})
    assert response.status_code == 422, response.text


def test_a_lone_surrogate_is_a_422_and_the_answer_is_utf8_json(api: Api) -> None:
    response = _raw(api, "POST", "/districts", '{"name": "Huangdao \\ud800"}')
    assert response.status_code == 422, response.text
    response.content.decode("utf-8")
    assert ["body", "name"] in _locs(response)
    # as the key of an unknown field too
    response = _raw(api, "POST", "/districts", '{"name": "x", "\\udfff": 1}')
    assert response.status_code == 422, response.text


def test_a_surrogate_pair_is_text(api: Api) -> None:
    response = _raw(api, "POST", "/districts", '{"name": "Huangdao \\ud83d\\ude9b"}')
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Huangdao 🚛"


def test_the_422_answer_itself_never_crashes_on_what_it_echoes(api: Api, district: int) -> None:
    # A value that fails its check and is echoed: a lone surrogate cannot be encoded as UTF-8.

    error = RequestValidationError(
        [{"type": "x", "loc": ("body", "\ud800"), "msg": "bad", "input": float("nan")}]
    )
    entry = error_detail(error)[0]
    json.dumps(entry, allow_nan=False).encode("utf-8")
    assert entry["input"] == "nan"


# ---------------------------------------------------------------- no echo of big values


def test_a_5_mb_name_is_refused_with_a_short_answer(api: Api) -> None:
    name = "长" * (5 * 1024 * 1024 // 3)
    response = api.call("POST", "/districts", json={"name": name})
    assert response.status_code == 422
    assert ["body", "name"] in _locs(response)
    assert len(response.content) < 2048, len(response.content)


def test_a_5_mb_key_and_a_missing_field_are_answered_short(api: Api, district: int) -> None:
    # A missing field echoes the whole object as its input; an unknown key is its location.
    props = {"x" * 5_000_000: 1, "id": "p", "kg_per_day": 1}
    feature = _point() | {"properties": props}
    response = api.call("POST", f"/districts/{district}/points", json=feature)
    assert response.status_code == 422
    assert len(response.content) < 4096, len(response.content)
    for entry in _detail(response):
        assert all(len(str(part)) <= MAX_ECHO + 40 for part in entry["loc"])
        assert len(json.dumps(entry.get("input"))) <= MAX_ECHO + 40


def test_a_long_code_in_a_path_is_not_echoed_whole(api: Api, district: int) -> None:
    response = api.call("GET", f"/districts/{district}/crews/{'c' * 10_000}")
    assert response.status_code == 404
    assert len(response.content) < 2048


def test_thousands_of_bad_rows_are_answered_with_the_first_hundred(api: Api, district: int) -> None:
    rows = "".join(f"b{i},24.9,x,residual,10\n" for i in range(5000))
    files = {"file": ("p.csv", (CSV_HEAD + rows).encode())}
    response = api.call("POST", f"/districts/{district}/points/import", files=files)
    assert response.status_code == 422
    detail = _detail(response)
    assert len(detail) == 101 and "4900 more" in detail[-1]["msg"]


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize("name", ["a\x00b", "bell\x07", "line\nbreak", "c1\x85", "del\x7f"])
def test_control_characters_in_a_name_are_refused(api: Api, district: int, name: str) -> None:
    response = api.call("POST", f"/districts/{district}/points", json=_point(name=name))
    assert response.status_code == 422, response.text
    assert ["body", "properties", "name"] in _locs(response)
    response = api.call("POST", "/districts", json={"name": name})
    assert response.status_code == 422, response.text
    response = api.call("POST", f"/districts/{district}/points", json=_point(id=name))
    assert response.status_code == 422, response.text


def test_names_in_other_scripts_and_with_inner_blanks_are_fine(api: Api, district: int) -> None:
    response = api.call("POST", f"/districts/{district}/points", json=_point(name="黄岛 路口 3"))
    assert response.status_code == 201, response.text


# ---------------------------------------------------------------- point files


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("a1,24.9,60.1,residual,1e40", "kg_per_day"),
        ("a1,1e40,60.1,residual,10", "lon"),
        ("a1,24.9,-1e40,residual,10", "lat"),
        ("a1,24.9,60.1,residual,inf", "kg_per_day"),
    ],
)
def test_a_number_out_of_range_in_a_csv_is_a_422_naming_row_and_column(
    api: Api, district: int, row: str, column: str
) -> None:
    files = {"file": ("p.csv", (CSV_HEAD + row + "\n").encode())}
    response = api.call("POST", f"/districts/{district}/points/import", files=files)
    assert response.status_code == 422, response.text
    entry = _detail(response)[0]
    assert "row 2" in entry["loc"][0] and entry["loc"][1] == column, entry


@pytest.mark.parametrize("crs", ["mars-rover", "utm50", "", "wgs 84 ", "x" * 41])
def test_an_unknown_crs_is_a_422_listing_the_names(api: Api, district: int, crs: str) -> None:
    files = {"file": ("p.csv", (CSV_HEAD + "a1,24.9,60.1,residual,10\n").encode())}
    response = api.call(
        "POST", f"/districts/{district}/points/import", params={"crs": crs}, files=files
    )
    if crs == "wgs 84 ":  # blanks and case are not part of a name
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 422, response.text
    entry = _detail(response)[0]
    assert entry["loc"] == ["query", "crs"]
    assert "wgs84" in entry["msg"] and "gcj02" in entry["msg"] and "bd09" in entry["msg"]


# ---------------------------------------------------------------- the live day


def test_a_stop_report_outside_the_plan_day_is_refused(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    plan = api.call("GET", f"/plans/{plan_id}").json()
    route = plan["plan"]["routes"][0]
    visit = route["trips"][0]["visits"][0]
    api.bind_driver(district, route["crew"])
    report = {"date": DAY, "point_id": visit["point"], "visit": visit["visit"], "status": "done"}
    day = dt.date.fromisoformat(DAY)
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    for at in ("2099-01-01T08:00:00", f"{before}T08:00:00+00:00", f"{after}T12:00:00Z"):
        response = api.call("POST", "/me/stops", role="driver", json=report | {"at": at})
        assert response.status_code == 422, (at, response.text)
        assert ["body", "at"] in _locs(response)
    assert api.count(m.StopStatusRow) == 0
    # local times on the day; a phone's UTC time of an early shift in China (UTC+8)
    for at in (f"{DAY}T08:00:00", f"{DAY}T23:30:00-08:00", f"{before}T22:00:00Z"):
        response = api.call("POST", "/me/stops", role="driver", json=report | {"at": at})
        assert response.status_code == 201, (at, response.text)


def test_an_urgent_pickup_off_the_district_map_is_refused_with_that_reason(
    api: Api, district: int
) -> None:
    plan_id = plan_day(api, district)
    pickup = {
        "id": "URG-FAR",
        "stream": "residual",
        "kg": 100,
        "deadline": "16:00",
        "lon": 120.2,  # Qingdao: some 7,000 km from the Helsinki test district
        "lat": 36.0,
        "now": "08:00",
    }
    for route in ("urgent-slots", "urgent"):
        response = api.call("POST", f"/plans/{plan_id}/{route}", json=pickup)
        assert response.status_code == 422, response.text
        entry = _detail(response)[0]
        assert entry["loc"] == ["body", "lon"] and "off the district's map" in entry["msg"]
    near = pickup | {"lon": 24.94, "lat": 60.17}
    assert api.call("POST", f"/plans/{plan_id}/urgent-slots", json=near).status_code == 200
    assert api.count(m.DispatchChangeRow) == 0


# ---------------------------------------------------------------- served offline


def test_the_docs_load_only_assets_of_this_server(api: Api) -> None:
    for url in ("/docs", "/redoc"):
        page = api.client.get(url)
        assert page.status_code == 200
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text), page.text
        for asset in re.findall(r"""(?:src|href)=["']([^"']+)""", page.text):
            assert api.client.get(asset).status_code == 200, asset
    assert '"validatorUrl": null' in api.client.get("/docs").text


def test_health_is_200_with_migrations_current(api: Api) -> None:
    response = api.call("GET", "/health", role=None)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["revision"] == body["head"]


def _health(url: str) -> Any:
    """``GET /health`` of an app on the database ``url``. The app is not started: its job queue
    would fail on a database without tables, and health only needs the sessions."""
    settings = Settings(database_url=url, secret_key=SECRET, environment="test")
    app = create_app(settings)
    engine = make_engine(url)
    app.state.sessions = session_factory(engine)
    try:
        return TestClient(app).get("/health")
    finally:
        engine.dispose()


def test_health_is_503_without_migrations(tmp_path: Path) -> None:
    response = _health(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert response.status_code == 503
    assert response.json()["migrations_current"] is False and response.json()["database"]


def test_the_api_starts_on_an_unmigrated_database_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    settings = Settings(database_url=url, secret_key=SECRET, environment="test")
    with TestClient(create_app(settings)) as client:  # the job queue's start used to crash
        response = client.get("/health")
    assert response.status_code == 503 and response.json()["migrations_current"] is False


def test_health_is_503_behind_the_newest_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
        session.commit()
    engine.dispose()
    response = _health(url)
    assert response.status_code == 503
    assert response.json()["revision"] == ["0001"]


def test_health_is_503_when_the_database_does_not_answer() -> None:
    response = _health("postgresql://huanwei@127.0.0.1:9/huanwei")  # the discard port: refused
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_pages_cannot_be_framed(api: Api) -> None:
    for url in ("/web/", "/web/dispatcher", "/docs"):
        response = api.client.get(url)
        assert response.headers["x-frame-options"] == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
        assert response.headers["x-content-type-options"] == "nosniff"
    # the pages' own policy is kept
    assert "default-src 'self'" in api.client.get("/web/").headers["content-security-policy"]


def test_json_answers_carry_the_usual_headers(api: Api, district: int) -> None:
    response = api.call("GET", f"/districts/{district}")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    refused = api.call("GET", "/plans/0")
    assert refused.status_code == 422 and refused.headers["cache-control"] == "no-store"
    assert "cache-control" not in api.call("GET", "/health", role=None).headers


def test_the_drivers_hot_path_carries_them_too(api: Api, district: int) -> None:
    plan_day(api, district)
    api.bind_driver(district, "crew-001")
    first = api.call("GET", "/me/assignment", params={"date": DAY}, role="driver")
    hits = api.app.state.assignments.hits
    again = api.call("GET", "/me/assignment", params={"date": DAY}, role="driver")
    assert api.app.state.assignments.hits == hits + 1  # answered by the middleware
    assert again.content == first.content
    assert again.headers["cache-control"] == "no-store"
    assert again.headers["x-content-type-options"] == "nosniff"
    gpx = api.call("GET", "/me/assignment.gpx", params={"date": DAY}, role="driver")
    assert gpx.headers["cache-control"] == "no-store"
