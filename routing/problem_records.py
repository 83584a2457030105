"""The records of a problem file in their JSON form (docs/problem-format.md), both ways.

Collection points, depots, facilities, vehicle types, vehicles, crews, shifts, zones and the rule
parameters: everything in a problem file but its format tag, its name and its travel section, which
:mod:`routing.problem_file` reads and writes around these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from routing import fields as p
from routing.domain import (
    BodyType,
    CollectionPoint,
    Depot,
    Facility,
    FacilityKind,
    Location,
    SizeClass,
    TimeWindow,
    WasteStream,
)
from routing.errors import DefectCollector, FieldError
from routing.fleet import Crew, RuleParameters, Shift, StreamRule, Vehicle, VehicleType, Zone
from routing.problem import ProblemParts
from routing.travel import TravelMatrix
from routing.units import format_clock

R = TypeVar("R")


@dataclass(slots=True)
class ProblemRecords:
    """The records of a problem file as read, not yet checked as a whole.

    A :class:`~routing.problem.ProblemParts`; :func:`records_from_dict` leaves ``travel`` empty
    for the reader of the travel section to fill.
    """

    points: tuple[CollectionPoint, ...] = ()
    depots: tuple[Depot, ...] = ()
    facilities: tuple[Facility, ...] = ()
    vehicle_types: tuple[VehicleType, ...] = ()
    vehicles: tuple[Vehicle, ...] = ()
    crews: tuple[Crew, ...] = ()
    shifts: tuple[Shift, ...] = ()
    travel: Mapping[str, TravelMatrix] = field(default_factory=dict)
    zones: tuple[Zone, ...] = ()
    rules: RuleParameters = field(default_factory=RuleParameters)


def records_from_dict(raw: Mapping[str, Any], defects: DefectCollector) -> ProblemRecords:
    """The records of a problem file's JSON object; every defect of every record goes to ``defects``.

    A record that cannot be read is left out; rule parameters that cannot be read are the defaults.
    """
    return ProblemRecords(
        points=_records(raw, "points", "collection point", _point, defects),
        depots=_records(raw, "depots", "depot", _depot, defects),
        facilities=_records(raw, "facilities", "facility", _facility, defects),
        vehicle_types=_records(raw, "vehicle_types", "vehicle type", _vehicle_type, defects),
        vehicles=_records(raw, "vehicles", "vehicle", _vehicle, defects),
        crews=_records(raw, "crews", "crew", _crew, defects),
        shifts=_records(raw, "shifts", "shift", _shift, defects),
        zones=_records(raw, "zones", "zone", _zone, defects),
        rules=_rules(raw.get("rules"), defects),
    )


def records_to_dict(problem: ProblemParts) -> dict[str, Any]:
    """The JSON form of ``problem``'s rules and records (the inverse of :func:`records_from_dict`).

    The sections come in the order problem files are written in; travel is not among them.
    """
    return {
        "rules": rules_to_dict(problem.rules),
        "shifts": [_shift_out(s) for s in problem.shifts],
        "depots": [_depot_out(d) for d in problem.depots],
        "facilities": [_facility_out(f) for f in problem.facilities],
        "points": [_point_out(c) for c in problem.points],
        "vehicle_types": [_vehicle_type_out(t) for t in problem.vehicle_types],
        "vehicles": [_vehicle_out(v) for v in problem.vehicles],
        "crews": [_crew_out(c) for c in problem.crews],
        "zones": [_zone_out(z) for z in problem.zones],
    }


def _location(f: p.Fields) -> Location:
    # A bad position is reported, and a stand-in lets the record's other fields be checked too.
    return f.make(Location, f("lon", p.number), f("lat", p.number)) or Location(0.0, 0.0)


def _point(raw: Mapping[str, Any]) -> CollectionPoint:
    f = p.Fields(raw)
    whole_day = (TimeWindow(0, 86400),)
    return f.result(
        f.make(
            CollectionPoint,
            id=f("id", p.text),
            location=_location(f),
            stream=f("stream", p.enum_value(WasteStream)),
            kg_per_day=f("kg_per_day", p.integer),
            litres_per_day=f("litres_per_day", p.integer, 0),
            service_s=f("service_s", p.integer),
            time_windows=f("time_windows", p.windows, whole_day),
            visits_per_day=f("visits_per_day", p.integer, 1),
            max_size_class=f("max_size_class", p.enum_value(SizeClass), SizeClass.HEAVY),
            name=f("name", p.text, ""),
            address=f("address", p.text, ""),
            note=f("note", p.text, ""),
        )
    )


def _depot(raw: Mapping[str, Any]) -> Depot:
    f = p.Fields(raw)
    return f.result(f.make(Depot, f("id", p.text), _location(f), f("name", p.text, "")))


def _facility(raw: Mapping[str, Any]) -> Facility:
    f = p.Fields(raw)
    return f.result(
        f.make(
            Facility,
            id=f("id", p.text),
            kind=f("kind", p.enum_value(FacilityKind)),
            location=_location(f),
            accepts=f("accepts", p.enum_set(WasteStream)),
            opening=f("opening", p.windows, (TimeWindow(0, 86400),)),
            tipping_s=f("tipping_s", p.integer, 600),
            daily_capacity_kg=f("daily_capacity_kg", p.integer, 10**9),
            storage_kg=f("storage_kg", p.integer, 0),
            container_kg=f("container_kg", p.integer, 0),
            initial_storage_kg=f("initial_storage_kg", p.integer, 0),
            name=f("name", p.text, ""),
        )
    )


def _vehicle_type(raw: Mapping[str, Any]) -> VehicleType:
    f = p.Fields(raw)
    return f.result(
        f.make(
            VehicleType,
            id=f("id", p.text),
            body=f("body", p.enum_value(BodyType)),
            sealed=f("sealed", p.boolean),
            capacity_kg=f("capacity_kg", p.integer),
            capacity_l=f("capacity_l", p.integer),
            size_class=f("size_class", p.enum_value(SizeClass)),
            cost_per_km_fen=f("cost_per_km_fen", p.integer, 600),
            cost_per_hour_fen=f("cost_per_hour_fen", p.integer, 8000),
            fuel_ml_per_km=f("fuel_ml_per_km", p.integer, 350),
            profile=f("profile", p.text, "default"),
            fixed_cost_fen=f("fixed_cost_fen", p.integer, 0),
            # None is "could not be read" to make(): absent limits are left out.
            **{name: f(name, p.integer) for name in DAILY_LIMITS if raw.get(name) is not None},
        )
    )


#: The daily limits of a vehicle type (DL), each absent when there is none.
DAILY_LIMITS = ("daily_kg", "daily_l", "daily_stops")


def _vehicle(raw: Mapping[str, Any]) -> Vehicle:
    f = p.Fields(raw)
    return f.result(
        f.make(
            Vehicle,
            id=f("id", p.text),
            type_id=f("type_id", p.text),
            depot_id=f("depot_id", p.text),
            name=f("name", p.text, ""),
        )
    )


def _crew(raw: Mapping[str, Any]) -> Crew:
    f = p.Fields(raw)
    defaults = Crew("_")
    return f.result(
        f.make(
            Crew,
            id=f("id", p.text),
            max_work_s=f("max_work_s", p.integer, defaults.max_work_s),
            break_s=f("break_s", p.integer, defaults.break_s),
            break_after_s=f("break_after_s", p.integer, defaults.break_after_s),
            available=f("available", p.window, defaults.available),
            name=f("name", p.text, ""),
            # None is "could not be read" to make(): an absent window is left out.
            **(
                {}
                if raw.get("break_window") is None
                else {"break_window": f("break_window", p.window)}
            ),
        )
    )


def _shift(raw: Mapping[str, Any]) -> Shift:
    f = p.Fields(raw)
    return f.result(
        f.make(Shift, f("id", p.text), f("start_s", p.clock_value), f("end_s", p.clock_value))
    )


def _ring(value: Any, name: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or not all(isinstance(c, list) and len(c) == 2 for c in value):
        raise FieldError(name, "must be a list of [lon, lat] pairs")
    return tuple((p.number(c[0], name), p.number(c[1], name)) for c in value)


def _zone(raw: Mapping[str, Any]) -> Zone:
    f = p.Fields(raw)
    return f.result(
        f.make(
            Zone,
            id=f("id", p.text),
            ring=f("ring", _ring),
            allowed_size_classes=f("allowed_size_classes", p.enum_set(SizeClass)),
            open_windows=f("open_windows", p.windows, (TimeWindow(0, 86400),)),
            name=f("name", p.text, ""),
        )
    )


def _stream_rule(raw: Mapping[str, Any]) -> StreamRule:
    f = p.Fields(raw)
    return f.result(
        f.make(
            StreamRule,
            f("stream", p.enum_value(WasteStream)),
            f("bodies", p.enum_set(BodyType)),
            f("sealed", p.boolean),
        )
    )


def _records(
    raw: Mapping[str, Any],
    key: str,
    kind: str,
    build: Callable[[Mapping[str, Any]], R],
    defects: DefectCollector,
) -> tuple[R, ...]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        defects.add("problem", key, "must be a list")
        return ()
    built: list[R] = []
    for number, item in enumerate(items):
        label = f"{kind} #{number + 1}"
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            label = f"{kind} {item['id']}"
        if not isinstance(item, Mapping):
            defects.add(label, key, "must be an object")
            continue
        try:
            built.append(build(item))
        except FieldError as error:
            defects.add_error(label, error)
    return tuple(built)


def _rules(raw: Any, defects: DefectCollector) -> RuleParameters:
    if raw is None:
        return RuleParameters()
    if not isinstance(raw, Mapping):
        defects.add("rules", "rules", "must be an object")
        return RuleParameters()
    defaults = RuleParameters()
    stream_rules = defaults.stream_rules
    if "stream_rules" in raw:
        stream_rules = _records(raw, "stream_rules", "stream rule", _stream_rule, defects)
    try:
        return RuleParameters(
            on_board_limit_s=p.get(raw, "on_board_limit_s", p.integer, defaults.on_board_limit_s),
            handover_s=p.get(raw, "handover_s", p.integer, defaults.handover_s),
            stream_rules=stream_rules,
            haul_body=p.get(raw, "haul_body", p.enum_value(BodyType), defaults.haul_body),
        )
    except FieldError as error:
        defects.add_error("rules", error)
        return defaults


def rules_from_dict(raw: Any, *, source: str = "rules") -> RuleParameters:
    """Rule parameters from their JSON form (a problem file's ``rules``); absent fields default.

    Raises
    ------
    ProblemError
        Listing every bad field and stream rule.
    """
    defects = DefectCollector()
    rules = _rules(raw, defects)
    defects.raise_if_any(source=source)
    return rules


def rules_to_dict(rules: RuleParameters) -> dict[str, Any]:
    """The JSON form of rule parameters (the inverse of :func:`rules_from_dict`)."""
    e = p.enum_text
    return {
        "on_board_limit_s": rules.on_board_limit_s,
        "handover_s": rules.handover_s,
        "haul_body": e(rules.haul_body),
        "stream_rules": [
            {"stream": e(r.stream), "bodies": sorted(map(e, r.bodies)), "sealed": r.sealed}
            for r in rules.stream_rules
        ],
    }


def _windows_out(windows: tuple[TimeWindow, ...]) -> list[str]:
    return [f"{format_clock(w.start_s)}-{format_clock(w.end_s)}" for w in windows]


def _shift_out(s: Shift) -> dict[str, Any]:
    return {"id": s.id, "start_s": format_clock(s.start_s), "end_s": format_clock(s.end_s)}


def _depot_out(d: Depot) -> dict[str, Any]:
    return {"id": d.id, "lon": d.location.lon, "lat": d.location.lat, "name": d.name}


def _facility_out(f: Facility) -> dict[str, Any]:
    e = p.enum_text
    return {
        "id": f.id,
        "kind": e(f.kind),
        "lon": f.location.lon,
        "lat": f.location.lat,
        "accepts": sorted(map(e, f.accepts)),
        "opening": _windows_out(f.opening),
        "tipping_s": f.tipping_s,
        "daily_capacity_kg": f.daily_capacity_kg,
        "storage_kg": f.storage_kg,
        "container_kg": f.container_kg,
        "initial_storage_kg": f.initial_storage_kg,
        "name": f.name,
    }


def _point_out(c: CollectionPoint) -> dict[str, Any]:
    e = p.enum_text
    return {
        "id": c.id,
        "lon": c.location.lon,
        "lat": c.location.lat,
        "stream": e(c.stream),
        "kg_per_day": c.kg_per_day,
        "litres_per_day": c.litres_per_day,
        "service_s": c.service_s,
        "time_windows": _windows_out(c.time_windows),
        "visits_per_day": c.visits_per_day,
        "max_size_class": e(c.max_size_class),
        "name": c.name,
        # Written when known: files of points without them read and write as before.
        **({"address": c.address} if c.address else {}),
        **({"note": c.note} if c.note else {}),
    }


def _vehicle_type_out(t: VehicleType) -> dict[str, Any]:
    e = p.enum_text
    return {
        "id": t.id,
        "body": e(t.body),
        "sealed": t.sealed,
        "capacity_kg": t.capacity_kg,
        "capacity_l": t.capacity_l,
        "size_class": e(t.size_class),
        "cost_per_km_fen": t.cost_per_km_fen,
        "cost_per_hour_fen": t.cost_per_hour_fen,
        "fuel_ml_per_km": t.fuel_ml_per_km,
        "profile": t.profile,
        **({"fixed_cost_fen": t.fixed_cost_fen} if t.fixed_cost_fen else {}),
        **{name: getattr(t, name) for name in DAILY_LIMITS if getattr(t, name) is not None},
    }


def _vehicle_out(v: Vehicle) -> dict[str, Any]:
    return {"id": v.id, "type_id": v.type_id, "depot_id": v.depot_id, "name": v.name}


def _crew_out(c: Crew) -> dict[str, Any]:
    return {
        "id": c.id,
        "max_work_s": c.max_work_s,
        "break_s": c.break_s,
        "break_after_s": c.break_after_s,
        "available": _windows_out((c.available,))[0],
        "name": c.name,
        **({} if c.break_window is None else {"break_window": _windows_out((c.break_window,))[0]}),
    }


def _zone_out(z: Zone) -> dict[str, Any]:
    e = p.enum_text
    return {
        "id": z.id,
        "ring": [list(corner) for corner in z.ring],
        "allowed_size_classes": sorted(map(e, z.allowed_size_classes)),
        "open_windows": _windows_out(z.open_windows),
        "name": z.name,
    }
