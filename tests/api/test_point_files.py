"""Point files through the API: .xlsx sheets in GCJ-02, OSM extracts, all-or-nothing imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gis_data.coords import gcj02_to_wgs84
from gis_data.points import read_osm_waste_points
from tests.api.conftest import Api
from tests.gis_data.test_sheets import HERE, workbook

HELSINKI = Path(__file__).resolve().parents[3] / "shared" / "data" / "osm" / "Helsinki.osm.pbf"
HEAD = ["编号", "经度", "纬度", "垃圾类型", "日产量", "单位"]
# A point in Huangdao as an Amap (GCJ-02) export gives it: GCJ-02 equals WGS84 outside China, so
# only a point inside China shows that the datum is converted.
IN_CHINA = HERE


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> bytes:
    return workbook(tmp_path, sheets).read_bytes()


def _upload(api: Api, district: int, name: str, data: bytes, **params: str) -> Any:
    return api.call(
        "POST",
        f"/districts/{district}/points/import",
        params=params,
        files={"file": (name, data)},
    )


def _points(api: Api, district: int) -> dict[str, Any]:
    page = api.call("GET", f"/districts/{district}/points", params={"limit": 1000}).json()
    return {f["properties"]["id"]: f for f in page["features"]}


def test_an_xlsx_sheet_in_gcj02_is_stored_in_wgs84(api: Api, district: int, tmp_path: Path) -> None:
    data = _xlsx(
        tmp_path,
        {
            "点位": [HEAD, ["X1", *IN_CHINA, "其他垃圾", 0.5, "吨"]],
            "说明": [HEAD, ["X2", *IN_CHINA, "厨余垃圾", 0.2, "吨"]],  # another sheet, not read
        },
    )
    response = _upload(api, district, "点位表.xlsx", data, crs="gcj02", sheet="点位")
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 1
    points = _points(api, district)
    assert "X2" not in points
    lon, lat = points["X1"]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(gcj02_to_wgs84(*IN_CHINA), abs=1e-7)
    assert abs(lon - IN_CHINA[0]) > 1e-4  # the datum really was converted
    assert points["X1"]["properties"]["kg_per_day"] == 500


def test_a_bad_row_of_a_sheet_is_named_and_nothing_is_added(
    api: Api, district: int, tmp_path: Path
) -> None:
    before = _points(api, district)
    data = _xlsx(
        tmp_path,
        {"点位": [HEAD, ["X1", *IN_CHINA, "其他垃圾", 0.5, "吨"], ["X3", 500, 36, "x", 1]]},
    )
    response = _upload(api, district, "p.xlsx", data)
    assert response.status_code == 422
    fields = {tuple(d["loc"][-1:]) for d in response.json()["detail"]}
    assert ("经度",) in fields or ("lon",) in fields, response.json()
    assert _points(api, district).keys() == before.keys()


def test_the_waste_features_of_an_osm_extract_become_points(api: Api, district: int) -> None:
    expected = read_osm_waste_points(HELSINKI)
    assert expected  # the extract has bins and containers
    response = _upload(api, district, "Helsinki.osm.pbf", HELSINKI.read_bytes())
    assert response.status_code == 201, response.text
    assert response.json()["created"] == len(expected)
    points = _points(api, district)
    first = points[expected[0].id]
    assert first["properties"]["stream"] == expected[0].stream.value
    assert first["geometry"]["coordinates"] == pytest.approx(
        [expected[0].location.lon, expected[0].location.lat]
    )


def test_an_osm_extract_refuses_another_datum(api: Api, district: int) -> None:
    response = _upload(api, district, "h.osm.pbf", HELSINKI.read_bytes(), crs="bd09")
    assert response.status_code == 422
    assert [d["loc"][-1] for d in response.json()["detail"]] == ["crs"]
