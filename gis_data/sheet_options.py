"""How to read a point sheet (:mod:`gis_data.sheets`): its options, and the workbook suffixes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gis_data.coords import CoordinateSystem
from gis_data.headers import HEADER_ALIASES, SIZE_ALIASES, STREAM_ALIASES, Column
from routing.domain import SizeClass, WasteStream

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
