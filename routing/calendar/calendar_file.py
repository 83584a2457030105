"""The calendar file: a horizon, visit rules per stream or point, and each day's resources.

TOML or JSON (docs/problem-format.md, "Collection calendars")::

    horizon_days = 7
    first_weekday = "mon"              # the weekday of day 0 (or 0–6, Monday 0)
    vehicle_day_cost_yuan = 80         # optional: a vehicle's cost of working a day

    [streams.recyclable]               # every point of the stream
    visits = 2
    cycle_days = 7
    [streams.bulky]
    visits = 1
    cycle_days = 7
    weekdays = ["tue", "fri"]
    [streams.night_soil]
    visits = 1
    cycle_days = 14
    max_kg_per_visit = 6000            # a point whose visit would load more is served daily

    [[points]]                         # one point, in place of its stream's rule
    point = "C0012"
    visits = 3
    cycle_days = 7
    patterns = [[0, 2, 4], [1, 3, 5]]  # optional: the only allowed ones
    kg_per_visit = 400                 # optional

    [[days]]
    day = 6
    vehicles_share = 0.6               # of each vehicle type's vehicles (or: vehicles = [ids])
    closed = ["landfill"]
    opening = { "station-1" = ["08:00-12:00"] }

Every bad value is named by its record (``streams.bulky``, ``points[2]``, ``days[0]``) and field.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from routing import fields as p
from routing.calendar.model import WEEKDAYS, CalendarProblem, DayResources, VisitRule
from routing.domain import CollectionPoint
from routing.errors import Defect, DefectCollector, FieldError, ProblemError, RecordError
from routing.problem import Problem


def _weekday(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 7:
        return value
    if isinstance(value, str) and value.strip().lower()[:3] in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower()[:3])
    raise FieldError(name, f"{value!r} is not a weekday (mon … sun, or 0–6)")


def _weekdays(value: Any, name: str) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise FieldError(name, "must be a list of weekdays")
    return tuple(sorted({_weekday(v, name) for v in value}))


def _patterns(value: Any, name: str) -> tuple[tuple[int, ...], ...]:
    if not isinstance(value, list) or not all(
        isinstance(q, list) and all(isinstance(d, int) and not isinstance(d, bool) for d in q)
        for q in value
    ):
        raise FieldError(name, "must be a list of lists of day numbers")
    return tuple(tuple(q) for q in value)


def _ids(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(name, "must be a list of ids")
    return tuple(value)


def _share(value: Any, name: str) -> float:
    share = p.number(value, name)
    if not 0 < share <= 1:
        raise FieldError(name, f"must be above 0 and at most 1, got {share}")
    return share


def _rule(raw: Mapping[str, Any], point_id: str) -> VisitRule:
    f = p.Fields(raw)
    optional = {
        name: f(name, convert)
        for name, convert in (
            ("cycle_days", p.integer),
            ("weekdays", _weekdays),
            ("patterns", _patterns),
            ("kg_per_visit", p.integer),
            ("litres_per_visit", p.integer),
        )
        if raw.get(name) is not None
    }
    rule = f.make(VisitRule, point_id, f("visits", p.integer), **optional)
    return f.result(rule)


def _day(raw: Mapping[str, Any], base: Problem) -> DayResources:
    f = p.Fields(raw)
    vehicles = f("vehicles", _ids, None)
    share = f("vehicles_share", _share, None)
    if vehicles is not None and share is not None:
        f.errors.append(FieldError("vehicles_share", "give vehicles or vehicles_share, not both"))
    if share is not None:
        chosen: list[str] = []
        for vtype in base.vehicle_types:
            of_type = [v.id for v in base.vehicles if v.type_id == vtype.id]
            chosen += of_type[: math.ceil(share * len(of_type))]
        vehicles = tuple(chosen)
    opening_raw = raw.get("opening", {})
    opening: list[tuple[str, tuple[Any, ...]]] = []
    if not isinstance(opening_raw, Mapping):
        f.errors.append(FieldError("opening", "must map facilities to their windows"))
    else:
        for facility, windows in opening_raw.items():
            try:
                opening.append((str(facility), p.windows(windows, f"opening.{facility}")))
            except FieldError as error:
                f.errors.append(error)
    crews = f("crews", _ids, None)
    closed = f("closed", _ids, ())
    number = f("day", p.integer)
    if f.errors or number is None:
        return f.result(DayResources(0))
    made = f.make(DayResources, number, opening=tuple(opening), closed=frozenset(closed or ()))
    return f.result(made if made is None else replace(made, vehicles=vehicles, crews=crews))


def calendar_from_dict(raw: Any, base: Problem, *, source: str = "calendar") -> CalendarProblem:
    """The calendar a file's contents describe, over the district ``base``.

    Raises
    ------
    ProblemError
        Naming every bad record and field.
    """
    defects = DefectCollector()
    if not isinstance(raw, Mapping):
        message = "must be a table of horizon_days, streams, points, days"
        raise ProblemError([Defect(source, "calendar", message)], source=source)
    horizon = first = None
    try:
        horizon = p.get(raw, "horizon_days", p.integer)
    except FieldError as error:
        defects.add_error("calendar", error)
    try:
        first = p.get(raw, "first_weekday", _weekday, 0)
    except FieldError as error:
        defects.add_error("calendar", error)
    vehicle_day_fen = 0
    try:
        yuan = p.get(raw, "vehicle_day_cost_yuan", p.number, 0.0)
        if yuan < 0:
            raise FieldError("vehicle_day_cost_yuan", f"{yuan} is negative")
        vehicle_day_fen = round(yuan * 100)
    except FieldError as error:
        defects.add_error("calendar", error)
    by_stream: dict[str, VisitRule] = {}
    limits: dict[str, int | None] = {}
    streams = raw.get("streams", {})
    if not isinstance(streams, Mapping):
        defects.add("calendar", "streams", "must map streams to their rules")
        streams = {}
    known = {s.stream.value for s in base.points}
    for stream, spec in streams.items():
        record = f"streams.{stream}"
        if stream not in known:
            defects.add(record, "stream", f"no point of the district is of stream {stream!r}")
            continue
        spec = dict(spec) if isinstance(spec, Mapping) else {}
        try:
            limits[stream] = p.get(spec, "max_kg_per_visit", p.integer, None)
            spec.pop("max_kg_per_visit", None)
            by_stream[stream] = _rule(spec, "template")
        except (FieldError, RecordError) as error:
            defects.add_error(record, error)
    own: dict[str, VisitRule] = {}
    points = raw.get("points", [])
    for i, spec in enumerate(points if isinstance(points, list) else []):
        record = f"points[{i}]"
        try:
            if not isinstance(spec, Mapping):
                raise FieldError("point", "must be a table with point and visits")
            point_id = p.get(spec, "point", p.text)
            own[point_id] = _rule(spec, point_id)
        except (FieldError, RecordError) as error:
            defects.add_error(record, error)
    days: list[DayResources] = []
    for i, spec in enumerate(raw.get("days", []) if isinstance(raw.get("days"), list) else []):
        try:
            days.append(_day(spec if isinstance(spec, Mapping) else {}, base))
        except (FieldError, RecordError) as error:
            defects.add_error(f"days[{i}]", error)
    defects.raise_if_any(source=source)
    largest = _largest_bodies(base)
    rules = [
        VisitRule(**{**_fields(by_stream[pt.stream.value]), "point_id": pt.id})
        for pt in base.points
        if pt.stream.value in by_stream
        and pt.id not in own
        and _fits(pt, by_stream[pt.stream.value], limits.get(pt.stream.value), largest)
    ]
    rules += own.values()
    assert horizon is not None and first is not None
    return CalendarProblem(
        source,
        base,
        horizon,
        tuple(rules),
        tuple(days),
        first_weekday=first,
        vehicle_day_fen=vehicle_day_fen,
    )


def _largest_bodies(base: Problem) -> dict[tuple[str, int], tuple[int, int]]:
    """Per stream and largest size class a point admits, the largest kg and litres one vehicle
    that may carry the stream and reach such a point holds."""
    largest: dict[tuple[str, int], tuple[int, int]] = {}
    classes = sorted({int(t.size_class) for t in base.vehicle_types})
    for stream_rule in base.rules.stream_rules:
        for admitted in classes:
            fits = [
                t
                for t in base.vehicle_types
                if t.body in stream_rule.bodies and int(t.size_class) <= admitted
            ]
            if fits:
                largest[(stream_rule.stream.value, admitted)] = (
                    max(t.capacity_kg for t in fits),
                    max(t.capacity_l for t in fits),
                )
    return largest


def _fits(
    point: CollectionPoint,
    rule: VisitRule,
    limit: int | None,
    largest: Mapping[tuple[str, int], tuple[int, int]],
) -> bool:
    """Whether a point's visit under its stream's ``rule`` fits: within the stream's
    ``max_kg_per_visit`` and within one load of the largest vehicle that may carry the stream
    and reach the point (its largest size class: an old town's carts). A point whose waste
    between two visits would not fit is served daily instead."""
    if rule.kg_per_visit is not None or rule.cycle_days is None:
        return True
    days = rule.cycle_days / rule.visits
    kg = math.ceil(point.kg_per_day * days)
    litres = math.ceil(point.litres_per_day * days)
    reach = max(
        (c for s, c in largest if s == point.stream.value and c <= int(point.max_size_class)),
        default=None,
    )
    if reach is None:  # no vehicle reaches it: the day's planning says so
        return limit is None or kg <= limit
    cap_kg, cap_l = largest[(point.stream.value, reach)]
    return kg <= cap_kg and litres <= cap_l and (limit is None or kg <= limit)


def _fields(rule: VisitRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in VisitRule.__slots__}


def read_calendar(path: Path, base: Problem) -> CalendarProblem:
    """Read a calendar file (``.toml`` or ``.json``) over the district ``base``."""
    if path.suffix.lower() == ".toml":
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ProblemError([Defect("file", "toml", str(error))], source=str(path)) from None
    else:
        raw = p.read_json(path)
    return calendar_from_dict(raw, base, source=path.stem)
