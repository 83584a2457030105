"""The ``[[changes]]`` tables of a scenario file, read into changes.

Each kind of change (``type``) has its fields and its reader; the places and facility figures
they share are read here for siting files too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from routing import fields as p
from routing.domain import FacilityKind, WasteStream
from routing.errors import FieldError
from routing.fleet import Shift
from scenarios.changes import Change, DemandChange, FleetChange, ShiftChange, growth_factor
from scenarios.facility_changes import (
    AddFacility,
    ChangeFacility,
    FacilityFigures,
    MoveFacility,
    Place,
    RemoveFacility,
)
from scenarios.table_reader import TableReader, non_negative_int, positive_number
from scenarios.toml_lines import Path as KeyPath


def _offset_km(value: Any, name: str) -> float:
    number = p.number(value, name)
    if abs(number) > 1000:
        raise FieldError(name, f"must be within ±1000 km, got {number:g}")
    return number


def _factor(value: Any, name: str) -> float:
    number = positive_number(value, name)
    if number > 10:
        raise FieldError(name, f"must be at most 10, got {number:g}")
    return number


def _growth(value: Any, name: str) -> float:
    number = p.number(value, name)
    if not -100 < number <= 900:
        raise FieldError(name, f"must be more than -100 and at most 900, got {number:g}")
    return number


#: The fields each kind of change (its ``type``) takes.
_PLACE = {"lon", "lat", "near", "east_km", "north_km"}
_FIGURES = {"name", "accepts", "opening", "tipping_min", "capacity_t", "storage_t", "container_t"}
FIELDS: dict[str, set[str]] = {
    "add-facility": {"type", "id", "kind", "like"} | _PLACE | _FIGURES,
    "remove-facility": {"type", "id"},
    "move-facility": {"type", "id"} | _PLACE,
    "change-facility": {"type", "id"} | _FIGURES,
    "fleet": {"type", "vehicle_type", "add", "remove", "count", "depot", "crews_per_vehicle"},
    "demand": {"type", "streams", "growth_pct", "factor"},
    "shifts": {"type", "shifts", "crew_max_work_h", "crew_break_after_h", "cap_visits"},
}


def read_place(r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str) -> Place | None:
    """A change's place (``near`` with offsets in km, or ``lon``/``lat``); None if missing or bad."""
    near = r.get(raw, path, label, "near", p.text, None)
    if near is not None:
        east = r.get(raw, path, label, "east_km", _offset_km, 0.0)
        north = r.get(raw, path, label, "north_km", _offset_km, 0.0)
        for name in ("lon", "lat"):
            if name in raw:
                r.add(
                    path, label, name, "give either lon and lat, or near (with east_km, north_km)"
                )
        return (
            None
            if east is None or north is None
            else Place(near=near, east_km=east, north_km=north)
        )
    lon = r.get(raw, path, label, "lon", p.number)
    lat = r.get(raw, path, label, "lat", p.number)
    if lon is None or lat is None:
        return None
    for name, value, limit in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        if not -limit <= value <= limit:
            r.add(path, label, name, f"must be within ±{limit:g}, got {value:g}")
            return None
    return Place(lon=lon, lat=lat)


def read_facility_figures(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str
) -> FacilityFigures:
    """A new facility's figures from its table (unset ones None)."""
    return FacilityFigures(
        name=r.get(raw, path, label, "name", p.text, None),
        accepts=r.get(raw, path, label, "accepts", p.enum_set(WasteStream), None),
        opening=r.get(raw, path, label, "opening", p.windows, None),
        tipping_min=r.get(raw, path, label, "tipping_min", positive_number, None),
        capacity_t=r.get(raw, path, label, "capacity_t", positive_number, None),
        storage_t=r.get(raw, path, label, "storage_t", positive_number, None),
        container_t=r.get(raw, path, label, "container_t", positive_number, None),
    )


def _shift_list(r: TableReader, raw: Any, path: KeyPath, label: str) -> tuple[Shift, ...] | None:
    if not isinstance(raw, list) or not raw:
        r.add(path[:-1], label, "shifts", "must be a non-empty list of {id, hours} tables")
        return None
    shifts: list[Shift] = []
    for i, item in enumerate(raw):
        where = (*path, i)
        item_label = f"{label} shifts[{i}]"
        table = r.table(item, where, item_label, {"id", "hours"})
        shift_id = r.get(table, where, item_label, "id", p.text)
        hours = r.get(table, where, item_label, "hours", p.window)
        if shift_id is None or hours is None:
            continue
        try:
            shifts.append(Shift(shift_id, hours.start_s, hours.end_s))
        except FieldError as error:
            r.add(where, item_label, "hours", f"{error.field} {error.message}")
    return tuple(shifts) if len(shifts) == len(raw) else None


