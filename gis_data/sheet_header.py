"""A point sheet's header row: where it is, which column gives which field, in which unit and
coordinate system; every bad header is named in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gis_data import cells as c
from gis_data.coords import CoordinateSystem, parse_crs
from gis_data.headers import DURATION_UNITS, REQUIRED_FIELDS, Column, key, split_header
from gis_data.sheet_files import SheetTable
from gis_data.sheet_options import SheetOptions
from routing.errors import DefectCollector


@dataclass(frozen=True, slots=True)
class ColumnPlace:
    """A column: its letter (workbook) or number (CSV), and its header."""

    label: str
    header: str
    in_csv: bool

    def zh(self) -> str:
        return (
            f"第 {self.label} 列「{self.header}」"
            if self.in_csv
            else f"列 {self.label}「{self.header}」"
        )

    def en(self) -> str:
        return f"column {self.label} ({self.header})"


#: Each field's column: its index, the column (unit, coordinate system) and its place.
Columns = dict[str, tuple[int, Column, ColumnPlace]]


@dataclass(slots=True)
class SheetLayout:
    """A table's header row: its number, which column gives each field, the file's coordinate
    system and the columns no field reads."""

    table: SheetTable
    header_row: int
    columns: Columns
    crs: CoordinateSystem
    ignored: list[str]

    def place(self, name: str) -> ColumnPlace | None:
        found = self.columns.get(name)
        return found[2] if found else None


def row_record(table: SheetTable, number: int) -> str:
    """A row's name in defects: its number and sheet, in Chinese and English."""
    if table.name is None:
        return f"第 {number} 行 / row {number}"
    return f"工作表「{table.name}」第 {number} 行 / sheet {table.name} row {number}"


def column_label(index: int, in_csv: bool) -> str:
    """A column's label: its number in a CSV file, its letter in a workbook."""
    if in_csv:
        return str(index + 1)
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _lookup(text: str, headers: Mapping[str, Column]) -> tuple[Column, str | None] | None:
    whole = headers.get(key(text))
    if whole is not None:
        return whole, None
    name, bracket = split_header(text)
    found = headers.get(key(name))
    return (found, bracket) if found is not None else None


def find_header(
    table: SheetTable,
    headers: Mapping[str, Column],
    options: SheetOptions,
    defects: DefectCollector,
) -> SheetLayout | None:
    """The layout of the first row among the top ones with longitude and latitude headers; None
    if there is none. Bad headers of that row go to ``defects``."""
    for number, cells in table.rows[: options.header_search_rows]:
        found = {
            i: hit
            for i, cell in enumerate(cells)
            if isinstance(cell, str) and (hit := _lookup(cell, headers)) is not None
        }
        if {"lon", "lat"} <= {column.field for column, _ in found.values()}:
            return _layout(table, number, cells, found, options, defects)
    return None


def no_header(table: SheetTable, options: SheetOptions, defects: DefectCollector) -> None:
    """Report that ``table`` has no header row among its top rows."""
    where = f"工作表「{table.name}」 / sheet {table.name}" if table.name else "文件 / file"
    rows = options.header_search_rows
    defects.add(
        where,
        "header",
        f"前 {rows} 行中没有含「经度」和「纬度」的表头行 / "
        f"no header row with longitude (经度/lon) and latitude (纬度/lat) in the first {rows} rows",
    )


def _layout(
    table: SheetTable,
    number: int,
    cells: Sequence[Any],
    found: Mapping[int, tuple[Column, str | None]],
    options: SheetOptions,
    defects: DefectCollector,
) -> SheetLayout:
    in_csv = table.name is None
    record = row_record(table, number) + "（表头） (header)"
    columns, unreadable = _columns(record, cells, found, in_csv, defects)
    _check_fields(record, columns, unreadable, options, defects)
    crs = _header_crs(record, columns, defects)
    ignored = [
        f"{table.name + '!' if table.name else ''}{column_label(i, in_csv)} {str(cell).strip()}"
        for i, cell in enumerate(cells)
        if not c.blank(cell) and i not in found
    ]
    return SheetLayout(table, number, columns, crs or options.crs, ignored)


