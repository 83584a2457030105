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

The file's tables are read in :mod:`gis_data.sheet_files`, the header row in
:mod:`gis_data.sheet_header` and each row in :mod:`gis_data.sheet_rows`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gis_data import cells as c
from gis_data.headers import key
from gis_data.point_fields import collect_points
from gis_data.sheet_files import SheetTable, read_tables
from gis_data.sheet_header import SheetLayout, find_header, no_header, row_record
from gis_data.sheet_options import SHEET_SUFFIXES, SheetOptions
from gis_data.sheet_rows import explained, row_fields
from routing.domain import CollectionPoint
from routing.errors import DefectCollector

# The options are importable from here, with the reader they steer.
__all__ = ["SHEET_SUFFIXES", "PointTable", "SheetOptions", "read_point_table"]


@dataclass(frozen=True, slots=True)
class PointTable:
    """What a sheet import gave: the points (WGS84) and how the file was read."""

    points: tuple[CollectionPoint, ...]
    sheets: tuple[str, ...]
    skipped_sheets: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    crs_by_sheet: Mapping[str, str]


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
    tables = read_tables(source, options)
    headers = {key(name): column for name, column in options.headers.items()}
    layouts: list[SheetLayout] = []
    skipped: list[str] = []
    for table in tables:
        layout = find_header(table, headers, options, defects)
        if layout is None:
            if table.name is None or options.sheet is not None:
                no_header(table, options, defects)
            else:
                skipped.append(table.name)
            continue
        layouts.append(layout)
    if not layouts and not defects.defects:
        no_header(SheetTable(None, []), options, defects)
    defects.raise_if_any(source=str(source))

    records: list[tuple[str, Mapping[str, Any]]] = []
    where: dict[str, SheetLayout] = {}
    for layout in layouts:
        for number, cells in layout.table.rows:
            if number <= layout.header_row or all(c.blank(value) for value in cells):
                continue
            record = row_record(layout.table, number)
            where[record] = layout
            records.append((record, row_fields(record, number, layout, cells, options, defects)))

    def explain(record: str, name: str, message: str) -> str:
        return explained(where[record], name, message)

    points = collect_points(records, defects, str(source), explain=explain)
    return PointTable(
        points=points,
        sheets=tuple(layout.table.name or source.name for layout in layouts),
        skipped_sheets=tuple(skipped),
        ignored_columns=tuple(column for layout in layouts for column in layout.ignored),
        crs_by_sheet={layout.table.name or source.name: str(layout.crs) for layout in layouts},
    )
