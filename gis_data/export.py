"""Collection points written back for a user's own maps: ``.xlsx``, ``.csv`` or ``.geojson``, in
WGS84, GCJ-02 or BD-09.

Sheets name their coordinate system in the coordinate headers (``经度(gcj02)``, ``lon (bd09)``),
so that :mod:`gis_data.sheets` reads them back to the same WGS84 positions without being told.
A GeoJSON file in GCJ-02 or BD-09 (which GeoJSON itself does not allow; Chinese web maps want it)
says so in a ``"coordinate_system"`` member; read it back with that ``crs``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gis_data.coords import CoordinateSystem, from_wgs84
from routing import fields as p
from routing.domain import CollectionPoint
from routing.errors import Defect, ProblemError
from routing.units import format_clock

#: Columns of an exported sheet: (header in .xlsx, header in .csv); the reader knows both.
COLUMNS = (
    ("编号", "id"),
    ("点位名称", "name"),
    ("经度", "lon"),
    ("纬度", "lat"),
    ("垃圾类型", "stream"),
    ("日产量(kg)", "kg_per_day"),
    ("日产体积(L)", "litres_per_day"),
    ("服务时间(秒)", "service_s"),
    ("作业时段", "time_windows"),
    ("每日次数", "visits_per_day"),
    ("车型限制", "max_size_class"),
    ("地址", "address"),
    ("备注", "note"),
)
POSITION_DIGITS = 7  # about 1 cm


def _windows(point: CollectionPoint) -> str:
    return ";".join(
        f"{format_clock(w.start_s)}-{format_clock(w.end_s)}" for w in point.time_windows
    )


def _row(point: CollectionPoint, crs: CoordinateSystem) -> list[Any]:
    lon, lat = from_wgs84(point.location.lon, point.location.lat, crs)
    return [
        point.id,
        point.name,
        round(lon, POSITION_DIGITS),
        round(lat, POSITION_DIGITS),
        p.enum_text(point.stream),
        point.kg_per_day,
        point.litres_per_day,
        point.service_s,
        _windows(point),
        point.visits_per_day,
        p.enum_text(point.max_size_class),
        point.address,
        point.note,
    ]


def _headers(crs: CoordinateSystem, *, chinese: bool) -> list[str]:
    names = [zh if chinese else en for zh, en in COLUMNS]
    return [
        f"{n}({crs})" if n in ("经度", "纬度") else f"{n} ({crs})" if n in ("lon", "lat") else n
        for n in names
    ]


def write_points(
    points: Sequence[CollectionPoint],
    path: str | os.PathLike[str],
    *,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> None:
    """Write ``points`` to ``path`` (``.xlsx``, ``.csv``, ``.geojson``/``.json``) in ``crs``.

    Raises
    ------
    ProblemError
        If the file type is not one of those.
    """
    target = Path(path)
    name = target.name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "点位"
        sheet.append(_headers(crs, chinese=True))
        for point in points:
            sheet.append(_row(point, crs))
        book.save(target)
    elif name.endswith(".csv"):
        with target.open("w", newline="", encoding="utf-8-sig") as stream:
            writer = csv.writer(stream)
            writer.writerow(_headers(crs, chinese=False))
            writer.writerows(_row(point, crs) for point in points)
    elif name.endswith((".geojson", ".json")):
        target.write_text(json.dumps(points_geojson(points, crs=crs), ensure_ascii=False))
    else:
        message = "has an unknown type: use .xlsx, .csv or .geojson"
        raise ProblemError([Defect(str(target), "file", message)], source=str(target))


def points_geojson(
    points: Sequence[CollectionPoint], *, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> dict[str, Any]:
    """A FeatureCollection of the points (positions in ``crs``), properties as the point file's."""
    features = []
    for point in points:
        row = dict(zip((en for _, en in COLUMNS), _row(point, crs), strict=True))
        lon, lat = row.pop("lon"), row.pop("lat")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "coordinate_system": str(crs), "features": features}
