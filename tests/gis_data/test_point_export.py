"""Points back out for a user's own maps, and ``huanwei gis import --crs/--out`` and ``gis convert``
through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from gis_data.coords import CoordinateSystem, gcj02_to_wgs84, wgs84_to_gcj02
from gis_data.export import write_points
from gis_data.points import read_points, read_points_geojson
from gis_data.sheets import SheetOptions
from huanwei.cli import main
from routing.domain import CollectionPoint, Location, TimeWindow, WasteStream
from routing.travel import haversine_m
from routing.units import HOUR

C = CoordinateSystem
POINTS = (
    CollectionPoint(
        "P1",
        Location(120.1245, 36.0921),
        WasteStream.KITCHEN,
        800,
        1143,
        300,
        (TimeWindow(5 * HOUR, 7 * HOUR), TimeWindow(17 * HOUR, 19 * HOUR)),
        2,
        name="菜市场",
    ),
    CollectionPoint("P2", Location(119.98, 35.90), WasteStream.RESIDUAL, 48, 240, 90),
)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".geojson"])
@pytest.mark.parametrize("crs", list(CoordinateSystem))
def test_points_written_in_a_map_system_read_back_within_a_metre(
    tmp_path: Path, suffix: str, crs: CoordinateSystem
) -> None:
    path = tmp_path / f"out{suffix}"
    write_points(POINTS, path, crs=crs)
    # Sheets name their system in the coordinate headers; GeoJSON needs to be told.
    again = read_points_geojson(path, crs=crs) if suffix == ".geojson" else read_points(path)
    assert [p.id for p in again] == ["P1", "P2"]
    for before, after in zip(POINTS, again, strict=True):
        assert haversine_m(before.location, after.location) < 1.0
        assert after.time_windows == before.time_windows and after.name == before.name
        assert (after.kg_per_day, after.litres_per_day) == (
            before.kg_per_day,
            before.litres_per_day,
        )
        assert (after.service_s, after.visits_per_day) == (before.service_s, before.visits_per_day)


def test_an_exported_gcj02_sheet_holds_amap_positions(tmp_path: Path) -> None:
    path = tmp_path / "点位.xlsx"
    write_points(POINTS, path, crs=C.GCJ02)
    sheet = load_workbook(path).active
    assert sheet is not None
    header, first = (
        next(sheet.iter_rows(values_only=True)),
        next(sheet.iter_rows(min_row=2, values_only=True)),
    )
    assert header[2:4] == ("经度(gcj02)", "纬度(gcj02)")
    assert first[2:4] == pytest.approx(wgs84_to_gcj02(120.1245, 36.0921), abs=1e-7)


def test_gis_import_declares_the_system_and_writes_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "东区"
    sheet.append(["点位名称", "经度", "纬度", "日产量(吨)", "备注"])
    sheet.append(["菜市场", 120.130433, 36.090514, 1.5, "早市"])
    book.create_sheet("说明").append(["填表说明"])
    source = tmp_path / "点位.xlsx"
    book.save(source)
    out = tmp_path / "wgs84.geojson"
    argv = ["gis", "import", str(source), "--crs", "高德", "--stream", "kitchen"]
    assert main([*argv, "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["points"] == 1 and report["by_stream"] == {"kitchen": 1}
    assert report["kg_per_day"] == 1500 and report["crs"] == {"东区": "gcj02"}
    assert report["skipped_sheets"] == ["说明"] and report["ignored_columns"] == []
    (point,) = read_points_geojson(out)
    assert point.note == "早市"  # 备注: the crews' access note
    expected = Location(*gcj02_to_wgs84(120.130433, 36.090514))
    assert haversine_m(point.location, expected) < 0.01


def test_gis_import_bad_sheet_exits_2_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("经度,纬度,垃圾类型,日产量\n120.1,36.0,其他垃圾,3 箱\n", encoding="utf-8")
    assert main(["gis", "import", str(path)]) == 2
    error = capsys.readouterr().err
    assert "第 2 行 / row 2: kg_per_day: 第 4 列「日产量」：单位「箱」无法识别" in error
    with pytest.raises(SystemExit):  # argparse refuses it with status 2
        main(["gis", "import", str(path), "--crs", "utm"])
    assert "unknown coordinate system 'utm'" in capsys.readouterr().err


def test_gis_convert_sends_a_plan_geojson_to_baidu_and_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    route = [[120.1, 36.0], [120.2, 36.1]]
    plan = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": route},
                "properties": {"vehicle": "compactor-01"},
            }
        ],
    }
    wgs, bd, back = tmp_path / "plan.geojson", tmp_path / "bd.geojson", tmp_path / "back.geojson"
    wgs.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["gis", "convert", str(wgs), str(bd), "--to", "bd09"]) == 0
    assert main(["gis", "convert", str(bd), str(back), "--from", "百度", "--to", "wgs84"]) == 0
    capsys.readouterr()
    baidu = json.loads(bd.read_text(encoding="utf-8"))
    assert baidu["coordinate_system"] == "bd09"
    moved = baidu["features"][0]["geometry"]["coordinates"][0]
    assert haversine_m(Location(*moved), Location(120.1, 36.0)) > 300
    line = json.loads(back.read_text(encoding="utf-8"))["features"][0]["geometry"]["coordinates"]
    for got, want in zip(line, route, strict=True):
        assert haversine_m(Location(*got), Location(*want)) < 1.0


def test_sheet_options_reach_read_points(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("lon (bd09),lat (bd09),日产量\n120.1,36.0,2桶\n", encoding="utf-8")
    (point,) = read_points(path, SheetOptions(default_stream=WasteStream.BULKY, bin_litres=660))
    assert point.stream is WasteStream.BULKY and point.litres_per_day == 1320
    assert point.kg_per_day == 198  # 1,320 L at 150 kg/m³
