"""Current routes from a sheet: Chinese or English headers, CSV or Excel, errors by row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from gis_data.current_routes import read_current_routes
from routing.errors import ProblemError


def test_a_csv_with_chinese_headers_keeps_the_stated_order(tmp_path: Path) -> None:
    sheet = tmp_path / "现行路线.csv"
    sheet.write_text(
        "线路表,,,,\n车辆,班次,顺序,收运点,班组\n"
        "box-01,S1,2,C0002,crew-01\nbox-01,S1,1,C0001,crew-01\n"
        "e-01,S2,1,C0009,\n,,,,\nbox-01,S1,3,C0003,crew-01\n",
        encoding="utf-8",
    )
    routes = {(r.vehicle_id, r.shift_id): r for r in read_current_routes(sheet)}
    assert routes[("box-01", "S1")].point_ids == ("C0001", "C0002", "C0003")
    assert routes[("box-01", "S1")].crew_id == "crew-01"
    assert routes[("e-01", "S2")].point_ids == ("C0009",) and routes[("e-01", "S2")].crew_id is None


def test_a_workbook_with_english_headers_and_no_order_keeps_the_rows_order(
    tmp_path: Path,
) -> None:
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["Vehicle", "Shift", "Point ID"])
    for point in ("P3", "P1", "P2"):
        page.append(["truck-7", "night", point])
    book.save(tmp_path / "routes.xlsx")
    (route,) = read_current_routes(tmp_path / "routes.xlsx")
    assert (route.vehicle_id, route.shift_id, route.point_ids) == (
        "truck-7",
        "night",
        ("P3", "P1", "P2"),
    )


def test_bad_rows_are_named_with_their_field(tmp_path: Path) -> None:
    sheet = tmp_path / "routes.csv"
    sheet.write_text("车辆,班次,顺序,收运点\nbox-01,S1,first,C1\nbox-01,,2,C2\n", encoding="utf-8")
    with pytest.raises(ProblemError) as caught:
        read_current_routes(sheet)
    text = str(caught.value)
    assert "routes.csv row 2: order: must be a number, got 'first'" in text
    assert "routes.csv row 3: shift: is empty" in text


def test_a_sheet_without_the_columns_says_which_it_needs(tmp_path: Path) -> None:
    sheet = tmp_path / "routes.csv"
    sheet.write_text("name,weight\nx,1\n", encoding="utf-8")
    with pytest.raises(ProblemError, match="no header row with vehicle, shift and point"):
        read_current_routes(sheet)