def _columns(
    record: str,
    cells: Sequence[Any],
    found: Mapping[int, tuple[Column, str | None]],
    in_csv: bool,
    defects: DefectCollector,
) -> tuple[Columns, set[str]]:
    """Each field's column (index, column, place), and the fields whose headers are unreadable."""
    columns: Columns = {}
    unreadable: set[str] = set()
    for index, (column, bracket) in found.items():
        place = ColumnPlace(column_label(index, in_csv), str(cells[index]).strip(), in_csv)
        try:
            column = _with_bracket(column, bracket)
        except c.CellError as error:
            defects.add(record, column.field, cell_message(place, error))
            unreadable.add(column.field)
            continue
        if column.field in columns:
            first = columns[column.field][2]
            defects.add(
                record,
                column.field,
                f"{first.zh()}与{place.zh()}表示同一字段，请只保留一列 / "
                f"{first.en()} and {place.en()} both give {column.field}: keep one",
            )
            continue
        columns[column.field] = (index, column, place)
    return columns, unreadable


def _check_fields(
    record: str,
    columns: Columns,
    unreadable: set[str],
    options: SheetOptions,
    defects: DefectCollector,
) -> None:
    """Report required fields without a column, and a window start without its end."""
    required = [f for f in REQUIRED_FIELDS if not (f == "stream" and options.default_stream)]
    for name in required:
        if name not in columns and name not in unreadable:
            names = "、".join(
                n for n, col in options.headers.items() if col.field == name and not n.isascii()
            )
            english = ", ".join(
                n for n, col in options.headers.items() if col.field == name and n.isascii()
            )
            defects.add(
                record,
                name,
                f"缺少列（可用表头：{names}） / column is missing (headers: {english})",
            )
    if ("window_start" in columns) != ("window_end" in columns):
        defects.add(
            record,
            "time_windows",
            "开始时间和结束时间两列须同时给出 / window_start and window_end come together",
        )


def _header_crs(record: str, columns: Columns, defects: DefectCollector) -> CoordinateSystem | None:
    """The coordinate system the coordinate headers name, if any; differing ones are reported."""
    lon_crs, lat_crs = (columns[a][1].crs if a in columns else None for a in ("lon", "lat"))
    if lon_crs and lat_crs and lon_crs is not lat_crs:
        defects.add(
            record,
            "crs",
            f"经度和纬度的坐标系不同（{lon_crs}、{lat_crs}） / "
            f"longitude and latitude name different systems ({lon_crs}, {lat_crs})",
        )
    return lon_crs or lat_crs


def _with_bracket(column: Column, bracket: str | None) -> Column:
    """The column with the unit or coordinate system its header's brackets state."""
    if bracket is None:
        return column
    if column.field in ("lon", "lat"):
        try:
            return Column(column.field, crs=parse_crs(bracket))
        except ValueError:
            raise c.CellError(
                f"表头中的坐标系「{bracket}」无法识别（可用 WGS84、GCJ-02、BD-09）",
                f"unknown coordinate system {bracket!r} in the header (use wgs84, gcj02, bd09)",
            ) from None
    units = _UNITS_OF.get(column.field)
    if units is None:
        return column  # brackets of other headers are remarks: 每日次数(次)
    if key(bracket) not in units:
        raise c.CellError(
            f"表头中的单位「{bracket}」无法识别（可用：{'、'.join(units)}）",
            f"unknown unit {bracket!r} in the header (use: {', '.join(units)})",
        )
    return Column(column.field, unit=bracket)


_UNITS_OF: Mapping[str, Sequence[str]] = {
    "amount": c.AMOUNT_UNITS,
    "amount_unit": c.AMOUNT_UNITS,
    "litres_per_day": c.VOLUME_OR_BIN_UNITS,
    "service": tuple(DURATION_UNITS),
}


def cell_message(place: ColumnPlace | None, error: c.CellError) -> str:
    """A bad cell's message, naming its column when known, in Chinese and English."""
    if place is None:
        return f"{error.zh} / {error.en}"
    return f"{place.zh()}：{error.zh} / {place.en()}: {error.en}"
