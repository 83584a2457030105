"""Collection points from spreadsheets: ``.xlsx`` workbooks and ``.csv`` files, Chinese or English.

A sanitation department keeps its points in a sheet such as::

    点位名称 | 经度        | 纬度       | 垃圾类型 | 日产量 | 单位 | 服务时间(分钟) | 作业时段                  | 每日次数
    菜市场   | 120.1304 | 36.0905 | 厨余垃圾 | 1.2    | 吨   | 5              | 05:00-07:00               | 2
    …

Headers are looked up in :data:`gis_data.headers.HEADER_ALIASES` (docs/point-sheets.md lists them);
the header row is found among a sheet's first rows (a title row above it is fine). Amounts need a
unit — in the header (``日产量(吨)``), in a unit column, or in the cell (``1.2吨``): kg, 吨, 斤, L,
m³, or 桶 (bins of :attr:`SheetOptions.bin_litres`); volumes become kilograms by the stream's
density. Coordinates are in the file's declared system (:attr:`SheetOptions.crs`) unless the
coordinate headers name their own (``高德经度``, ``经度(BD-09)``), and are converted to WGS84.

Every sheet of a workbook that has a header row with longitude and latitude is read (or only
:attr:`SheetOptions.sheet`). Every bad cell of every sheet is reported in one
:class:`~routing.errors.ProblemError`, naming the sheet, row and column, in Chinese and English;
then nothing is imported.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gis_data import cells as c
from gis_data.coords import CoordinateSystem, parse_crs, to_wgs84
from gis_data.headers import (
    DURATION_UNITS,
    HEADER_ALIASES,
    REQUIRED_FIELDS,
    SIZE_ALIASES,
    STREAM_ALIASES,
    Column,
    key,
    split_header,
)
from gis_data.point_fields import DENSITY_KG_PER_M3, collect_points
from routing.domain import CollectionPoint, SizeClass, WasteStream
from routing.errors import Defect, DefectCollector, ProblemError

SHEET_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """How to read a point sheet.

    Parameters
    ----------
    crs
        Coordinate system of the file's coordinates (a coordinate header may name its own).
    sheet
        Read only this worksheet of a workbook; by default every sheet with a header row.
    bin_litres
        Litres in one bin (桶) when amounts are counted in bins.
    default_stream
        Stream of every point when the sheet has no stream column.
    headers, streams, sizes
        The header, stream and vehicle-size tables (:mod:`gis_data.headers`), to extend.
    header_search_rows
        How many rows from the top may hold the header row.
    """

    crs: CoordinateSystem = CoordinateSystem.WGS84
    sheet: str | None = None
    bin_litres: float = 240.0
    default_stream: WasteStream | None = None
    headers: Mapping[str, Column] = field(default_factory=lambda: HEADER_ALIASES)
    streams: Mapping[str, WasteStream] = field(default_factory=lambda: STREAM_ALIASES)
    sizes: Mapping[str, SizeClass] = field(default_factory=lambda: SIZE_ALIASES)
    header_search_rows: int = 10


@dataclass(frozen=True, slots=True)
class PointTable:
    """What a sheet import gave: the points (WGS84) and how the file was read."""

    points: tuple[CollectionPoint, ...]
    sheets: tuple[str, ...]
    skipped_sheets: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    crs_by_sheet: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Table:
    name: str | None  # the worksheet; None for a CSV file
    rows: list[tuple[int, Sequence[Any]]]  # (row number from 1, cells)


@dataclass(frozen=True, slots=True)
class _Place:
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


@dataclass(slots=True)
class _Layout:
    table: _Table
    header_row: int
    columns: dict[str, tuple[int, Column, _Place]]
    crs: CoordinateSystem
    ignored: list[str]

    def place(self, name: str) -> _Place | None:
        found = self.columns.get(name)
        return found[2] if found else None


def read_point_table(
    path: str | os.PathLike[str], options: SheetOptions | None = None
) -> PointTable:
    """Collection points from an ``.xlsx`` workbook or a ``.csv`` file (see the module).

    Raises
    ------
    ProblemError
        Naming every bad header and cell (sheet, row, column; Chinese and English); nothing is
        returned then.
    """
    options = options or SheetOptions()
    source = Path(path)
    defects = DefectCollector()
    tables = _read_tables(source, options)
    headers = {key(name): column for name, column in options.headers.items()}
    layouts: list[_Layout] = []
    skipped: list[str] = []
    for table in tables:
        layout = _find_header(table, headers, options, defects)
        if layout is None:
            if table.name is None or options.sheet is not None:
                _no_header(table, options, defects)
            else:
                skipped.append(table.name)
            continue
        layouts.append(layout)
    if not layouts and not defects.defects:
        _no_header(_Table(None, []), options, defects)
    defects.raise_if_any(source=str(source))

    records: list[tuple[str, Mapping[str, Any]]] = []
    where: dict[str, _Layout] = {}
    for layout in layouts:
        for number, cells in layout.table.rows:
            if number <= layout.header_row or all(c.blank(value) for value in cells):
                continue
            record = _record(layout.table, number)
            where[record] = layout
            records.append((record, _row_fields(record, number, layout, cells, options, defects)))

    def explain(record: str, name: str, message: str) -> str:
        return _explained(where[record], name, message)

    points = collect_points(records, defects, str(source), explain=explain)
    return PointTable(
        points=points,
        sheets=tuple(layout.table.name or source.name for layout in layouts),
        skipped_sheets=tuple(skipped),
        ignored_columns=tuple(column for layout in layouts for column in layout.ignored),
        crs_by_sheet={layout.table.name or source.name: str(layout.crs) for layout in layouts},
    )


# --- reading the file -----------------------------------------------------------------------


def _read_tables(source: Path, options: SheetOptions) -> list[_Table]:
    if not source.is_file():
        _fail(source, "文件不存在", "no such file")
    if source.name.lower().endswith(SHEET_SUFFIXES):
        return _workbook_tables(source, options)
    return [_Table(None, list(_csv_rows(source)))]


def _workbook_tables(source: Path, options: SheetOptions) -> list[_Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        _fail(
            source,
            f"不是可读的 Excel 工作簿：{error}",
            f"is not a readable .xlsx workbook: {error}",
        )
    try:
        names = list(book.sheetnames)
        if options.sheet is not None and options.sheet not in names:
            _fail(
                source,
                f"没有名为「{options.sheet}」的工作表（有：{'、'.join(names)}）",
                f"has no sheet {options.sheet!r} (sheets: {', '.join(names)})",
            )
        wanted = [options.sheet] if options.sheet is not None else names
        return [
            _Table(name, list(enumerate(book[name].iter_rows(min_row=1, values_only=True), 1)))
            for name in wanted
        ]
    finally:
        book.close()


def _csv_rows(source: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    data = source.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # Excel in China saves CSV as GBK
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def _fail(source: Path, zh: str, en: str) -> None:
    raise ProblemError([Defect(str(source), "file", f"{zh} / {en}")], source=str(source))


# --- the header row -------------------------------------------------------------------------


def _record(table: _Table, number: int) -> str:
    if table.name is None:
        return f"第 {number} 行 / row {number}"
    return f"工作表「{table.name}」第 {number} 行 / sheet {table.name} row {number}"


def _column_label(index: int, in_csv: bool) -> str:
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


def _find_header(
    table: _Table,
    headers: Mapping[str, Column],
    options: SheetOptions,
    defects: DefectCollector,
) -> _Layout | None:
    for number, cells in table.rows[: options.header_search_rows]:
        found = {
            i: hit
            for i, cell in enumerate(cells)
            if isinstance(cell, str) and (hit := _lookup(cell, headers)) is not None
        }
        if {"lon", "lat"} <= {column.field for column, _ in found.values()}:
            return _layout(table, number, cells, found, options, defects)
    return None


def _no_header(table: _Table, options: SheetOptions, defects: DefectCollector) -> None:
    where = f"工作表「{table.name}」 / sheet {table.name}" if table.name else "文件 / file"
    rows = options.header_search_rows
    defects.add(
        where,
        "header",
        f"前 {rows} 行中没有含「经度」和「纬度」的表头行 / "
        f"no header row with longitude (经度/lon) and latitude (纬度/lat) in the first {rows} rows",
    )


def _layout(
    table: _Table,
    number: int,
    cells: Sequence[Any],
    found: Mapping[int, tuple[Column, str | None]],
    options: SheetOptions,
    defects: DefectCollector,
) -> _Layout:
    in_csv = table.name is None
    record = _record(table, number) + "（表头） (header)"
    columns: dict[str, tuple[int, Column, _Place]] = {}
    unreadable: set[str] = set()
    for index, (column, bracket) in found.items():
        place = _Place(_column_label(index, in_csv), str(cells[index]).strip(), in_csv)
        try:
            column = _with_bracket(column, bracket)
        except c.CellError as error:
            defects.add(record, column.field, _message(place, error))
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
    lon_crs, lat_crs = (columns[a][1].crs if a in columns else None for a in ("lon", "lat"))
    if lon_crs and lat_crs and lon_crs is not lat_crs:
        defects.add(
            record,
            "crs",
            f"经度和纬度的坐标系不同（{lon_crs}、{lat_crs}） / "
            f"longitude and latitude name different systems ({lon_crs}, {lat_crs})",
        )
    ignored = [
        f"{table.name + '!' if table.name else ''}{_column_label(i, in_csv)} {str(cell).strip()}"
        for i, cell in enumerate(cells)
        if not c.blank(cell) and i not in found
    ]
    crs = lon_crs or lat_crs or options.crs
    return _Layout(table, number, columns, crs, ignored)


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


# --- one row ---------------------------------------------------------------------------------

#: Stand-ins for cells that could not be read, so that the row's other fields are still checked.
_STAND_IN: Mapping[str, Any] = {
    "lon": 0.0,
    "lat": 0.0,
    "stream": "residual",
    "kg_per_day": 0,
    "litres_per_day": 0,
    "service_s": 0,
    "visits_per_day": 1,
}

#: Which sheet field a point's field is read from (for naming the column in errors).
_SOURCE_FIELD: Mapping[str, tuple[str, ...]] = {
    "kg_per_day": ("amount",),
    "litres_per_day": ("litres_per_day", "amount"),
    "service_s": ("service",),
    "time_windows": ("time_windows", "window_start"),
}


def _message(place: _Place | None, error: c.CellError) -> str:
    if place is None:
        return f"{error.zh} / {error.en}"
    return f"{place.zh()}：{error.zh} / {place.en()}: {error.en}"


def _row_fields(
    record: str,
    number: int,
    layout: _Layout,
    cells: Sequence[Any],
    options: SheetOptions,
    defects: DefectCollector,
) -> dict[str, Any]:
    """The point's fields from one row, in the units and values of :mod:`gis_data.points`."""

    def cell(name: str) -> Any:
        found = layout.columns.get(name)
        if found is None or found[0] >= len(cells):
            return None
        value = cells[found[0]]
        return None if c.blank(value) else value

    def unit_of(name: str) -> str | None:
        found = layout.columns.get(name)
        return found[1].unit if found else None

    def parse(target: str, source: str, convert: Any, *args: Any) -> Any:
        try:
            return convert(cell(source), *args)
        except c.CellError as error:
            defects.add(record, target, _message(layout.place(source), error))
            return _STAND_IN.get(target)

    table = layout.table.name
    fields: dict[str, Any] = {
        "id": parse("id", "id", c.text) or (f"{table}-{number}" if table else f"row-{number}"),
        "name": parse("name", "name", c.text),
        "lon": parse("lon", "lon", c.coordinate),
        "lat": parse("lat", "lat", c.coordinate),
        "stream": parse("stream", "stream", c.stream, options.streams),
        "litres_per_day": parse(
            "litres_per_day",
            "litres_per_day",
            c.litres,
            unit_of("litres_per_day"),
            options.bin_litres,
        ),
        "service_s": parse("service_s", "service", c.duration, unit_of("service")),
        "visits_per_day": parse("visits_per_day", "visits_per_day", c.visits),
        "max_size_class": parse("max_size_class", "max_size_class", c.size, options.sizes),
    }
    lon, lat = fields["lon"], fields["lat"]
    if c.finite(lon) and c.finite(lat) and abs(lon) <= 180 and abs(lat) <= 90:
        fields["lon"], fields["lat"] = to_wgs84(lon, lat, layout.crs)
    if "stream" not in layout.columns and options.default_stream is not None:
        fields["stream"] = options.default_stream.value
    stream = fields["stream"]
    density = DENSITY_KG_PER_M3[WasteStream(stream)] if stream in _STREAM_VALUES else None
    unit_cell = parse("kg_per_day", "amount_unit", c.text)
    unit = unit_cell or unit_of("amount")
    try:
        kg, litres = c.amount(cell("amount"), unit, density, options.bin_litres)
    except c.CellError as error:
        # A unit from the row's unit column is named there; one from the header or cell, here.
        unit_column = error.given_unit and layout.place("amount_unit") and unit_cell
        place = layout.place("amount_unit" if unit_column else "amount")
        defects.add(record, "kg_per_day", _message(place, error))
        kg, litres = 0, None
    fields["kg_per_day"] = 0 if kg is None and litres is not None else kg  # no stream: reported
    if fields["litres_per_day"] is None:
        fields["litres_per_day"] = litres
    if "time_windows" in layout.columns:
        fields["time_windows"] = parse("time_windows", "time_windows", c.windows)
    elif "window_start" in layout.columns:
        start = parse("time_windows", "window_start", c.clock_cell)
        end = parse("time_windows", "window_end", c.clock_cell)
        fields["time_windows"] = f"{start}-{end}" if start and end else None
    return {name: value for name, value in fields.items() if value is not None}


