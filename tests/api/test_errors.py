"""A corpus of bad inputs: each gets its 4xx, a message naming the field, and no change stored."""

from __future__ import annotations

from typing import Any

import pytest

from api.core.errors import STATUS_BY_EXCEPTION, ConflictError, NotFoundError, status_of
from api.db import models as m
from routing.errors import FieldError, ProblemError
from tests.api.conftest import DAY, Api, district_document


def feature(props: dict[str, Any], coords: Any = (24.93, 60.17), kind: str = "Point") -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": kind, "coordinates": list(coords)},
        "properties": props,
    }


POINT = {"id": "bad", "stream": "residual", "kg_per_day": 100}
TYPE = {
    "id": "t-bad",
    "body": "compactor",
    "sealed": True,
    "capacity_kg": 5000,
    "capacity_l": 20000,
    "size_class": "large",
}
CSV_HEAD = "id,lon,lat,stream,kg_per_day\n"

# (name, method, path, request keywords, status, a text the detail's loc or msg must contain)
CORPUS: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "point without stream",
        "POST",
        "points",
        {"json": feature({"id": "x", "kg_per_day": 1})},
        422,
        "stream",
    ),
    (
        "point unknown stream",
        "POST",
        "points",
        {"json": feature(POINT | {"stream": "glass"})},
        422,
        "stream",
    ),
    (
        "point negative kg",
        "POST",
        "points",
        {"json": feature(POINT | {"kg_per_day": -5})},
        422,
        "kg_per_day",
    ),
    (
        "point kg as text",
        "POST",
        "points",
        {"json": feature(POINT | {"kg_per_day": "lots"})},
        422,
        "kg_per_day",
    ),
    ("point longitude 200", "POST", "points", {"json": feature(POINT, (200, 60))}, 422, "lon"),
    ("point latitude -95", "POST", "points", {"json": feature(POINT, (24, -95))}, 422, "lat"),
    (
        "point window reversed",
        "POST",
        "points",
        {"json": feature(POINT | {"time_windows": ["10:00-09:00"]})},
        422,
        "time_windows",
    ),
    (
        "point window 25:00",
        "POST",
        "points",
        {"json": feature(POINT | {"time_windows": ["01:00-25:00"]})},
        422,
        "time_windows",
    ),
    (
        "point windows overlap",
        "POST",
        "points",
        {"json": feature(POINT | {"time_windows": ["06:00-09:00", "08:00-10:00"]})},
        422,
        "time_windows",
    ),
    (
        "point four visits",
        "POST",
        "points",
        {"json": feature(POINT | {"visits_per_day": 4})},
        422,
        "visits_per_day",
    ),
    (
        "point unknown size",
        "POST",
        "points",
        {"json": feature(POINT | {"max_size_class": "huge"})},
        422,
        "max_size_class",
    ),
    (
        "point misspelt field",
        "POST",
        "points",
        {"json": feature(POINT | {"kg_per_dya": 3})},
        422,
        "kg_per_dya",
    ),
    ("point blank id", "POST", "points", {"json": feature(POINT | {"id": " x "})}, 422, "id"),
    (
        "point as a polygon",
        "POST",
        "points",
        {"json": feature(POINT, [[[0, 0], [1, 0], [1, 1], [0, 0]]], "Polygon")},
        422,
        "geometry",
    ),
    (
        "point id of the depot",
        "POST",
        "points",
        {"json": feature(POINT | {"id": "depot"})},
        422,
        "id",
    ),
    ("point id taken", "POST", "points", {"json": feature(POINT | {"id": "R0001"})}, 409, "id"),
    (
        "point body not JSON",
        "POST",
        "points",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        422,
        "body",
    ),
    (
        "facility no streams",
        "POST",
        "facilities",
        {"json": feature({"id": "f", "kind": "landfill", "accepts": []})},
        422,
        "accepts",
    ),
    (
        "station without storage",
        "POST",
        "facilities",
        {"json": feature({"id": "f", "kind": "transfer_station", "accepts": ["residual"]})},
        422,
        "storage_kg",
    ),
    (
        "zone self-crossing",
        "POST",
        "zones",
        {
            "json": feature(
                {"id": "z", "allowed_size_classes": ["cart"]},
                [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                "Polygon",
            )
        },
        422,
        "ring",
    ),
    (
        "zone unclosed ring",
        "POST",
        "zones",
        {
            "json": feature(
                {"id": "z", "allowed_size_classes": ["cart"]},
                [[[0, 0], [1, 1], [1, 0], [0, 1]]],
                "Polygon",
            )
        },
        422,
        "coordinates",
    ),
    (
        "vehicle type zero capacity",
        "POST",
        "vehicle-types",
        {"json": TYPE | {"capacity_kg": 0}},
        422,
        "capacity_kg",
    ),
    (
        "vehicle type unknown body",
        "POST",
        "vehicle-types",
        {"json": TYPE | {"body": "tractor"}},
        422,
        "body",
    ),
    (
        "vehicle type sealed as text",
        "POST",
        "vehicle-types",
        {"json": TYPE | {"sealed": "maybe"}},
        422,
        "sealed",
    ),
    (
        "vehicle unknown depot",
        "POST",
        "vehicles",
        {"json": {"id": "v", "type_id": "compactor", "depot_id": "nowhere"}},
        422,
        "depot_id",
    ),
    (
        "vehicle without type",
        "POST",
        "vehicles",
        {"json": {"id": "v", "depot_id": "depot"}},
        422,
        "type_id",
    ),
    (
        "crew zero working time",
        "POST",
        "crews",
        {"json": {"id": "c", "max_work_s": 0}},
        422,
        "max_work_s",
    ),
    (
        "crew bad hours",
        "POST",
        "crews",
        {"json": {"id": "c", "available": "late"}},
        422,
        "available",
    ),
    (
        "shift ends before start",
        "POST",
        "shifts",
        {"json": {"id": "s", "start_s": "10:00", "end_s": "09:00"}},
        422,
        "end_s",
    ),
    (
        "shift overlaps S1",
        "POST",
        "shifts",
        {"json": {"id": "s", "start_s": "05:00", "end_s": "06:00"}},
        422,
        "start_s",
    ),
    (
        "shift clock 7 o'clock",
        "POST",
        "shifts",
        {"json": {"id": "s", "start_s": "7", "end_s": "09:00"}},
        422,
        "start_s",
    ),
    ("points paging negative", "GET", "points?offset=-1", {}, 422, "offset"),
    ("points page too large", "GET", "points?limit=100000", {}, 422, "limit"),
    ("points bbox three numbers", "GET", "points?bbox=1,2,3", {}, 422, "bbox"),
    ("points bbox inverted", "GET", "points?bbox=25,60,24,61", {}, 422, "bbox"),
    ("unknown point", "GET", "points/nothing", {}, 404, "nothing"),
    (
        "csv bad row",
        "POST",
        "points/import",
        {
            "files": {
                "file": (
                    "p.csv",
                    (CSV_HEAD + "a1,24.9,60.1,residual,10\na2,24.9,x,residual,10\n").encode(),
                )
            }
        },
        422,
        "lat",
    ),
    (
        "csv unknown stream",
        "POST",
        "points/import",
        {"files": {"file": ("p.csv", (CSV_HEAD + "a1,24.9,60.1,glass,10\n").encode())}},
        422,
        "stream",
    ),
    (
        "geojson not a collection",
        "POST",
        "points/import",
        {"files": {"file": ("p.geojson", b'{"type": "Feature"}')}},
        422,
        "type",
    ),
    (
        "import wrong file type",
        "POST",
        "points/import",
        {"files": {"file": ("p.txt", b"id,lon")}},
        422,
        "filename",
    ),
    (
        "import broken workbook",
        "POST",
        "points/import",
        {"files": {"file": ("p.xlsx", b"PK")}},
        422,
        "file",
    ),
    (
        "import broken OSM extract",
        "POST",
        "points/import",
        {"files": {"file": ("p.osm.pbf", b"garbage")}},
        422,
        "file",
    ),
    (
        "import unknown crs",
        "POST",
        "points/import?crs=mercator",
        {"files": {"file": ("p.csv", (CSV_HEAD + "a1,24.9,60.1,residual,10\n").encode())}},
        422,
        "crs",
    ),
    (
        "import id already there",
        "POST",
        "points/import",
        {"files": {"file": ("p.csv", (CSV_HEAD + "R0001,24.9,60.1,residual,10\n").encode())}},
        409,
        "R0001",
    ),
    ("plan date not a date", "POST", "plan-jobs", {"json": {"date": "tomorrow"}}, 422, "date"),
    (
        "plan time limit zero",
        "POST",
        "plan-jobs",
        {"json": {"date": DAY, "time_limit_s": 0}},
        422,
        "time_limit_s",
    ),
    ("plan negative seed", "POST", "plan-jobs", {"json": {"date": DAY, "seed": -1}}, 422, "seed"),
]


