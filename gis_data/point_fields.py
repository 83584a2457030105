"""One collection point from a point file's fields: the defaults and bounds every format shares.

The fields and their meaning are tabled in :mod:`gis_data.points`; the sheets
(:mod:`gis_data.sheets`), GeoJSON and OSM readers all turn their records into points here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from routing import fields as p
from routing.domain import CollectionPoint, Location, SizeClass, TimeWindow, WasteStream
from routing.errors import DefectCollector, FieldError, RecordError
from routing.units import CUBIC_METRE, DAY, round_int

#: Bulk density used when a file gives no litres: kg per cubic metre of waste as collected.
DENSITY_KG_PER_M3: Mapping[WasteStream, int] = {
    WasteStream.RESIDUAL: 200,
    WasteStream.KITCHEN: 700,
    WasteStream.RECYCLABLE: 100,
    WasteStream.BULKY: 150,
    WasteStream.NIGHT_SOIL: 1000,
    WasteStream.SPECIAL: 300,
}
DEFAULT_SERVICE_S = 120
#: The largest amount (kg, L, s) a point file may give: what a database ``integer`` holds, and
#: the API's bound on the same fields. A cell of 1e40 is named, not sent to the database.
MAX_AMOUNT = 2_000_000_000


def litres_for(stream: WasteStream, kg: int) -> int:
    """Litres of ``kg`` kilograms of ``stream`` at its :data:`DENSITY_KG_PER_M3`."""
    return round_int(kg * CUBIC_METRE / DENSITY_KG_PER_M3[stream])


def _amount(value: Any, name: str) -> int:
    number = p.number(value, name)
    if abs(number) > MAX_AMOUNT:
        raise FieldError(name, f"is {number:g}, above the largest amount {MAX_AMOUNT:,}")
    return round_int(number)


def _size(value: Any, name: str) -> SizeClass:
    return p.enum_value(SizeClass)(value.strip().lower() if isinstance(value, str) else value, name)


def _windows(value: Any, name: str) -> tuple[TimeWindow, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(";") if part.strip()]
    return p.windows(value, name)


def point_from_fields(raw: Mapping[str, Any]) -> CollectionPoint:
    """One collection point from typed fields (``lon``/``lat`` included); every bad field named.

    Raises
    ------
    FieldError
        Naming the bad field, or :class:`~routing.errors.RecordError` naming each of several.
    """
    f = p.Fields(raw)
    location = f.make(Location, f("lon", p.number), f("lat", p.number))
    stream = f("stream", p.enum_value(WasteStream))
    kg = f("kg_per_day", _amount)
    known = stream is not None and kg is not None and kg >= 0
    default_litres = litres_for(stream, kg) if known else 0
    return f.result(
        f.make(
            CollectionPoint,
            id=f("id", p.text),
            location=location,
            stream=stream,
            kg_per_day=kg,
            litres_per_day=f("litres_per_day", _amount, default_litres),
            service_s=f("service_s", _amount, DEFAULT_SERVICE_S),
            time_windows=f("time_windows", _windows, (TimeWindow(0, DAY),)),
            visits_per_day=f("visits_per_day", p.integer, 1),
            max_size_class=f("max_size_class", _size, SizeClass.HEAVY),
            name=f("name", p.text, ""),
            address=f("address", p.text, ""),
            note=f("note", p.text, ""),
        )
    )


def collect_points(
    records: list[tuple[str, Mapping[str, Any]]],
    defects: DefectCollector,
    source: str,
    *,
    explain: Callable[[str, str, str], str] | None = None,
) -> tuple[CollectionPoint, ...]:
    """The points of ``records`` (label, typed fields), ids unique; all or nothing.

    Every bad field and repeated id is added to ``defects`` (its message passed through
    ``explain(record, field, message)`` when given, e.g. to name a sheet's column), and then one
    :class:`~routing.errors.ProblemError` is raised for all of them.
    """
    points: list[CollectionPoint] = []
    first_seen: dict[str, str] = {}

    def add(record: str, field: str, message: str) -> None:
        defects.add(record, field, explain(record, field, message) if explain else message)

    for record, raw in records:
        try:
            point = point_from_fields(raw)
        except FieldError as error:
            for one in error.errors if isinstance(error, RecordError) else (error,):
                add(record, one.field, one.message)
            continue
        if point.id in first_seen:
            add(record, "id", f"repeats the id {point.id!r} of {first_seen[point.id]}")
            continue
        first_seen[point.id] = record
        points.append(point)
    defects.raise_if_any(source=source)
    return tuple(points)
