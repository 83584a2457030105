"""Scenario files (TOML): a base district-day plus what-if changes, and how to solve it.

.. code-block:: toml

    name = "second-landfill"
    description = "The old landfill closes; the second one opens east of town."

    [base]
    scenario = "district-baseline"   # or: problem = "district.json" (relative to this file)
    seed = 1
    scale = 0.2                      # share of the district's points (built-in scenarios)

    [solve]
    time_limit_s = 60
    iterations = 2000

    [[changes]]
    type = "remove-facility"
    id = "landfill"

    [[changes]]
    type = "add-facility"
    id = "landfill-2"
    kind = "landfill"
    like = "landfill"
    near = "depot"
    east_km = 25.0

Every defect of a file is reported at once, each with its line and field
(``line 14: changes[1] (add-facility): capacity_t: must be a number``). The same reader takes
the JSON form the API receives (no lines there: positions only). docs: README "What-if scenarios".
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from routing import fields as p
from routing.domain import FacilityKind, WasteStream
from routing.errors import Defect, DefectCollector, FieldError, ProblemError
from routing.fleet import Shift
from scenarios.changes import (
    AddFacility,
    Change,
    ChangeFacility,
    DemandChange,
    FacilityFigures,
    FleetChange,
    MoveFacility,
    Place,
    RemoveFacility,
    ShiftChange,
    growth_factor,
)
from scenarios.toml_lines import NO_LINES, Lines
from scenarios.toml_lines import Path as KeyPath

T = TypeVar("T")


class ScenarioError(ProblemError):
    """A scenario file (or request) has defects; each names its line (when known) and field."""


@dataclass(frozen=True, slots=True, eq=False)
class Base:
    """The district-day a scenario changes.

    Exactly one of ``scenario`` (a built-in name, see :data:`scenarios.SCENARIOS`), ``problem``
    (a problem file) or ``document`` (a problem file's JSON form, as the API holds it).
    """

    scenario: str | None = None
    problem: Path | None = None
    document: Mapping[str, Any] | None = None
    osm: Path | None = None
    seed: int = 0
    scale: float | None = None

    def key(self) -> str:
        """What identifies the base (to build it once per process)."""
        if self.document is not None:
            text = json.dumps(self.document, sort_keys=True, default=str)
            return f"document:{hashlib.sha256(text.encode()).hexdigest()}"
        return f"{self.scenario}|{self.problem}|{self.osm}|{self.seed}|{self.scale}"

    def describe(self) -> str:
        if self.scenario is not None:
            scale = f", scale {self.scale:g}" if self.scale is not None else ""
            osm = f" on {self.osm.name}" if self.osm is not None else ""
            return f"{self.scenario}{osm} (seed {self.seed}{scale})"
        if self.problem is not None:
            return f"problem file {self.problem.name}"
        return "the district's stored data"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How each scenario is solved: seed, time limit (s) and an optional iteration bound."""

    seed: int = 0
    time_limit_s: float = 60.0
    iterations: int | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """A named what-if: a base, changes applied in order, and solve options."""

    name: str
    base: Base
    changes: tuple[Change, ...] = ()
    solve: SolveOptions = SolveOptions()
    description: str = ""
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


class TableReader:
    """Reads tables of a scenario document, gathering defects with their lines."""

    def __init__(self, lines: Lines, defects: DefectCollector) -> None:
        self.lines = lines
        self.defects = defects

    def where(self, path: KeyPath, label: str) -> str:
        line = self.lines.of(path)
        return f"line {line}: {label}" if line is not None else label

    def add(self, path: KeyPath, label: str, field_name: str, message: str) -> None:
        self.defects.add(self.where((*path, field_name), label), field_name, message)

    def table(self, raw: Any, path: KeyPath, label: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.defects.add(self.where(path, label), label, "must be a table")
            return {}
        for key in sorted(set(raw) - allowed):
            known = ", ".join(sorted(allowed))
            self.add(path, label, str(key), f"is not a field here (known: {known})")
        return raw

    def get(
        self,
        raw: Mapping[str, Any],
        path: KeyPath,
        label: str,
        name: str,
        convert: Callable[[Any, str], T],
        default: Any = p.MISSING,
    ) -> T:
        try:
            return p.get(raw, name, convert, default)
        except FieldError as error:
            self.add(path, label, error.field, error.message)
            return None  # type: ignore[return-value]


#: Largest figure a scenario may give (t, min, h, km, counts): beyond it, a typo.
LARGEST = 100_000


def _positive_number(value: Any, name: str) -> float:
    number = p.number(value, name)
    if number <= 0 or number > LARGEST:
        raise FieldError(name, f"must be more than 0 and at most {LARGEST:,}, got {number:g}")
    return number


def non_negative_int(value: Any, name: str) -> int:
    """A field's whole number from 0 to :data:`LARGEST`, or a :class:`FieldError` naming it."""
    number = p.integer(value, name)
    if number < 0 or number > LARGEST:
        raise FieldError(name, f"must be 0 or more and at most {LARGEST:,}, got {number}")
    return number


def _offset_km(value: Any, name: str) -> float:
    number = p.number(value, name)
    if abs(number) > 1000:
        raise FieldError(name, f"must be within ±1000 km, got {number:g}")
    return number


def _factor(value: Any, name: str) -> float:
    number = _positive_number(value, name)
    if number > 10:
        raise FieldError(name, f"must be at most 10, got {number:g}")
    return number


def _growth(value: Any, name: str) -> float:
    number = p.number(value, name)
    if not -100 < number <= 900:
        raise FieldError(name, f"must be more than -100 and at most 900, got {number:g}")
    return number


def _scale(value: Any, name: str) -> float:
    number = _positive_number(value, name)
    if number > 10:
        raise FieldError(name, f"must be at most 10, got {number:g}")
    return number


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
        tipping_min=r.get(raw, path, label, "tipping_min", _positive_number, None),
        capacity_t=r.get(raw, path, label, "capacity_t", _positive_number, None),
        storage_t=r.get(raw, path, label, "storage_t", _positive_number, None),
        container_t=r.get(raw, path, label, "container_t", _positive_number, None),
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


def _change(r: TableReader, raw: Any, index: int) -> Change | None:
    path: KeyPath = ("changes", index)
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    label = f"changes[{index}] ({kind})" if isinstance(kind, str) else f"changes[{index}]"
    if not isinstance(kind, str) or kind not in FIELDS:  # a list or table is no type
        r.add(path, label, "type", f"{kind!r} is not one of: {', '.join(FIELDS)}")
        return None
    raw = r.table(raw, path, label, FIELDS[kind])
    where = r.where(path, label)
    before = len(r.defects.defects)
    change: Change | None = None
    if kind in ("add-facility", "remove-facility", "move-facility", "change-facility"):
        facility_id = r.get(raw, path, label, "id", p.text)
        if kind == "remove-facility":
            change = RemoveFacility(facility_id, where=where)
        elif kind == "move-facility":
            place = read_place(r, raw, path, label)
            change = MoveFacility(facility_id, place, where=where) if place else None
        elif kind == "change-facility":
            change = ChangeFacility(
                facility_id, read_facility_figures(r, raw, path, label), where=where
            )
        else:
            kind_value = r.get(
                raw,
                path,
                label,
                "kind",
                p.enum_value(FacilityKind),
                FacilityKind.TRANSFER_STATION,
            )
            place = read_place(r, raw, path, label)
            like = r.get(raw, path, label, "like", p.text, None)
            figures = read_facility_figures(r, raw, path, label)
            if place is not None and kind_value is not None:
                change = AddFacility(facility_id, kind_value, place, figures, like, where=where)
    elif kind == "fleet":
        counts = [name for name in ("add", "remove", "count") if name in raw]
        if len(counts) != 1:
            r.add(path, label, "add", "give exactly one of add, remove or count")
        change = FleetChange(
            vehicle_type=r.get(raw, path, label, "vehicle_type", p.text),
            add=r.get(raw, path, label, "add", non_negative_int, 0),
            remove=r.get(raw, path, label, "remove", non_negative_int, 0),
            count=r.get(raw, path, label, "count", non_negative_int, None),
            depot=r.get(raw, path, label, "depot", p.text, None),
            crews_per_vehicle=r.get(raw, path, label, "crews_per_vehicle", non_negative_int, None),
            where=where,
        )
    elif kind == "demand":
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
        if factor is not None:
            change = DemandChange(factor, streams, where=where)
    else:
        shifts = _shift_list(r, raw.get("shifts"), (*path, "shifts"), label)
        max_work = r.get(raw, path, label, "crew_max_work_h", _positive_number, None)
        break_after = r.get(raw, path, label, "crew_break_after_h", _positive_number, None)
        cap = r.get(raw, path, label, "cap_visits", p.boolean, False)
        if shifts is not None:
            change = ShiftChange(shifts, max_work, break_after, bool(cap), where=where)
    return change if len(r.defects.defects) == before else None


def _base(
    r: TableReader, raw: Any, base_dir: Path | None, document: Mapping[str, Any] | None
) -> Base | None:
    if document is not None:
        return Base(document=document)
    path: KeyPath = ("base",)
    table = r.table(raw, path, "base", {"scenario", "problem", "osm", "seed", "scale"})
    if not table:
        r.defects.add(r.where(path, "base"), "base", "is required: give scenario or problem")
        return None
    scenario = r.get(table, path, "base", "scenario", p.text, None)
    problem = r.get(table, path, "base", "problem", p.text, None)
    osm = r.get(table, path, "base", "osm", p.text, None)
    seed = r.get(table, path, "base", "seed", p.integer, 0)
    scale = r.get(table, path, "base", "scale", _scale, None)
    if (scenario is None) == (problem is None):
        r.add(path, "base", "scenario", "give exactly one of scenario or problem")
        return None

    def resolve(text: str | None) -> Path | None:
        if text is None:
            return None
        where = Path(text).expanduser()
        return where if where.is_absolute() or base_dir is None else (base_dir / where).resolve()

    if scenario is not None:
        from scenarios import SCENARIOS

        if scenario not in SCENARIOS:
            r.add(
                path,
                "base",
                "scenario",
                f"{scenario!r} is not one of: {', '.join(sorted(SCENARIOS))}",
            )
            return None
    problem_path = resolve(problem)
    if problem_path is not None and not problem_path.is_file():
        r.add(path, "base", "problem", f"no problem file at {problem_path}")
        return None
    osm_path = resolve(osm)
    if osm_path is not None and not osm_path.is_file():
        r.add(path, "base", "osm", f"no OSM file at {osm_path}")
        return None
    if problem is not None and (osm is not None or scale is not None):
        r.add(path, "base", "scale", "osm and scale apply to a built-in scenario only")
        return None
    if seed is None:
        return None
    return Base(scenario=scenario, problem=problem_path, osm=osm_path, seed=seed, scale=scale)


def _solve(r: TableReader, raw: Any) -> SolveOptions:
    if raw is None:
        return SolveOptions()
    path: KeyPath = ("solve",)
    table = r.table(raw, path, "solve", {"seed", "time_limit_s", "iterations"})
    iterations = r.get(table, path, "solve", "iterations", non_negative_int, None)
    return SolveOptions(
        seed=r.get(table, path, "solve", "seed", p.integer, 0) or 0,
        time_limit_s=r.get(table, path, "solve", "time_limit_s", _positive_number, 60.0) or 60.0,
        iterations=iterations or None,
    )


TOP_LEVEL = {"name", "description", "base", "solve", "changes"}


def scenario_from_dict(
    raw: Any,
    *,
    source: str = "scenario",
    lines: Lines = NO_LINES,
    base_dir: Path | None = None,
    document: Mapping[str, Any] | None = None,
    extra: frozenset[str] = frozenset(),
) -> Scenario:
    """A :class:`Scenario` from its parsed form; every defect is reported at once.

    ``document`` (the API's stored district) replaces the ``base`` table; ``extra`` names other
    top-level tables a caller reads itself (``siting``, ``candidates``).

    Raises
    ------
    ScenarioError
        Naming, for each defect, the line (when ``lines`` knows it), the table and the field.
    """
    defects = DefectCollector()
    r = TableReader(lines, defects)
    if not isinstance(raw, Mapping):
        defects.add("scenario", "format", "must be a table of name, base and changes")
        defects.raise_if_any(source=source, kind=ScenarioError)
        raise AssertionError  # unreachable
    allowed = TOP_LEVEL | extra | ({"base"} if document is not None else set())
    r.table(raw, (), "scenario", allowed)
    default_name = Path(source).stem if source != "scenario" else "scenario"
    name = r.get(raw, (), "scenario", "name", p.text, default_name)
    description = r.get(raw, (), "scenario", "description", p.text, "")
    base = _base(r, raw.get("base"), base_dir, document)
    solve = _solve(r, raw.get("solve"))
    changes_raw = raw.get("changes", [])
    changes: list[Change] = []
    if not isinstance(changes_raw, list):
        r.add((), "scenario", "changes", "must be a list of [[changes]] tables")
    else:
        for i, item in enumerate(changes_raw):
            change = _change(r, item, i)
            if change is not None:
                changes.append(change)
    defects.raise_if_any(source=source, kind=ScenarioError)
    assert base is not None
    return Scenario(
        name=name,
        base=base,
        changes=tuple(changes),
        solve=solve,
        description=description or "",
        source=source,
        raw=raw,
    )


def read_toml(path: Path) -> tuple[dict[str, Any], Lines]:
    """The parsed TOML of ``path`` and its key lines; a syntax error names line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            [Defect("file", "encoding", "is not UTF-8 text")], source=str(path)
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = message[message.find("(at ") + 1 : -1] if "(at " in message else "file"
        raise ScenarioError(
            [Defect(where, "toml", message.split(" (at ")[0])], source=str(path)
        ) from None
    return raw, Lines.of_text(text)


def read_scenario(path: str | Path, *, extra: frozenset[str] = frozenset()) -> Scenario:
    """Read a scenario file; errors name the file, and each defect's line and field.

    Raises
    ------
    ScenarioError
        On a file that is not TOML, or any defect of its tables.
    """
    path = Path(path)
    raw, lines = read_toml(path)
    return scenario_from_dict(
        raw, source=str(path), lines=lines, base_dir=path.parent.resolve(), extra=extra
    )