#: Reads a change's table (checked against :data:`FIELDS`): reader, table, path, label, where.
ChangeReader = Callable[[TableReader, Mapping[str, Any], KeyPath, str, str], Change | None]


def _add_facility(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    facility_id = r.get(raw, path, label, "id", p.text)
    kind = r.get(
        raw, path, label, "kind", p.enum_value(FacilityKind), FacilityKind.TRANSFER_STATION
    )
    place = read_place(r, raw, path, label)
    like = r.get(raw, path, label, "like", p.text, None)
    figures = read_facility_figures(r, raw, path, label)
    if place is None or kind is None:
        return None
    return AddFacility(facility_id, kind, place, figures, like, where=where)


def _remove_facility(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    return RemoveFacility(r.get(raw, path, label, "id", p.text), where=where)


def _move_facility(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    facility_id = r.get(raw, path, label, "id", p.text)
    place = read_place(r, raw, path, label)
    return MoveFacility(facility_id, place, where=where) if place else None


def _change_facility(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    facility_id = r.get(raw, path, label, "id", p.text)
    return ChangeFacility(facility_id, read_facility_figures(r, raw, path, label), where=where)


def _fleet(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    counts = [name for name in ("add", "remove", "count") if name in raw]
    if len(counts) != 1:
        r.add(path, label, "add", "give exactly one of add, remove or count")
    return FleetChange(
        vehicle_type=r.get(raw, path, label, "vehicle_type", p.text),
        add=r.get(raw, path, label, "add", non_negative_int, 0),
        remove=r.get(raw, path, label, "remove", non_negative_int, 0),
        count=r.get(raw, path, label, "count", non_negative_int, None),
        depot=r.get(raw, path, label, "depot", p.text, None),
        crews_per_vehicle=r.get(raw, path, label, "crews_per_vehicle", non_negative_int, None),
        where=where,
    )


def _demand(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    if ("growth_pct" in raw) == ("factor" in raw):
        r.add(path, label, "growth_pct", "give exactly one of growth_pct or factor")
    factor = r.get(raw, path, label, "factor", _factor, None)
    growth = r.get(raw, path, label, "growth_pct", _growth, None)
    if growth is not None:
        try:
            factor = growth_factor(growth)
        except FieldError as error:
            r.add(path, label, error.field, error.message)
    streams = r.get(raw, path, label, "streams", p.enum_set(WasteStream), frozenset())
    return DemandChange(factor, streams, where=where) if factor is not None else None


def _shifts(
    r: TableReader, raw: Mapping[str, Any], path: KeyPath, label: str, where: str
) -> Change | None:
    shifts = _shift_list(r, raw.get("shifts"), (*path, "shifts"), label)
    max_work = r.get(raw, path, label, "crew_max_work_h", positive_number, None)
    break_after = r.get(raw, path, label, "crew_break_after_h", positive_number, None)
    cap = r.get(raw, path, label, "cap_visits", p.boolean, False)
    if shifts is None:
        return None
    return ShiftChange(shifts, max_work, break_after, bool(cap), where=where)


#: The reader of each kind of change (its ``type``).
READERS: dict[str, ChangeReader] = {
    "add-facility": _add_facility,
    "remove-facility": _remove_facility,
    "move-facility": _move_facility,
    "change-facility": _change_facility,
    "fleet": _fleet,
    "demand": _demand,
    "shifts": _shifts,
}


def read_change(r: TableReader, raw: Any, index: int) -> Change | None:
    """The change of the table ``changes[index]``; None (its defects added to ``r``) if bad."""
    path: KeyPath = ("changes", index)
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    label = f"changes[{index}] ({kind})" if isinstance(kind, str) else f"changes[{index}]"
    if not isinstance(kind, str) or kind not in FIELDS:  # a list or table is no type
        r.add(path, label, "type", f"{kind!r} is not one of: {', '.join(FIELDS)}")
        return None
    table = r.table(raw, path, label, FIELDS[kind])
    before = len(r.defects.defects)
    change = READERS[kind](r, table, path, label, r.where(path, label))
    return change if len(r.defects.defects) == before else None
