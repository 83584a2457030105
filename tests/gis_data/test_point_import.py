"""Importing collection points: CSV and GeoJSON files, and the waste features of OSM extracts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from gis_data.points import (
    read_osm_waste_points,
    read_points,
    read_points_csv,
    read_points_geojson,
)
from routing.domain import SizeClass, TimeWindow, WasteStream
from routing.errors import HuanweiError, ProblemError
from routing.units import HOUR

OSM_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm"

GOOD_CSV = """id,lon,lat,stream,kg_per_day,litres_per_day,service_s,time_windows,visits_per_day,max_size_class,name
P1,24.9401,60.1701,residual,120.4,,90,05:00-09:00;20:00-23:00,2,small,Market lane
P2,24.9412,60.1712,kitchen,300,450,,,,,
"""


@pytest.fixture(scope="module")
def osm_dir() -> Path:
    if not OSM_DIR.is_dir():
        pytest.fail(
            f"real OSM data missing: {OSM_DIR.resolve()} (kept beside the repository, not in git)"
        )
    return OSM_DIR


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_points_with_defaults(tmp_path: Path) -> None:
    first, second = read_points_csv(_write(tmp_path, "points.csv", GOOD_CSV))
    assert first.id == "P1" and first.kg_per_day == 120 and first.litres_per_day == 600
    assert first.time_windows == (TimeWindow(5 * HOUR, 9 * HOUR), TimeWindow(20 * HOUR, 23 * HOUR))
    assert first.visits_per_day == 2 and first.max_size_class is SizeClass.SMALL
    assert first.name == "Market lane" and first.service_s == 90
    assert second.stream is WasteStream.KITCHEN and second.litres_per_day == 450
    assert second.service_s == 120 and second.max_size_class is SizeClass.HEAVY


def test_csv_bad_rows_are_all_named_by_line_and_field(tmp_path: Path) -> None:
    text = (
        GOOD_CSV
        + "P3,24.94,91.5,residual,10,,,,,,\n"  # line 4: latitude out of range
        + 'P4,24.94,60.17,glass,ten,,,,,,"a\nlong name"\n'  # line 5 (and 6): stream, kg
        + "P1,24.94,60.17,residual,10,,,25:00-26:00,,,\n"  # line 7: window, repeated id
        + "P5,24.94,60.17,residual,10,,,,,huge,\n"  # line 8: size class
    )
    with pytest.raises(ProblemError) as caught:
        read_points(_write(tmp_path, "points.csv", text))
    found = {(d.record, d.field) for d in caught.value.defects}
    assert found == {
        ("第 4 行 / row 4", "lat"),
        ("第 5 行 / row 5", "stream"),
        ("第 5 行 / row 5", "kg_per_day"),
        ("第 7 行 / row 7", "time_windows"),
        ("第 8 行 / row 8", "max_size_class"),
    }
    messages = {d.field: d.message for d in caught.value.defects}
    assert messages["lat"].startswith(
        "第 3 列「lat」：超出取值范围 / column 3 (lat): must be within"
    )
    assert "column 5 (kg_per_day): 'ten' is not a number" in messages["kg_per_day"]
    assert caught.value.source.endswith("points.csv")


def test_csv_repeated_id_is_named(tmp_path: Path) -> None:
    text = GOOD_CSV + "P1,24.94,60.17,residual,10,,,,,,\n"
    with pytest.raises(ProblemError, match=r"row 4: id: .*repeats the id 'P1' of 第 2 行 / row 2"):
        read_points_csv(_write(tmp_path, "points.csv", text))


def test_csv_without_coordinate_columns(tmp_path: Path) -> None:
    with pytest.raises(ProblemError) as caught:
        read_points_csv(
            _write(tmp_path, "points.csv", "id,x,y,stream,kg_per_day\nP1,1,2,residual,3\n")
        )
    ((record, field, message),) = [(d.record, d.field, d.message) for d in caught.value.defects]
    assert (record, field) == ("文件 / file", "header")
    assert "no header row with longitude (经度/lon) and latitude (纬度/lat)" in message


def test_geojson_points(tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
                "properties": {
                    "id": "G1",
                    "stream": "night_soil",
                    "kg_per_day": 800,
                    "time_windows": ["04:30-10:30", "16:30-22:30"],
                    "visits_per_day": 2,
                },
            }
        ],
    }
    (point,) = read_points(_write(tmp_path, "points.geojson", json.dumps(collection)))
    assert point.location.lon == 24.94 and point.stream is WasteStream.NIGHT_SOIL
    assert point.litres_per_day == 800 and len(point.time_windows) == 2


def test_geojson_bad_features_are_named_and_nothing_is_returned(tmp_path: Path) -> None:
    good = {"id": "G1", "stream": "residual", "kg_per_day": 5}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [24.9, 60.1]},
            "properties": good,
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": []},
            "properties": good,
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [24.9, 60.1]},
            "properties": {"id": "G3", "stream": "residual", "kg_per_day": -4},
        },
    ]
    path = _write(
        tmp_path, "p.geojson", json.dumps({"type": "FeatureCollection", "features": features})
    )
    with pytest.raises(ProblemError) as caught:
        read_points_geojson(path)
    assert [(d.record, d.field) for d in caught.value.defects] == [
        ("feature 2", "geometry"),
        ("feature 3", "kg_per_day"),
    ]


def test_raw_osm_tags_are_not_taken_for_points(osm_dir: Path) -> None:
    # The shared file keeps OSM's own tags: no stream or amount, so every feature is reported.
    with pytest.raises(ProblemError) as caught:
        read_points_geojson(osm_dir / "helsinki_waste_points.geojson")
    assert {d.record for d in caught.value.defects} == {f"feature {n}" for n in range(1, 53)}


def test_not_json_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="is not valid JSON"):
        read_points(_write(tmp_path, "points.geojson", "{oops"))
    with pytest.raises(ProblemError, match="unknown type"):
        read_points(_write(tmp_path, "points.txt", ""))
    with pytest.raises(ProblemError, match=r"is not a readable \.xlsx workbook"):
        read_points(_write(tmp_path, "points.xlsx", ""))


def test_waste_features_of_the_helsinki_extract(osm_dir: Path) -> None:
    points = read_osm_waste_points(osm_dir / "Helsinki.osm.pbf")
    # SOURCE.txt: 36 waste baskets, 14 waste disposal, 2 recycling nodes.
    assert len(points) == 52 and len({p.id for p in points}) == 52
    streams = Counter(p.stream for p in points)
    assert streams == {WasteStream.RESIDUAL: 50, WasteStream.RECYCLABLE: 2}
    baskets = [p for p in points if p.kg_per_day == 5]
    assert len(baskets) == 36 and all(p.max_size_class is SizeClass.SMALL for p in baskets)
    assert all(24.93 < p.location.lon < 24.96 and 60.16 < p.location.lat < 60.18 for p in points)


def test_a_corrupt_osm_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"\x00\x01 not a pbf")
    with pytest.raises(HuanweiError, match=r"broken\.osm\.pbf"):
        read_osm_waste_points(path)
