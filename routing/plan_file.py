"""The plan file: a documented JSON form of :class:`~routing.plan.Plan` (docs/plan-format.md).

A plan's GeoJSON export for maps is :func:`routing.plan_geojson.plan_to_geojson`, importable from
here too.

Times are integer seconds since midnight of the plan's day; loads are kilograms and litres.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from routing import fields as p
from routing.domain import WasteStream
from routing.errors import Defect, DefectCollector, FieldError, PlanFormatError
from routing.plan import (
    Break,
    Candidate,
    Haul,
    Plan,
    Route,
    RunStats,
    Trip,
    Unload,
    Unserved,
    VisitStop,
)

# Re-exported: the GeoJSON export was defined here, and callers import it from here.
from routing.plan_geojson import plan_to_geojson as plan_to_geojson

FORMAT = "huanwei-plan/1"
T = TypeVar("T")


def _visit_out(v: VisitStop) -> dict[str, Any]:
    return {
        "point": v.point_id,
        "visit": v.visit,
        "arrival_s": v.arrival_s,
        "start_s": v.start_s,
        "departure_s": v.departure_s,
        "load_kg": v.load_kg,
        "load_l": v.load_l,
    }


def _unload_out(u: Unload) -> dict[str, Any]:
    return {
        "facility": u.facility_id,
        "arrival_s": u.arrival_s,
        "start_s": u.start_s,
        "departure_s": u.departure_s,
        "kg": u.kg,
        "litres": u.litres,
    }


def _candidate_out(c: Candidate | None) -> dict[str, Any] | None:
    return (
        None if c is None else {"unserved": c.unserved, "cost_yuan": c.cost_yuan, "valid": c.valid}
    )


def stats_to_dict(stats: RunStats) -> dict[str, Any]:
    """The JSON form of a solve's :class:`~routing.plan.RunStats` (docs/plan-format.md)."""
    return {
        "engine": stats.engine,
        "chosen": stats.chosen,
        "seed": stats.seed,
        "seconds": stats.seconds,
        "phases_s": dict(stats.phases),
        "time_limit_s": stats.time_limit_s,
        "iterations": stats.iterations,
        "searches": stats.searches,
        "streams": list(stats.streams),
        "routing_library_kept": stats.routing_library_kept,
        "placed_again": stats.placed_again,
        "optimiser": _candidate_out(stats.optimiser),
        "greedy": _candidate_out(stats.greedy),
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON form of ``plan``."""
    head: dict[str, Any] = {"format": FORMAT, "problem": plan.problem_name, "meta": dict(plan.meta)}
    if plan.stats is not None:
        head["stats"] = stats_to_dict(plan.stats)
    return head | {
        "routes": [
            {
                "vehicle": r.vehicle_id,
                "shift": r.shift_id,
                "crew": r.crew_id,
                "start_s": r.start_s,
                "end_s": r.end_s,
                "breaks": [{"start_s": b.start_s, "end_s": b.end_s} for b in r.breaks],
                "trips": [
                    {
                        "stream": t.stream.value,
                        "visits": [_visit_out(v) for v in t.visits],
                        "unload": None if t.unload is None else _unload_out(t.unload),
                    }
                    for t in r.trips
                ],
            }
            for r in plan.routes
        ],
        "hauls": [
            {
                "vehicle": h.vehicle_id,
                "station": h.station_id,
                "destination": h.destination_id,
                "depart_s": h.depart_s,
                "arrival_s": h.arrival_s,
                "containers": h.containers,
                "kg": h.kg,
            }
            for h in plan.hauls
        ],
        "unserved": [
            {"point": u.point_id, "visit": u.visit, "rule": u.rule, "reason": u.reason}
            for u in plan.unserved
        ],
    }


class _Reader:
    """Walks the plan JSON, naming each record by its path (``routes[2].trips[0]``)."""

    def __init__(self) -> None:
        self.defects = DefectCollector()

    def items(self, raw: Any, key: str, where: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = raw.get(key, [])
        if not isinstance(value, list):
            self.defects.add(where or "plan", key, "must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            label = f"{where}.{key}[{i}]" if where else f"{key}[{i}]"
            if isinstance(item, Mapping):
                out.append((label, item))
            else:
                self.defects.add(label, key, "must be an object")
        return out

    def each(
        self, raw: Any, key: str, where: str, make: Callable[[Mapping[str, Any]], T]
    ) -> list[T | None]:
        out: list[T | None] = []
        for label, item in self.items(raw, key, where):
            try:
                out.append(make(item))
            except FieldError as error:
                self.defects.add_error(label, error)
                out.append(None)
        return out

    def build(self, label: str, make: Callable[[], T]) -> T | None:
        try:
            return make()
        except FieldError as error:
            self.defects.add_error(label, error)
            return None


def _visit(raw: Mapping[str, Any]) -> VisitStop:
    g, i = p.get, p.integer
    return VisitStop(
        g(raw, "point", p.text),
        g(raw, "visit", i, 0),
        g(raw, "arrival_s", i),
        g(raw, "start_s", i),
        g(raw, "departure_s", i),
        g(raw, "load_kg", i),
        g(raw, "load_l", i, 0),
    )


def _unload(raw: Mapping[str, Any]) -> Unload:
    g, i = p.get, p.integer
    return Unload(
        g(raw, "facility", p.text),
        g(raw, "arrival_s", i),
        g(raw, "start_s", i),
        g(raw, "departure_s", i),
        g(raw, "kg", i),
        g(raw, "litres", i, 0),
    )


def _break(raw: Mapping[str, Any]) -> Break:
    return Break(p.get(raw, "start_s", p.integer), p.get(raw, "end_s", p.integer))


def _trip(reader: _Reader, label: str, raw: Mapping[str, Any]) -> Trip | None:
    visits = reader.each(raw, "visits", label, _visit)
    unload: Unload | None = None
    if raw.get("unload") is not None:
        if isinstance(raw["unload"], Mapping):
            unload = reader.build(f"{label}.unload", lambda: _unload(raw["unload"]))
        else:
            reader.defects.add(label, "unload", "must be an object or null")
    stream = reader.build(label, lambda: p.get(raw, "stream", p.enum_value(WasteStream)))
    if stream is None or any(v is None for v in visits):
        return None
    return Trip(stream, tuple(v for v in visits if v is not None), unload)


def _route(reader: _Reader, label: str, raw: Mapping[str, Any]) -> Route | None:
    trips = [_trip(reader, lab, r) for lab, r in reader.items(raw, "trips", label)]
    breaks = reader.each(raw, "breaks", label, _break)

    def head() -> tuple[str, str, str, int, int]:
        return (
            p.get(raw, "vehicle", p.text),
            p.get(raw, "shift", p.text),
            p.get(raw, "crew", p.text),
            p.get(raw, "start_s", p.integer),
            p.get(raw, "end_s", p.integer),
        )

    fields = reader.build(label, head)
    if fields is None or any(t is None for t in trips) or any(b is None for b in breaks):
        return None
    return Route(
        *fields,
        trips=tuple(t for t in trips if t is not None),
        breaks=tuple(b for b in breaks if b is not None),
    )


def _haul(raw: Mapping[str, Any]) -> Haul:
    g, i = p.get, p.integer
    return Haul(
        g(raw, "vehicle", p.text),
        g(raw, "station", p.text),
        g(raw, "destination", p.text),
        g(raw, "depart_s", i),
        g(raw, "arrival_s", i),
        g(raw, "containers", i),
        g(raw, "kg", i),
    )


def _unserved(raw: Mapping[str, Any]) -> Unserved:
    return Unserved(
        p.get(raw, "point", p.text),
        p.get(raw, "visit", p.integer, 0),
        p.get(raw, "rule", p.text),
        p.get(raw, "reason", p.text),
    )


def _meta(raw: Any) -> dict[str, str | int | float]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str | int | float)}


def _candidate(raw: Any, name: str) -> Candidate:
    if not isinstance(raw, Mapping):
        raise FieldError(name, "must be an object with unserved, cost_yuan and valid")
    try:
        return Candidate(
            p.get(raw, "unserved", p.integer),
            p.get(raw, "cost_yuan", p.number),
            p.get(raw, "valid", p.boolean),
        )
    except FieldError as error:
        raise FieldError(f"{name}.{error.field}", error.message) from None


def _phases(value: Any, name: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        raise FieldError(name, "must be an object of seconds by phase")
    return tuple((str(k), p.number(v, f"{name}.{k}")) for k, v in value.items())


def _names(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FieldError(name, "must be a list of names")
    return tuple(p.text(v, name) for v in value)


def stats_from_dict(raw: Mapping[str, Any]) -> RunStats:
    """A solve's :class:`~routing.plan.RunStats` from its JSON form; errors name the field."""
    g, i = p.get, p.integer
    return RunStats(
        engine=g(raw, "engine", p.text),
        chosen=g(raw, "chosen", p.text),
        seed=g(raw, "seed", i),
        seconds=g(raw, "seconds", p.number),
        phases=g(raw, "phases_s", _phases, ()),
        time_limit_s=g(raw, "time_limit_s", p.number, None),
        iterations=g(raw, "iterations", i, None),
        searches=g(raw, "searches", i, 0),
        streams=g(raw, "streams", _names, ()),
        routing_library_kept=g(raw, "routing_library_kept", i, 0),
        placed_again=g(raw, "placed_again", i, 0),
        optimiser=g(raw, "optimiser", _candidate, None),
        greedy=g(raw, "greedy", _candidate, None),
    )


def _stats(reader: _Reader, raw: Any) -> RunStats | None:
    """The plan's run statistics; None when the file has none (written before they existed: its
    figures stay in ``meta`` as they were)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        reader.defects.add("plan", "stats", "must be an object")
        return None
    return reader.build("stats", lambda: stats_from_dict(raw))


def plan_from_dict(raw: Any, *, source: str = "plan") -> Plan:
    """Build a :class:`Plan` from its JSON form.

    Raises
    ------
    PlanFormatError
        Naming every record (by its path in the file) and field that cannot be read.
    """
    reader = _Reader()
    if not isinstance(raw, Mapping):
        raise PlanFormatError([Defect("plan", "format", "must be one JSON object")], source=source)
    if raw.get("format", FORMAT) != FORMAT:
        reader.defects.add("plan", "format", f"is {raw.get('format')!r}; expected {FORMAT!r}")
    routes = [_route(reader, lab, r) for lab, r in reader.items(raw, "routes", "")]
    hauls = reader.each(raw, "hauls", "", _haul)
    unserved = reader.each(raw, "unserved", "", _unserved)
    stats = _stats(reader, raw.get("stats"))
    name = raw.get("problem")
    if not isinstance(name, str):
        reader.defects.add("plan", "problem", "must name the problem")
    reader.defects.raise_if_any(source=source, kind=PlanFormatError)
    return Plan(
        problem_name=str(name),
        routes=tuple(r for r in routes if r is not None),
        hauls=tuple(h for h in hauls if h is not None),
        unserved=tuple(u for u in unserved if u is not None),
        meta=_meta(raw.get("meta")),
        stats=stats,
    )


def read_plan(path: str | Path) -> Plan:
    """Read a plan file; errors name the file, each record and each field."""
    path = Path(path)
    return plan_from_dict(p.read_json(path, kind=PlanFormatError), source=str(path))


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write ``plan`` as JSON to ``path``."""
    Path(path).write_text(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=1), "utf-8")
