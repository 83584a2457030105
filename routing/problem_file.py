"""The problem file: a documented JSON form of :class:`~routing.problem.Problem` (docs/problem-format.md).

Reading gathers every defect of every record, then every broken cross-reference, into one
:class:`~routing.errors.ProblemError` naming each record and field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
from routing.errors import DefectCollector, FieldError, ProblemError
from routing.fleet import Crew, RuleParameters, Shift, StreamRule, Vehicle, VehicleType, Zone
from routing.problem import Problem, check_references, locations_by_id, profile_locations
from routing.travel import TravelMatrix, matrix_from_rows, straight_line_matrix
from routing.travel_estimate import estimated_matrix_from_spec
from routing.units import format_clock

FORMAT = "huanwei-problem/1"
R = TypeVar("R")


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
        )
    )


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


def _travel(
    raw: Any,
    all_locations: Mapping[str, Location],
    needed: Mapping[str, Sequence[str]],
    zones: tuple[Zone, ...],
    defects: DefectCollector,
    base_dir: Path | None,
) -> dict[str, TravelMatrix]:
    # A computed matrix covers what its profile's vehicles may visit (profile_locations); a
    # profile no vehicle type names covers every location.
    if not isinstance(raw, Mapping) or not raw:
        defects.add("problem", "travel", "must name at least one travel profile")
        return {}
    matrices: dict[str, TravelMatrix] = {}
    for profile, spec in raw.items():
        label = f"travel profile {profile}"
        ids = needed.get(profile, tuple(all_locations))
        locations = {i: all_locations[i] for i in ids if i in all_locations}
        try:
            if not isinstance(spec, Mapping):
                raise FieldError("travel", "must be an object")
            method = p.get(spec, "method", p.text)
            if method == "straight-line":
                matrices[profile] = straight_line_matrix(
                    locations,
                    profile=profile,
                    speed_kmh=p.get(spec, "speed_kmh", p.number, 25.0),
                    detour_factor=p.get(spec, "detour_factor", p.number, 1.3),
                )
            elif method == "estimated":
                matrices[profile] = estimated_matrix_from_spec(profile, spec, locations)
            elif method == "given":
                matrices[profile] = matrix_from_rows(
                    profile,
                    p.get(spec, "location_ids", _text_list),
                    p.get(spec, "distance_m", _rows),
                    p.get(spec, "time_s", _rows),
                )
            elif method == "road":
                from routing.network.spec import road_matrix_from_spec

                matrices[profile] = road_matrix_from_spec(
                    profile, spec, locations, zones, base_dir=base_dir
                )
            else:
                known = "straight-line, estimated, given, road"
                raise FieldError("method", f"{method!r} is not one of: {known}")
        except FieldError as error:
            defects.add_error(label, error)
        except ProblemError as error:  # the road network's own file or snapping
            for d in error.defects:
                defects.add(label, d.field, f"{d.record}: {d.message}")
    return matrices


def _text_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(name, "must be a list of texts")
    return value


def _rows(value: Any, name: str) -> list[list[float]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise FieldError(name, "must be a list of rows")
    return [[p.number(v, name) for v in row] for row in value]


@dataclass(slots=True)
class _Parts:
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


def problem_from_dict(
    raw: Any, *, source: str = "problem", base_dir: Path | None = None
) -> Problem:
    """Build a :class:`Problem` from its JSON form; every defect is reported at once.

    ``base_dir`` is where relative paths in the file (a road profile's OSM file) start.

    Raises
    ------
    ProblemError
        Listing every bad record and field, and every broken cross-reference.
    """
    defects = DefectCollector()
    if not isinstance(raw, Mapping):
        defects.add("problem", "format", "the file must hold one JSON object")
        defects.raise_if_any(source=source)
        raise AssertionError  # unreachable: raise_if_any raised
    if raw.get("format", FORMAT) != FORMAT:
        defects.add("problem", "format", f"is {raw.get('format')!r}; expected {FORMAT!r}")
    parts = _Parts(
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
    locations = locations_by_id(parts.points, parts.depots, parts.facilities)
    needed = profile_locations(
        parts.points, parts.depots, parts.facilities, parts.vehicle_types, parts.rules
    )
    parts.travel = _travel(raw.get("travel"), locations, needed, parts.zones, defects, base_dir)
    check_references(parts, defects)
    defects.raise_if_any(source=source)
    name = str(raw["name"]) if isinstance(raw.get("name"), str) else Path(source).stem
    return Problem.from_parts(name, parts)


def read_problem(path: str | Path) -> Problem:
    """Read a problem file (JSON); errors name the file, each record and each field."""
    path = Path(path)
    raw = p.read_json(path, kind=ProblemError)
    return problem_from_dict(raw, source=str(path), base_dir=path.parent)


def _windows_out(windows: tuple[TimeWindow, ...]) -> list[str]:
    return [f"{format_clock(w.start_s)}-{format_clock(w.end_s)}" for w in windows]


def _matrix_out(matrix: TravelMatrix) -> dict[str, Any]:
    return {
        "method": "given",
        "location_ids": list(matrix.location_ids),
        "distance_m": matrix.distance_m.tolist(),
        "time_s": matrix.time_s.tolist(),
    }


def problem_to_dict(
    problem: Problem, *, travel: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The JSON form of ``problem``.

    Parameters
    ----------
    travel
        How to write the travel section, per profile (e.g. ``{"method": "straight-line", ...}``);
        by default every matrix is written out in full (``"given"``).
    """
    e = p.enum_text
    return {
        "format": FORMAT,
        "name": problem.name,
        "rules": rules_to_dict(problem.rules),
        "shifts": [
            {"id": s.id, "start_s": format_clock(s.start_s), "end_s": format_clock(s.end_s)}
            for s in problem.shifts
        ],
        "depots": [
            {"id": d.id, "lon": d.location.lon, "lat": d.location.lat, "name": d.name}
            for d in problem.depots
        ],
        "facilities": [
            {
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
            for f in problem.facilities
        ],
        "points": [
            {
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
            }
            for c in problem.points
        ],
        "vehicle_types": [
            {
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
            }
            for t in problem.vehicle_types
        ],
        "vehicles": [
            {"id": v.id, "type_id": v.type_id, "depot_id": v.depot_id, "name": v.name}
            for v in problem.vehicles
        ],
        "crews": [
            {
                "id": c.id,
                "max_work_s": c.max_work_s,
                "break_s": c.break_s,
                "break_after_s": c.break_after_s,
                "available": _windows_out((c.available,))[0],
                "name": c.name,
            }
            for c in problem.crews
        ],
        "zones": [
            {
                "id": z.id,
                "ring": [list(corner) for corner in z.ring],
                "allowed_size_classes": sorted(map(e, z.allowed_size_classes)),
                "open_windows": _windows_out(z.open_windows),
                "name": z.name,
            }
            for z in problem.zones
        ],
        "travel": dict(travel)
        if travel is not None
        else {name: _matrix_out(m) for name, m in problem.travel.items()},
    }


def write_problem(
    problem: Problem, path: str | Path, *, travel: Mapping[str, Mapping[str, Any]] | None = None
) -> None:
    """Write ``problem`` as JSON to ``path`` (see :func:`problem_to_dict`)."""
    data = problem_to_dict(problem, travel=travel)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
