"""A point sheet's rows: each row's fields in the units and values of :mod:`gis_data.points`,
and a point's field errors named by the column they came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gis_data import cells as c
from gis_data.coords import to_wgs84
from gis_data.point_fields import DENSITY_KG_PER_M3
from gis_data.sheet_header import SheetLayout, cell_message
from gis_data.sheet_options import SheetOptions
from routing.domain import WasteStream
from routing.errors import DefectCollector

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


@dataclass(frozen=True, slots=True)
class _Row:
    """One row's cells by field; a cell that cannot be read is a defect of ``record``."""

    record: str
    layout: SheetLayout
    cells: Sequence[Any]
    defects: DefectCollector

    def cell(self, name: str) -> Any:
        found = self.layout.columns.get(name)
        if found is None or found[0] >= len(self.cells):
            return None
        value = self.cells[found[0]]
        return None if c.blank(value) else value

    def unit_of(self, name: str) -> str | None:
        found = self.layout.columns.get(name)
        return found[1].unit if found else None

    def parse(self, target: str, source: str, convert: Any, *args: Any) -> Any:
        """``convert`` of the ``source`` column's cell, or ``target``'s stand-in if it fails."""
        try:
            return convert(self.cell(source), *args)
        except c.CellError as error:
            self.defects.add(self.record, target, cell_message(self.layout.place(source), error))
            return _STAND_IN.get(target)


def row_fields(
    record: str,
    number: int,
    layout: SheetLayout,
    cells: Sequence[Any],
    options: SheetOptions,
    defects: DefectCollector,
) -> dict[str, Any]:
    """The point's fields from one row, in the units and values of :mod:`gis_data.points`."""
    row = _Row(record, layout, cells, defects)
    parse = row.parse
    table = layout.table.name
    fields: dict[str, Any] = {
        "id": parse("id", "id", c.text) or (f"{table}-{number}" if table else f"row-{number}"),
        "name": parse("name", "name", c.text),
        "address": parse("address", "address", c.text),
        "note": parse("note", "note", c.text),
        "lon": parse("lon", "lon", c.coordinate),
        "lat": parse("lat", "lat", c.coordinate),
        "stream": parse("stream", "stream", c.stream, options.streams),
        "litres_per_day": parse(
            "litres_per_day",
            "litres_per_day",
            c.litres,
            row.unit_of("litres_per_day"),
            options.bin_litres,
        ),
        "service_s": parse("service_s", "service", c.duration, row.unit_of("service")),
        "visits_per_day": parse("visits_per_day", "visits_per_day", c.visits),
        "max_size_class": parse("max_size_class", "max_size_class", c.size, options.sizes),
    }
    lon, lat = fields["lon"], fields["lat"]
    if c.finite(lon) and c.finite(lat) and abs(lon) <= 180 and abs(lat) <= 90:
        fields["lon"], fields["lat"] = to_wgs84(lon, lat, layout.crs)
    if "stream" not in layout.columns and options.default_stream is not None:
        fields["stream"] = options.default_stream.value
    kg, litres = _amount(row, fields["stream"], options)
    fields["kg_per_day"] = 0 if kg is None and litres is not None else kg  # no stream: reported
    if fields["litres_per_day"] is None:
        fields["litres_per_day"] = litres
    if "time_windows" in layout.columns or "window_start" in layout.columns:
        fields["time_windows"] = _windows(row)
    return {name: value for name, value in fields.items() if value is not None}


def _amount(row: _Row, stream: Any, options: SheetOptions) -> tuple[float | None, float | None]:
    """Kilograms and litres a day of the row's amount, in the unit its cell, unit column or
    header states; (0, None) when that cannot be read."""
    density = DENSITY_KG_PER_M3[WasteStream(stream)] if stream in _STREAM_VALUES else None
    unit_cell = row.parse("kg_per_day", "amount_unit", c.text)
    unit = unit_cell or row.unit_of("amount")
    try:
        return c.amount(row.cell("amount"), unit, density, options.bin_litres)
    except c.CellError as error:
        # A unit from the row's unit column is named there; one from the header or cell, here.
        unit_column = error.given_unit and row.layout.place("amount_unit") and unit_cell
        place = row.layout.place("amount_unit" if unit_column else "amount")
        row.defects.add(row.record, "kg_per_day", cell_message(place, error))
        return 0, None


def _windows(row: _Row) -> Any:
    """The row's time windows: one column of windows, or start and end columns."""
    if "time_windows" in row.layout.columns:
        return row.parse("time_windows", "time_windows", c.windows)
    start = row.parse("time_windows", "window_start", c.clock_cell)
    end = row.parse("time_windows", "window_end", c.clock_cell)
    return f"{start}-{end}" if start and end else None


_STREAM_VALUES = frozenset(s.value for s in WasteStream)


def explained(layout: SheetLayout, name: str, message: str) -> str:
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
