"""Point sheets as departments keep them: .xlsx and .csv, Chinese or English headers, units,
GCJ-02 / BD-09 coordinates; every bad cell named by sheet, row and column; all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from gis_data.coords import CoordinateSystem, bd09_to_gcj02, gcj02_to_wgs84
from gis_data.headers import HEADER_ALIASES, Column
from gis_data.points import read_points
from gis_data.sheets import SheetOptions, read_point_table
from routing.domain import SizeClass, TimeWindow, WasteStream
from routing.errors import ProblemError
from routing.units import HOUR, MINUTE

GCJ = SheetOptions(crs=CoordinateSystem.GCJ02)
# Two points in Huangdao as an Amap (GCJ-02) export would give them.
HERE = (120.130433, 36.090514)
THERE = (120.1767, 35.950419)


def workbook(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "点位.xlsx") -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def defects_of(error: pytest.ExceptionInfo[ProblemError]) -> dict[tuple[str, str], str]:
    return {(d.record, d.field): d.message for d in error.value.defects}


def test_a_chinese_sheet_with_a_title_row_units_and_gcj02(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        {
            "点位": [
                ["黄岛区垃圾收集点位表（2024）"],  # a title above the header row
                [
                    "编号",
                    "点位名称",
                    "经度",
                    "纬度",
                    "垃圾类型",
                    "日产量",
                    "单位",
                    "服务时间(分钟)",
                    "作业时段",
                    "每日次数",
                    "车型限制",
                    "备注",
                ],
                [
                    "A1",
                    "菜市场",
                    *HERE,
                    "厨余垃圾",
                    1.2,
                    "吨",
                    5,
                    "05:00－07:00；16:30～18:00",
                    "2次",
                    None,
                    "早市",
                ],
                [
                    17,
                    "老街",
                    *THERE,
                    "其他垃圾",
                    3,
                    "桶",
                    1.5,
                    "5点至9点、20点半到22点",
                    1,
                    "电动车",
                ],
                [None, None, None, None, None, None, None, None, None, None, None, None],
            ]
        },
    )
    table = read_point_table(path, GCJ)
    market, lane = table.points
    assert market.id == "A1" and market.name == "菜市场" and market.stream is WasteStream.KITCHEN
    assert market.kg_per_day == 1200 and market.service_s == 5 * MINUTE
    assert market.visits_per_day == 2
    assert market.time_windows == (
        TimeWindow(5 * HOUR, 7 * HOUR),
        TimeWindow(16 * HOUR + 30 * MINUTE, 18 * HOUR),
    )
    assert (market.location.lon, market.location.lat) == pytest.approx(gcj02_to_wgs84(*HERE))
    # 3 bins of 240 L of residual waste at 200 kg/m³.
    assert lane.id == "17" and lane.litres_per_day == 720 and lane.kg_per_day == 144
    assert lane.service_s == 90 and lane.max_size_class is SizeClass.CART
    assert lane.time_windows == (
        TimeWindow(5 * HOUR, 9 * HOUR),
        TimeWindow(20 * HOUR + 30 * MINUTE, 22 * HOUR),
    )
    assert table.sheets == ("点位",) and table.crs_by_sheet == {"点位": "gcj02"}
    assert table.ignored_columns == ()  # 备注 is the crews' access note now
    assert market.note or lane.note


def test_mixed_chinese_and_english_headers(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["name", "经度", "lat", "垃圾类型", "kg_per_day", "服务时间（秒）", "time_windows", "id"],
        ["Hotel", *HERE, "kitchen", "1,250", 240, "04:30-10:30", "H1"],
        ["学校", *THERE, "可回收物", "80 kg", "2 min", "全天", "S1"],
    ]
    hotel, school = read_points(workbook(tmp_path, {"Sheet1": rows}))
    assert hotel.kg_per_day == 1250 and hotel.service_s == 240 and hotel.location.lon == HERE[0]
    assert school.stream is WasteStream.RECYCLABLE and school.kg_per_day == 80
    assert school.service_s == 120 and school.time_windows == (TimeWindow(0, 24 * HOUR),)


def test_addresses_and_access_notes_are_read_in_either_language(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["编号", "名称", "地址", "备注", "经度", "纬度", "垃圾类型", "kg_per_day"],
        ["M1", "菜市场", "山东路 12 号", "后门 密码 2468", *HERE, "厨余垃圾", 300],
        ["M2", "小学", "", "", *THERE, "厨余垃圾", 50],
    ]
    market, school = read_points(workbook(tmp_path, {"Sheet1": rows}))
    assert (market.address, market.note) == ("山东路 12 号", "后门 密码 2468")
    assert (school.address, school.note) == ("", "")
    english = [["id", "Address", "Access note", "lon", "lat", "stream", "kg_per_day"]]
    english.append(["P1", "12 Shandong Rd", "back gate", *HERE, "residual", 100])
    (point,) = read_points(workbook(tmp_path, {"Sheet1": english}, name="points.xlsx"))
    assert (point.address, point.note) == ("12 Shandong Rd", "back gate")


def test_coordinate_headers_name_their_own_system(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["百度经度", "百度纬度", "垃圾类型", "日产量(kg)"],
        [*HERE, "其他垃圾", 50],
    ]
    # The file is declared GCJ-02, but these columns say BD-09 (百度): the columns win.
    table = read_point_table(workbook(tmp_path, {"表1": rows}), GCJ)
    (point,) = table.points
    expected = gcj02_to_wgs84(*bd09_to_gcj02(*HERE))
    assert (point.location.lon, point.location.lat) == pytest.approx(expected, abs=1e-9)
    assert table.crs_by_sheet == {"表1": "bd09"} and point.id == "表1-2"


def test_bad_header_unknown_unit_duplicate_column_and_crs_conflict(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["经度(GCJ-02)", "纬度(BD-09)", "垃圾类型", "日产量(箱)", "服务时间(分钟)", "服务时长(秒)"],
        [*HERE, "其他垃圾", 1, 1, 60],
    ]
    with pytest.raises(ProblemError) as caught:
        read_points(workbook(tmp_path, {"点位": rows}))
    found = defects_of(caught)
    header = "工作表「点位」第 1 行 / sheet 点位 row 1（表头） (header)"
    assert set(found) == {(header, "amount"), (header, "service"), (header, "crs")}
    assert found[(header, "amount")].startswith("列 D「日产量(箱)」：表头中的单位「箱」无法识别")
    assert "column D (日产量(箱)): unknown unit '箱' in the header" in found[(header, "amount")]
    assert (
        "column E (服务时间(分钟)) and column F (服务时长(秒)) both give service"
        in found[(header, "service")]
    )
    assert "different systems (gcj02, bd09)" in found[(header, "crs")]


def test_a_missing_amount_column_is_named_with_the_headers_it_could_have(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("经度,纬度,垃圾类型\n120.1,36.0,其他垃圾\n", encoding="utf-8")
    with pytest.raises(ProblemError) as caught:
        read_points(path)
    message = defects_of(caught)[("第 1 行 / row 1（表头） (header)", "amount")]
    assert "缺少列（可用表头：" in message and "日产量" in message
    assert "column is missing (headers: " in message and "kg_per_day" in message


def test_bad_units_numbers_and_windows_are_all_named_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    head = ["编号", "经度", "纬度", "垃圾类型", "日产量", "单位", "作业时段", "每日次数"]
    good = ["G1", *HERE, "其他垃圾", 1, "吨", "07:00-17:00", 1]
    path = workbook(
        tmp_path,
        {
            "东区": [
                head,
                good,
                ["B1", *HERE, "其他垃圾", 1, "箱", "07:00-17:00", 1],  # bad unit
                ["B2", *HERE, "玻璃", "十二", "吨", "上午", 1],  # stream, number, window
                ["B3", "东经120", 91.5, "其他垃圾", 2, None, "25:00-26:00", "两次"],
            ],
            "西区": [
                head,
                ["G1", *THERE, "其他垃圾", 1, "kg", "07:00-17:00", 1],  # a repeated id
                ["W3", *THERE, "其他垃圾", 1, "kg", "17:00-07:00", 1],  # a window backwards
                ["W4", *THERE, "其他垃圾", 1, "kg", "07:00-17:00", 4],  # four visits a day
            ],
        },
    )
    with pytest.raises(ProblemError) as caught:
        read_points(path)
    found = defects_of(caught)
    east = "工作表「东区」第 {} 行 / sheet 东区 row {}".format
    west = "工作表「西区」第 {} 行 / sheet 西区 row {}".format
    assert set(found) == {
        (east(3, 3), "kg_per_day"),
        (east(4, 4), "stream"),
        (east(4, 4), "kg_per_day"),
        (east(4, 4), "time_windows"),
        (east(5, 5), "lon"),
        (east(5, 5), "lat"),
        (east(5, 5), "kg_per_day"),
        (east(5, 5), "time_windows"),
        (east(5, 5), "visits_per_day"),
        (west(2, 2), "id"),
        (west(3, 3), "time_windows"),
        (west(4, 4), "visits_per_day"),
    }
    assert found[(east(3, 3), "kg_per_day")] == (
        "列 F「单位」：单位「箱」无法识别（可用：kg、公斤、千克、t、吨、tonne、tonnes、斤、l、升、"
        "litre、litres、m3、立方米、立方、方、bin、bins、个桶、垃圾桶、桶） / column F (单位): "
        "unknown unit '箱' (use: kg, 公斤, 千克, t, 吨, tonne, tonnes, 斤, l, 升, litre, litres, "
        "m3, 立方米, 立方, 方, bin, bins, 个桶, 垃圾桶, 桶)"
    )
    assert found[(east(4, 4), "kg_per_day")] == (
        "列 E「日产量」：「十二」不是数字 / column E (日产量): '十二' is not a number"
    )
    assert "「上午」不是时段" in found[(east(4, 4), "time_windows")]
    assert "unknown stream '玻璃'" in found[(east(4, 4), "stream")]
    assert "column C (纬度): must be within ±90, got 91.5" in found[(east(5, 5), "lat")]
    assert "缺少单位" in found[(east(5, 5), "kg_per_day")]
    assert "晚于 24:00" in found[(east(5, 5), "time_windows")]
    assert "'两次' is not a whole number of visits" in found[(east(5, 5), "visits_per_day")]
    assert "列 A「编号」：编号与前面的行重复" in found[(west(2, 2), "id")]
    assert "repeats the id 'G1' of 工作表「东区」第 2 行" in found[(west(2, 2), "id")]
    assert "结束时间早于开始时间" in found[(west(3, 3), "time_windows")]
    assert "列 H「每日次数」：每日最多 3 次" in found[(west(4, 4), "visits_per_day")]


def test_sheets_without_a_header_are_skipped_and_one_sheet_can_be_chosen(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["经度", "纬度", "垃圾类型", "日产量(吨)"], [*HERE, "其他垃圾", 0.5]]
    path = workbook(
        tmp_path,
        {"说明": [["本表由环卫所填写"]], "东区": rows, "西区": [rows[0], [*THERE, "厨余", 1]]},
    )
    table = read_point_table(path)
    assert table.sheets == ("东区", "西区") and table.skipped_sheets == ("说明",)
    assert [p.id for p in table.points] == ["东区-2", "西区-2"]
    (only,) = read_point_table(path, SheetOptions(sheet="西区")).points
    assert only.stream is WasteStream.KITCHEN and only.kg_per_day == 1000
    with pytest.raises(ProblemError, match=r"没有名为「北区」的工作表.*has no sheet '北区'"):
        read_point_table(path, SheetOptions(sheet="北区"))
    with pytest.raises(ProblemError, match="no header row with longitude"):
        read_point_table(path, SheetOptions(sheet="说明"))


def test_window_start_and_end_columns_with_excel_times(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["lon", "lat", "stream", "amount", "unit", "开始时间", "结束时间"],
        [*HERE, "residual", 300, "kg", dt.time(7, 0), dt.time(11, 30)],
        [*THERE, "residual", 2, "m³", "14:00", 17 / 24],  # a time typed as text; an unformatted one
    ]
    first, second = read_points(workbook(tmp_path, {"Points": rows}))
    assert first.time_windows == (TimeWindow(7 * HOUR, 11 * HOUR + 30 * MINUTE),)
    assert second.time_windows == (TimeWindow(14 * HOUR, 17 * HOUR),)
    assert second.litres_per_day == 2000 and second.kg_per_day == 400


def test_a_gbk_csv_from_excel_with_a_default_stream(tmp_path: Path) -> None:
    path = tmp_path / "点位.csv"
    text = "点位名称,高德经度,高德纬度,日产量(公斤),服务时间(秒)\n菜市场,120.130433,36.090514,850,300\n"
    path.write_bytes(text.encode("gbk"))
    options = SheetOptions(default_stream=WasteStream.RESIDUAL)
    (point,) = read_points(path, options)
    assert point.name == "菜市场" and point.id == "row-2" and point.kg_per_day == 850
    assert point.stream is WasteStream.RESIDUAL and point.service_s == 300
    assert (point.location.lon, point.location.lat) == pytest.approx(gcj02_to_wgs84(*HERE))


def test_the_header_table_is_extensible(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["X", "Y", "类别", "垃圾桶个数"], [*HERE, "生活垃圾", 4]]
    path = workbook(tmp_path, {"S": rows})
    with pytest.raises(ProblemError, match="no header row"):
        read_points(path)
    headers = {
        **HEADER_ALIASES,
        "X": Column("lon"),
        "Y": Column("lat"),
        "类别": Column("stream"),
        "垃圾桶个数": Column("amount", unit="桶"),
    }
    (point,) = read_points(path, SheetOptions(headers=headers, bin_litres=120))
    assert point.litres_per_day == 480 and point.kg_per_day == 96