_STREAM_VALUES = frozenset(s.value for s in WasteStream)


def _explained(layout: _Layout, name: str, message: str) -> str:
    """A point's field error, naming the column it came from, in Chinese and English."""
    zh = next((hint for text, hint in _ZH_HINTS if text in message), "取值无效")
    for source in _SOURCE_FIELD.get(name, (name,)):
        place = layout.place(source)
        if place is not None:
            return f"{place.zh()}：{zh} / {place.en()}: {message}"
    return f"{zh} / {message}"


_ZH_HINTS = (
    ("is required", "必填"),
    ("repeats the id", "编号与前面的行重复"),
    ("must be within", "超出取值范围"),
    ("must be a number", "必须是数字"),
    ("must be an integer", "必须是整数"),
    ("must be 0 or more", "不能为负数"),
    ("must be more than 0", "必须大于 0"),
    ("must be at most 3", "每日最多 3 次（每班一次）"),
    ("must not overlap", "时段不能重叠"),
    ("not a window", "不是有效时段（应为 07:00-11:00）"),
    ("is not one of", "不是可用的取值"),
    ("must not be before", "结束时间早于开始时间"),
    ("after 24:00", "晚于 24:00"),
    ("above 59", "分钟或秒超过 59"),
    ("not a clock time", "不是有效时间"),
)