def _counts(api: Api) -> dict[str, int]:
    models = (
        m.District,
        m.CollectionPointRow,
        m.DepotRow,
        m.FacilityRow,
        m.VehicleTypeRow,
        m.VehicleRow,
        m.CrewRow,
        m.ShiftRow,
        m.ZoneRow,
        m.PlanJobRow,
        m.PlanRow,
        m.UserRow,
    )
    return {model.__name__: api.count(model) for model in models}


@pytest.mark.parametrize(
    ("method", "path", "kw", "status", "names"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_bad_input(
    api: Api, district: int, method: str, path: str, kw: dict[str, Any], status: int, names: str
) -> None:
    before = _counts(api)
    response = api.call(method, f"/districts/{district}/{path}".rstrip("/"), **kw)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    assert any(names in " ".join(map(str, d["loc"])) + " " + d["msg"] for d in detail), detail
    assert _counts(api) == before


def test_the_corpus_is_large(api: Api) -> None:
    assert len(CORPUS) >= 30


def test_district_import_is_all_or_nothing(api: Api) -> None:
    document = district_document()
    broken = {
        **document,
        "points": [*document["points"], {**document["points"][0], "id": "Z1", "kg_per_day": -1}],
        "vehicles": [
            *document["vehicles"],
            {"id": "ghost", "type_id": "none", "depot_id": "depot"},
        ],
    }
    before = _counts(api)
    response = api.call("POST", "/districts/import", json={"problem": broken})
    assert response.status_code == 422
    locs = [d["loc"] for d in response.json()["detail"]]
    assert ["collection point Z1", "kg_per_day"] in locs
    assert ["vehicle ghost", "type_id"] in locs
    assert _counts(api) == before


def test_a_taken_district_name_conflicts(api: Api, district: int) -> None:
    response = api.call("POST", "/districts", json={"name": "district-baseline"})
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_one_table_maps_exceptions_to_statuses() -> None:
    assert status_of(NotFoundError("x")) == 404
    assert status_of(ConflictError("x")) == 409
    assert status_of(ProblemError([])) == 422
    assert status_of(FieldError("f", "bad")) == 422
    assert status_of(RuntimeError()) == 500
    assert len({kind for kind, _ in STATUS_BY_EXCEPTION}) == len(STATUS_BY_EXCEPTION)
